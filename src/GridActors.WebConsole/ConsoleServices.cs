using System.Collections.Concurrent;
using System.Diagnostics;
using GridActors.Hosting;
using GridActors.Hosting.Inspection;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Reports;
using GridActors.Scenarios;

namespace GridActors.WebConsole;

/// <summary>One run as the runs list and its live updates show it.</summary>
public sealed record RunRow(string RunId, string Scenario, string ScenarioName, ulong Seed, string Executor, int Nodes, string Status,
    double SimulatedSeconds, double HorizonSeconds, double Percent, int LastCheckpoint, double LastCheckpointSeconds, string? Digest,
    string Created, string Updated, string? Error)
{
    public static RunRow Of(RunRecord r) => new(r.RunId, r.Scenario, Path.GetFileName(r.Scenario), r.Seed, r.Executor, r.Nodes, r.Status,
        r.SimulatedSeconds, r.HorizonSeconds, r.HorizonSeconds > 0 ? Math.Round(100 * r.SimulatedSeconds / r.HorizonSeconds, 2) : 0,
        r.LastCheckpoint, r.LastCheckpointSeconds, r.Digest, r.Created, r.Updated, r.Error);
}

/// <summary>An injection as the registry journaled it (times in seconds of simulated time).</summary>
public sealed record InjectionRow(int Index, string Kind, string Target, double AtSeconds, double DurationSeconds, double Fraction, double Multiplier, string Created)
{
    public static InjectionRow Of(InjectionRecord i) => new(i.Index, i.Kind, i.Target, i.AtMicros / (double)SimTime.MicrosPerSecond,
        i.DurationMicros / (double)SimTime.MicrosPerSecond, i.Fraction, i.Multiplier, i.Created);
}

/// <summary>A run while it goes on: the registry's record, rates, injections, what its process logged and how many faults have begun
/// (the map changes when that does).</summary>
public sealed record LiveRun(RunRow Run, long? Events, double? EventsPerSecond, double? SimSecondsPerSecond, IReadOnlyList<InjectionRow> Injections,
    int FaultsBegun, bool LaunchedHere, IReadOnlyList<string> Log, bool HasReport)
{
    /// <summary>Where the entities ran (summary.json's <c>placement</c>: node, address, host, pid, entities) once the run completed.</summary>
    public System.Text.Json.Nodes.JsonNode? Placement { get; init; }

    /// <summary>The run's fail-overs (summary.json's <c>failovers</c>) once it completed.</summary>
    public System.Text.Json.Nodes.JsonNode? Failovers { get; init; }
}

/// <summary>The console's application services: the registry, inspector, launcher and the caches behind the live pages. Every
/// answer comes from the same services the command line uses (RunRegistry, RunInspector, InjectionClient, Reports).</summary>
public sealed class ConsoleServices(ConsoleOptions options, RunLauncher launcher)
{
    public ConsoleOptions Options { get; } = options;
    public RunLauncher Launcher { get; } = launcher;

    /// <summary>Reads go through a read-only connection (SQLite); the console writes nothing but what a launched process writes.</summary>
    public RunRegistry Registry { get; } = new(options.Store.IsSqlite ? options.Store.AsReadOnly() : options.Store);

    public RunInspector Inspector => new(Registry);

