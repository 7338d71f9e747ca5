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

/// <summary>One target over several seeds: its value on each (null where it could not be computed), their mean (null if
/// any is null), the range, how many seeds were in the band, and whether the mean is.</summary>
public sealed record SeedsCalibrationInfo(string Id, string Metric, string Scope, double? Low, double? High, string Source,
    IReadOnlyList<double?> Values, double? Mean, double? Min, double? Max, int SeedsPassed, bool Pass);

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

    /// <summary>Runs <paramref name="seeds"/> (at most <paramref name="parallel"/> at once; each its own model and
    /// sequential run, nothing written) and returns their outcomes in the order of the seeds.</summary>
    public static async Task<IReadOnlyList<CalibrationOutcome>> RunSeedsAsync(Scenario scenario, IReadOnlyList<ulong> seeds, long horizonMicros, int parallel,
        Action<ulong, CalibrationOutcome>? done, Action<string> log, CancellationToken cancellation)
    {
        var outcomes = new CalibrationOutcome[seeds.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, parallel));
        var tasks = seeds.Select(async (seed, i) =>
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            try
            {
                outcomes[i] = await RunAsync(new CalibrationRequest(scenario, seed, horizonMicros), null, log, cancellation).ConfigureAwait(false);
                done?.Invoke(seed, outcomes[i]);
            }
            finally { gate.Release(); }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Each target over the seeds' outcomes (in the order of the first outcome's targets): the per-seed values,
    /// their mean and range, the seeds in the band, and the verdict on the mean — the check for a target that stands for
    /// a long-run statistic (a half-year's curtailment) which one simulated day's weather scatters around.</summary>
    public static IReadOnlyList<SeedsCalibrationInfo> Aggregate(IReadOnlyList<CalibrationOutcome> outcomes)
    {
        if (outcomes.Count == 0) return [];
        var list = new List<SeedsCalibrationInfo>();
        foreach (var t in outcomes[0].Targets)
        {
            var values = outcomes.Select(o => o.Targets.FirstOrDefault(x => x.Id == t.Id)?.Value).ToList();
            bool all = values.All(v => v is double d && double.IsFinite(d));
            double? mean = all ? values.Average(v => v!.Value) : null;
            var finite = values.Where(v => v is double d && double.IsFinite(d)).Select(v => v!.Value).ToList();
            int passed = outcomes.Count(o => o.Targets.FirstOrDefault(x => x.Id == t.Id)?.Pass == true);
            bool pass = mean is double m && (t.Low is not double lo || m >= lo) && (t.High is not double hi || m <= hi);
            list.Add(new SeedsCalibrationInfo(t.Id, t.Metric, t.Scope, t.Low, t.High, t.Source, values, mean,
                finite.Count > 0 ? finite.Min() : null, finite.Count > 0 ? finite.Max() : null, passed, pass));
        }
        return list;
    }

    /// <summary>Parses a seed list: numbers and ranges separated by commas, e.g. <c>1-8</c> or <c>1,3,10-12</c>; at most
    /// 1,000 seeds, no duplicates.</summary>
    public static bool TryParseSeeds(string text, out IReadOnlyList<ulong> seeds, out string error)
    {
        var list = new List<ulong>();
        seeds = list;
        error = "";
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !ulong.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong a)
                || (ends.Length == 2 && !ulong.TryParse(ends[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                error = $"'{part}' is not a seed or a range of seeds (e.g. 1-8 or 1,3,10-12)";
                return false;
            }
            ulong b = ends.Length == 2 ? ulong.Parse(ends[1], CultureInfo.InvariantCulture) : a;
            if (b < a) { error = $"'{part}': the range ends before it starts"; return false; }
            if (b - a >= 1000 || list.Count + (int)(b - a + 1) > 1000) { error = "at most 1,000 seeds"; return false; }
            for (ulong x = a; x <= b; x++)
            {
                if (list.Contains(x)) { error = $"seed {x} is given twice"; return false; }
                list.Add(x);
                if (x == ulong.MaxValue) break;
            }
        }
        return true;
    }
}
