using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Reports.Format;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class ValidateSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Scenario file (YAML).")]
    public string File { get; init; } = "";
}

/// <summary><c>gridactors validate FILE</c>: entity counts, or every error as FILE:LINE:COL: message.</summary>
public sealed class ValidateCommand : Command<ValidateSettings>
{
    public override int Execute(CommandContext context, ValidateSettings settings, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(settings.File);
        if (scenario is null) return 1;
        Console.Out.WriteLine($"{settings.File}: valid — {scenario.Counts}; horizon {SimTime.ToHours(scenario.HorizonMicros):0.##} h, seed {scenario.Seed}");
        return 0;
    }
}

public sealed class RunSettingsCli : ClusterSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Scenario file (YAML).")]
    public string File { get; init; } = "";

    [CommandOption("--seed <N>")]
    [Description("Run seed (overrides the file's time.seed).")]
    public ulong? Seed { get; init; }

    [CommandOption("--until <DURATION>")]
    [Description("Simulated duration, e.g. 6h or '90 min' (overrides the file's time.horizon).")]
    public string? Until { get; init; }

    [CommandOption("--executor <NAME>")]
    [Description("sequential (reference) or actors (one Akka.NET actor per entity).")]
    [DefaultValue("actors")]
    public string Executor { get; init; } = "actors";

    [CommandOption("--threads <N>")]
    [Description("Dispatcher threads of the actor executor (0 = automatic: one per core for ≥ 512 entities, else one).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("--partitions <N>")]
    [Description("Node schedulers in the process for the actor executor (0 = one per thread).")]
    [DefaultValue(0)]
    public int Partitions { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Run folder (default runs/<runId>).")]
    public string? Out { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object with the run's summary on stdout.")]
    public bool Json { get; init; }

    [CommandOption("--no-store")]
    [Description("Keep no actor state in the store: no checkpoints, so no inspect and no fail-over beyond restarting from the start (the run is still registered). For large throw-away runs: persistent entity actors each cost a store round trip at start.")]
    public bool NoStore { get; init; }

    [CommandOption("--outage <KIND:TARGET>")]
    [Description("Take one component out for the whole run, e.g. cable-cut:sjc2 (an injection at time 0, journaled like gridactors inject; what sweep runs).")]
    public string[] Outages { get; init; } = [];

    [CommandOption("--no-report")]
    [Description("Do not write report.html into the run folder.")]
    public bool NoReport { get; init; }

    [CommandOption("--pace <SIM_SECONDS_PER_SECOND>")]
    [Description("Run no faster than this many simulated seconds per wall second (actors executor), e.g. 600 = ten simulated minutes per second: to watch a run and inject faults into it. 0 = as fast as possible.")]
    [DefaultValue(0.0)]
    public double Pace { get; init; }

    [CommandOption("--checkpoint-every <DURATION>")]
    [Description("Simulated time between checkpoints (actors executor), e.g. 1h; 0 disables.")]
    [DefaultValue("1h")]
    public string CheckpointEvery { get; init; } = "1h";

    public override ValidationResult Validate()
    {
        var cluster = base.Validate();
        if (!cluster.Successful) return cluster;
        if (Clustered && Executor != "actors") return ValidationResult.Error("--nodes and --seed-nodes need the actors executor");
        if (CheckpointEvery != "0" && !Quantity.TryParseDuration(Durations.WithSpace(CheckpointEvery), out _, out var ce))
            return ValidationResult.Error("--checkpoint-every: " + ce);
        if (Executor is not ("sequential" or "actors"))
            return ValidationResult.Error($"--executor must be sequential or actors; got '{Executor}'");
        if (Threads < 0 || Partitions < 0) return ValidationResult.Error("--threads and --partitions must not be negative");
        if (Pace < 0 || double.IsNaN(Pace)) return ValidationResult.Error("--pace must not be negative");
        foreach (var o in Outages)
            if (o.Split(':') is not [{ Length: > 0 }, { Length: > 0 }]) return ValidationResult.Error($"--outage '{o}': expected KIND:TARGET, e.g. cable-cut:sjc2");
        if (Pace > 0 && Executor != "actors") return ValidationResult.Error("--pace needs the actors executor");
        if (Until is not null && !Quantity.TryParseDuration(Durations.WithSpace(Until), out var t, out var error))
            return ValidationResult.Error("--until: " + error);
        return ValidationResult.Success();
    }

    /// <summary>The run these options ask for (durations already validated).</summary>
    public RunRequest ToRequest(Scenario scenario) => new(scenario, Seed ?? scenario.Seed, Until is null ? scenario.HorizonMicros : Durations.Parse("--until", Until))
    {
        Executor = Executor,
        Threads = Threads,
        Partitions = Partitions,
        CheckpointEveryMicros = CheckpointEvery == "0" ? 0 : Durations.Parse("--checkpoint-every", CheckpointEvery),
        Cluster = ToLaunch(Threads),
        NoStore = NoStore,
        Pace = Pace,
        OutDir = Out,
        Report = !NoReport,
        Outages = [.. Outages.Select(o => o.Split(':')).Select(kt => new Outage(kt[0], kt[1]))],
    };
}

/// <summary>
/// <c>gridactors run FILE</c>: validates (nothing is written for an invalid file), runs (<see cref="RunService"/>), shows
/// progress, prints a summary and writes the run folder: run.json, summary.json, series as CSV and report.html.
/// </summary>
public sealed class RunCommand : AsyncCommand<RunSettingsCli>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettingsCli settings, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(settings.File);
        if (scenario is null) return 1;
        var request = settings.ToRequest(scenario);
        var store = Stores.Resolve(settings.Db, settings.Postgres, create: true);
        var observer = new ConsoleRunObserver(request.HorizonMicros, request.Cluster?.RequiredNodes ?? 1, settings.Json);
        var outcome = await RunService.StartAsync(store, request, observer, cancellation).ConfigureAwait(false);
        return Print(outcome, observer, settings.Json);
    }

    /// <summary>The run's summary: one JSON object, or a table with the digest, run folder and report.</summary>
    public static int Print(RunOutcome outcome, ConsoleRunObserver observer, bool json)
    {
        observer.Finish();
        if (json) Console.Out.WriteLine(JsonSerializer.Serialize(outcome.SummaryFile, RunFolderJson.Compact));
        else
        {
            PrintTable(outcome);
            if (outcome.ReportPath is not null) Console.Out.WriteLine("report " + outcome.ReportPath);
        }
        return outcome.Conserved ? 0 : 3;
    }

    private static void PrintTable(RunOutcome o)
    {
        var (r, s) = (o.Result, o.Summary);
        string F(double v, string fmt = "N1") => v.ToString(fmt, CultureInfo.InvariantCulture);
        var t = new Table().AddColumn("run " + Markup.Escape(o.RunId)).AddColumn(new TableColumn("").RightAligned());
        t.AddRow("events", F(r.Events, "N0"));
        t.AddRow("wall seconds", F(o.WallSeconds, "0.000"));
        t.AddRow("simulated hours", F(r.End.TotalSeconds / 3600, "0.##"));
        t.AddRow("generated / consumed MWh", $"{F(s.GeneratedMWh)} / {F(s.ConsumedMWh)}");
        t.AddRow("losses / curtailed MWh", $"{F(s.LossesMWh)} / {F(s.CurtailedMWh)}");
        t.AddRow("requests arrived / served / dropped", $"{F(s.Arrived, "N0")} / {F(s.Served, "N0")} / {F(s.Dropped, "N0")}");
        t.AddRow("TTFT p50 / p95 / p99 ms", $"{F(s.P50)} / {F(s.P95)} / {F(s.P99)}");
        t.AddRow("SLO violation rate", F(s.SloViolationRate, "P2"));
        t.AddRow("energy per token J", F(s.EnergyPerTokenJ, "0.000"));
        if (s.InputTokens + s.OutputTokens > 0)
        {
            t.AddRow("tokens input (cache hits) / output", $"{F(s.InputTokens, "G4")} ({F(s.CachedTokens / s.InputTokens, "P1")}) / {F(s.OutputTokens, "G4")}");
            t.AddRow("IT J per input / output token", $"{F(s.InputEnergyPerTokenJ, "0.000")} / {F(s.OutputEnergyPerTokenJ, "0.000")}");
            t.AddRow("KV cache peak use", F(s.KvPeakShare, "P1"));
            foreach (var (key, l) in s.ByClass.Where(x => x.Value.Tpot.Total > 0))
                t.AddRow(Markup.Escape($"{key}: TTFT p50 / p95, TPOT p50 / p95 ms"),
                    $"{F(l.Ttft.Percentile(0.5))} / {F(l.Ttft.Percentile(0.95))}, {F(l.Tpot.Percentile(0.5))} / {F(l.Tpot.Percentile(0.95))}");
        }
        t.AddRow("USD per million tokens", F(s.CostPerMillionTokens(s.CostElectricity + s.CostCapital + s.CostNetwork), "0.0000"));
        t.AddRow("g CO₂ per million tokens (marginal)", $"{F(s.Carbon.GPerMillionTokens)} ({F(s.Carbon.MarginalGPerMillionTokens)})");
        t.AddRow("energy conserved / requests conserved", $"{s.EnergyConserved} / {s.RequestsConserved}");
        AnsiConsole.Write(t);
        Console.Out.WriteLine("digest " + r.Digest);
        Console.Out.WriteLine("run folder " + o.OutDir);
    }
}

/// <summary>Shows a run on the terminal: a progress line (simulated time, %, events/s, simulated seconds per second, nodes) on
/// stderr when it is a terminal and the output is not JSON, and the run's events one line each.</summary>
public sealed class ConsoleRunObserver(long horizonMicros, int nodes, bool json) : IRunObserver
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = !json && !Console.IsOutputRedirected;
    private readonly object _lock = new();
    private bool _progressShown;

    public void Started(string runId, string? controlEndpoint)
    {
        if (controlEndpoint is not null) Log($"run {runId} takes fault injections (gridactors inject {runId} KIND TARGET) at {controlEndpoint}");
    }

    private readonly bool _progressLines = ProgressLine.Requested;
    private TimeSpan _lastProgressLine = TimeSpan.FromDays(-1);

    public void Progress(SimTime time, long events)
    {
        if (_progressLines && !_interactive)
        {
            // A launching host (the web console) reads these; nothing else prints them.
            lock (_lock)
                if (_clock.Elapsed - _lastProgressLine >= ProgressLine.Interval)
                {
                    _lastProgressLine = _clock.Elapsed;
                    Console.Error.WriteLine(ProgressLine.Format(time.Micros, events));
                }
            return;
        }
        if (!_interactive) return;
        double secs = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        lock (_lock)
        {
            _progressShown = true;
            Console.Error.Write($"\r  simulated {time.TotalSeconds / 3600:0.00} h ({100.0 * time.Micros / horizonMicros:0.0} %)  {events / secs:N0} events/s  {time.TotalSeconds / secs:N0} sim-s/s  {nodes} node{(nodes == 1 ? "" : "s")}   ");
        }
    }

    /// <summary>One line on stderr (clearing the progress line on a terminal).</summary>
    public void Log(string line)
    {
        lock (_lock) Console.Error.WriteLine(Console.IsErrorRedirected ? line : "\r" + line.PadRight(100));
    }

    /// <summary>Ends the progress line.</summary>
    public void Finish()
    {
        lock (_lock) if (_progressShown) Console.Error.WriteLine();
    }
}

/// <summary>Shared scenario handling for the commands: load or print every error.</summary>
public static class ScenarioCli
{
    public static Scenario? Load(string file)
    {
        try
        {
            return ScenarioLoader.LoadFile(file);
        }
        catch (ScenarioException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine(e.ToString());
            return null;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return null;
        }
    }
}