    private readonly ConcurrentDictionary<string, (string Hash, SupplyChainModel Model)> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int K, string Html, double Built)> _charts = new(StringComparer.Ordinal);

    /// <summary>Live charts are rebuilt at most this often (a fast run completes many checkpoints a second; each rebuild reads one
    /// snapshot per entity and competes with the run for the cores).</summary>
    public static readonly TimeSpan ChartsRefresh = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _chartLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (double Wall, double Sim, double? Rate)> _registryRates = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, System.Text.Json.Nodes.JsonNode?> _summaries = new(StringComparer.Ordinal);
    private readonly string _cache = Directory.CreateTempSubdirectory("gridactors-console-").FullName;
    private DateTime _orphansChecked = DateTime.MinValue;

    public RunRecord? Run(string runId) => Registry.Get(runId);

    /// <summary>The registry (brief: no scenario texts), after marking runs whose process on this host died as interrupted (at most
    /// every 5 s; as <c>gridactors runs</c> does).</summary>
    public IReadOnlyList<RunRecord> Runs()
    {
        if (DateTime.UtcNow - _orphansChecked > TimeSpan.FromSeconds(5))
        {
            _orphansChecked = DateTime.UtcNow;
            var orphans = Registry.Orphans().Where(r => Launcher.Find(r.RunId) is null || Launcher.Find(r.RunId)!.ExitCode is not null).ToList();
            if (orphans.Count > 0)
            {
                var writer = new RunRegistry(Options.Store);
                foreach (var o in orphans) writer.MarkInterrupted(o);
            }
        }
        return Registry.ListBrief();
    }

    public SupplyChainModel ModelOf(RunRecord run)
    {
        if (_models.TryGetValue(run.RunId, out var m) && m.Hash == run.ScenarioHash) return m.Model;
        var full = run.ScenarioText.Length > 0 ? run : Registry.Get(run.RunId)!;
        var model = new SupplyChainModel(Stores.ScenarioOf(full).Spec);
        _models[run.RunId] = (run.ScenarioHash, model);
        return model;
    }

    /// <summary>The scenario files offered by the launch form.</summary>
    public IReadOnlyList<string> Scenarios() =>
        [.. Directory.EnumerateFiles(Options.ScenariosDir).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>A scenario of the folder by file name, loaded and validated; bad input for any other name or an invalid file.</summary>
    public Scenario LoadScenario(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new UserInputException("scenario: give a file of the scenario folder, e.g. small.yaml");
        if (!Scenarios().Contains(name, StringComparer.Ordinal))
            throw new UserInputException($"unknown scenario '{name}': the scenario folder {Options.ScenariosDir} holds {string.Join(", ", Scenarios())}");
        return ScenarioLoader.LoadFile(Path.Combine(Options.ScenariosDir, name));
    }

    public LiveRun Live(RunRecord run)
    {
        var launched = Launcher.Find(run.RunId);
        long? events = null;
        double? eps = null, simRate = null;
        run = Fresh(run);
        if (launched?.Rates() is { } r && run.Status == "running") (_, events, eps, simRate) = r;
        else if (run.Status == "running") simRate = RegistryRate(run);
        var injections = Registry.Injections(run.RunId);
        var model = ModelOf(run);
        double now = run.SimulatedSeconds;
        int begun = model.Spec.Faults.Count(f => f.StartMicros / (double)SimTime.MicrosPerSecond <= now) + injections.Count(i => i.AtMicros / (double)SimTime.MicrosPerSecond <= now);
        bool report = run.Status == "completed" && File.Exists(Path.Combine("runs", run.RunId, "report.html"));
        var summary = run.Status == "completed" ? _summaries.GetOrAdd(run.RunId, id => Registry.SummaryOf(id) is { } j ? System.Text.Json.Nodes.JsonNode.Parse(j) : null) : null;
        return new LiveRun(RunRow.Of(run), events, eps, simRate, [.. injections.Select(InjectionRow.Of)], begun, launched is not null,
            launched?.Log ?? [], report)
        {
            Placement = summary?["placement"]?.DeepClone(),
            Failovers = summary?["failovers"]?.DeepClone(),
        };
    }

    /// <summary>The record with the simulated time of its process's last progress line when that is later than the registry's (which
    /// a run writes once a second).</summary>
    private RunRecord Fresh(RunRecord run)
    {
        if (run.Status != "running" || Launcher.Find(run.RunId)?.Rates() is not { } r) return run;
        double reached = Math.Min(r.Micros / (double)SimTime.MicrosPerSecond, run.HorizonSeconds);
        return reached > run.SimulatedSeconds ? run with { SimulatedSeconds = reached } : run;
    }

    /// <summary>Simulated seconds per wall second from the registry's progress (runs this console did not launch report no event rate).</summary>
    private double? RegistryRate(RunRecord run)
    {
        double wall = _clock.Elapsed.TotalSeconds;
        var before = _registryRates.GetValueOrDefault(run.RunId, (wall, run.SimulatedSeconds, null));
        double? rate = before.Rate;
        if (run.SimulatedSeconds != before.Sim && wall > before.Wall) rate = (run.SimulatedSeconds - before.Sim) / (wall - before.Wall);
        if (run.SimulatedSeconds != before.Sim || !_registryRates.ContainsKey(run.RunId)) _registryRates[run.RunId] = (wall, run.SimulatedSeconds, rate);
        return rate;
    }

    /// <summary>The topology map at the run's current simulated time (or <paramref name="atHours"/>): faults begun by then are drawn failed.</summary>
    public string Map(RunRecord run, double? atHours)
    {
        run = Fresh(run);
        var model = ModelOf(run);
        var injected = Registry.Injections(run.RunId).Select(Injections.Spec).ToList();
        var topo = RunFolderWriter.Topology(model.Spec, SimTime.FromSeconds(run.HorizonSeconds).Micros, injected);
        return LiveView.Map(topo, atHours ?? run.SimulatedSeconds / 3600);
    }

    /// <summary>The report's charts: of the run folder once the run completed, else of its latest complete checkpoint (rebuilt once per
    /// checkpoint), else a note.</summary>
    public async Task<string> ChartsAsync(RunRecord run, CancellationToken cancellation)
    {
        var folder = Path.Combine("runs", run.RunId);
        int key = run.Status == "completed" && File.Exists(Path.Combine(folder, "summary.json")) ? int.MaxValue : run.LastCheckpoint;
        if (_charts.TryGetValue(run.RunId, out var cached)
            && (cached.K == key || (key != int.MaxValue && _clock.Elapsed.TotalSeconds - cached.Built < ChartsRefresh.TotalSeconds))) return cached.Html;
        if (key == 0)
            return "<p class=\"note\" data-charts=\"waiting\">The charts appear at the run's first complete checkpoint (they are drawn from the store while the run goes on).</p>";
        var gate = _chartLocks.GetOrAdd(run.RunId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (_charts.TryGetValue(run.RunId, out cached) && cached.K == key) return cached.Html;
            double started = _clock.Elapsed.TotalSeconds;
            string html = await Task.Run(() =>
            {
                if (key == int.MaxValue) return LiveView.Charts(folder);
                var dir = Path.Combine(_cache, run.RunId, "k" + key);
                var full = Registry.Get(run.RunId)!;
                if (!CheckpointFolder.TryWrite(Registry, full, key, dir))
                    return "<p class=\"note\" data-charts=\"none\">This run keeps no complete snapshot set (e.g. --no-store or the sequential executor): no live charts; the report has them at the end.</p>";
                var fragment = $"<p class=\"note\" data-charts=\"checkpoint\" data-k=\"{key}\">Drawn from checkpoint #{key} at {run.LastCheckpointSeconds / 3600:0.##} h.</p>" + LiveView.Charts(dir);
                try { Directory.Delete(Path.Combine(_cache, run.RunId), recursive: true); } catch (IOException) { }
                return fragment;
            }, cancellation).ConfigureAwait(false);
            _charts[run.RunId] = (key, html, started);
            return html;
        }
        finally { gate.Release(); }
    }
}
