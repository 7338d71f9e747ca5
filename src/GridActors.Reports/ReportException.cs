namespace GridActors.Reports;

/// <summary>A run folder (or sweep folder) cannot be turned into a report: the folder is missing, or a required file
/// is absent or malformed. The message names the file and what is wrong with it.</summary>
public sealed class ReportException : Exception
{
    public ReportException(string message) : base(message) { }

    public ReportException(string message, Exception inner) : base(message, inner) { }
}
