using GridActors.Reports;

namespace GridActors.Hosting;

/// <summary>report.html for run folders (GridActors.Reports: inline SVG charts, nothing fetched).</summary>
public static class RunReports
{
    /// <summary>Writes the run folder's report.html; a report that cannot be built is reported, not fatal (the run's data is already safe).</summary>
    public static string? Write(string runDir, Action<string> log) => TryWrite(() => ReportBuilder.WriteRunReport(runDir), log);

    /// <summary>Writes a page after a run or sweep has saved its data; a page that cannot be built is logged, not fatal.</summary>
    public static string? TryWrite(Func<string> write, Action<string> log)
    {
        try
        {
            return write();
        }
        catch (ReportException ex)
        {
            log("report.html not written: " + ex.Message);
            return null;
        }
    }

    /// <summary>A run folder from a run id (runs/&lt;id&gt;) or a folder path.</summary>
    public static string Folder(string run)
    {
        if (Directory.Exists(run)) return run;
        var byId = Path.Combine("runs", run);
        if (Directory.Exists(byId)) return byId;
        throw new UserInputException($"no run folder for '{run}' (looked for the folder itself and for {byId}); give the run's --out folder if it was written elsewhere");
    }
}
