namespace GridActors.Cli.Commands;

/// <summary>report.html for run folders (wired to GridActors.Reports).</summary>
public static class RunReports
{
    public static string? Write(string runDir, Action<string> log) => null;
}
