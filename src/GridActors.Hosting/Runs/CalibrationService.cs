using System.Diagnostics;
using System.Globalization;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Reports.Format;
using GridActors.Scenarios;

namespace GridActors.Hosting.Runs;

/// <summary>A calibration check: a loaded scenario with its seed and horizon, and optionally a run folder to write (with its
/// report unless <see cref="Report"/> is off); without one nothing is written.</summary>
public sealed record CalibrationRequest(Scenario Scenario, ulong Seed, long HorizonMicros)
{
    public string? OutDir { get; init; }
    public bool Report { get; init; } = true;
}

/// <summary>What a calibration check found: the run, its summary (summary.json's record, whose <c>Calibration</c> lists every
/// target with its value and verdict) and where the run folder went, if anywhere.</summary>
public sealed record CalibrationOutcome(RunResult Result, SupplyChainSummary Summary, SummaryFile SummaryFile, double WallSeconds, string? OutDir, string? ReportPath)
{
    public IReadOnlyList<CalibrationInfo> Targets => SummaryFile.Calibration;

    /// <summary>The targets whose value is outside their band or could not be computed.</summary>
    public IReadOnlyList<CalibrationInfo> Missed => [.. Targets.Where(t => !t.Pass)];

    /// <summary>Both conservation invariants hold.</summary>
    public bool Conserved => Summary.EnergyConserved && Summary.RequestsConserved;
}

/// <summary>
/// Runs a scenario to check its calibration targets (<c>gridactors calibrate</c>): on the sequential executor (the reference;
/// its digest is the one every executor reproduces), with no store and nothing registered, then evaluates the targets the
/// way every run does (<see cref="RunSummaries"/>). Writes a run folder only when asked to.
/// </summary>
public static class CalibrationService
{
    public const string Executor = "sequential";

    public static async Task<CalibrationOutcome> RunAsync(CalibrationRequest request, Action<SimTime, long>? progress, Action<string> log, CancellationToken cancellation)
    {
        var scenario = request.Scenario;
        var model = new SupplyChainModel(scenario.Spec);
        var settings = new RunSettings(request.Seed, new SimTime(request.HorizonMicros));
        var sw = Stopwatch.StartNew();
        var result = await Task.Run(() => new SequentialExecutor().Run(model, settings, progress), cancellation).WaitAsync(cancellation).ConfigureAwait(false);
        double wall = sw.Elapsed.TotalSeconds;
        var s = SupplyChainSummary.From(model, result);
        string runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + scenario.Spec.Name + "-s" + request.Seed + "-calibrate";
        var summary = RunSummaries.Of(runId, scenario, Executor, request.Seed, result, s, wall, [], ClusterInfo.SingleProcess);
        string? reportPath = null;
        if (request.OutDir is { } dir)
        {
            RunFolderWriter.Write(dir, model, RunSummaries.RunFileOf(summary, result.End.Micros, model.EntityCount), summary, s, result.End.Micros, []);
            if (request.Report) reportPath = RunReports.Write(dir, log);
        }
        return new CalibrationOutcome(result, s, summary, wall, request.OutDir, reportPath);
    }
}
