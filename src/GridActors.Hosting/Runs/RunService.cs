using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridActors.Hosting.Cluster;
using GridActors.Hosting.Control;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Reports.Format;
using GridActors.Runtime;
using GridActors.Runtime.Cluster;
using GridActors.Scenarios;

namespace GridActors.Hosting.Runs;

/// <summary>A component taken out for the whole run (<c>run --outage KIND:TARGET</c>): an injection at time 0, journaled like one.</summary>
public sealed record Outage(string Kind, string Target);

/// <summary>
/// What to run: a loaded scenario with its seed and horizon, the executor (<c>sequential</c> or <c>actors</c>) and its tuning,
/// checkpoints (µs of simulated time between them; 0 = only the final one), a cluster to form (null = this process), whether to
/// keep actor state at all, a pace (simulated seconds per wall second; 0 = as fast as possible), the run folder (null =
/// <c>runs/&lt;runId&gt;</c>), whether to write report.html, and components out for the whole run.
/// </summary>
public sealed record RunRequest(Scenario Scenario, ulong Seed, long HorizonMicros)
{
    public string Executor { get; init; } = "actors";
    public int Threads { get; init; }
    public int Partitions { get; init; }
    public long CheckpointEveryMicros { get; init; } = SimTime.MicrosPerHour;
    public ClusterLaunchOptions? Cluster { get; init; }
    public bool NoStore { get; init; }
    public double Pace { get; init; }
    public string? OutDir { get; init; }
    public bool Report { get; init; } = true;
    public IReadOnlyList<Outage> Outages { get; init; } = [];

    public static readonly string[] Executors = ["sequential", "actors"];
}

/// <summary>How a host hears about a run while it goes on (the command line prints; the web console streams).</summary>
public interface IRunObserver
{
    /// <summary>The run is registered (and, on the actor executor, takes injections at <paramref name="controlEndpoint"/>).</summary>
    void Started(string runId, string? controlEndpoint);

    /// <summary>Simulated time reached and events committed (a few times per second at most).</summary>
    void Progress(SimTime time, long events);

    /// <summary>One line worth showing (nodes joining, checkpoints, fail-overs, injections).</summary>
    void Log(string line);
}

/// <summary>What a finished run produced: its result, the summary (as written to summary.json and the registry) and where things went.</summary>
public sealed record RunOutcome(string RunId, string OutDir, RunResult Result, SupplyChainSummary Summary, SummaryFile SummaryFile, double WallSeconds, string? ReportPath)
{
    /// <summary>Both conservation invariants hold.</summary>
    public bool Conserved => Summary.EnergyConserved && Summary.RequestsConserved;
}

/// <summary>
/// Runs scenarios: registers a run (scenario text and hash, seed, executor, nodes, engine version), runs it on the requested
/// executor or cluster with checkpoints and live injection, keeps the registry up to date (progress, checkpoints, status,
/// summary, control endpoint) and writes the run folder and its report. Also resumes interrupted runs from their last
/// complete checkpoint.
/// </summary>
public static class RunService
{
    /// <summary>Validates the request against the scenario (outages), registers the run and runs it.</summary>
    public static async Task<RunOutcome> StartAsync(Store store, RunRequest request, IRunObserver observer, CancellationToken cancellation)
    {
        var scenario = request.Scenario;
        if (!RunRequest.Executors.Contains(request.Executor)) throw new UserInputException($"executor must be sequential or actors; got '{request.Executor}'");
        var rules = FaultRules.For(scenario.Spec, request.HorizonMicros);
        var outages = new List<InjectionRecord>();
        string now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var o in request.Outages)
        {
            if (o.Kind == FaultKinds.DemandSpike.Name)
                throw new UserInputException($"--outage '{o.Kind}:{o.Target}': takes {string.Join(", ", FaultKinds.Infos.Where(k => k != FaultKinds.DemandSpike).Select(k => k.Name))}");
            var fault = new FaultSpec(o.Kind, o.Target, 0, 0);
            if (rules.FirstProblem(fault) is string bad) throw new UserInputException("--outage: " + bad);
            outages.Add(new InjectionRecord(outages.Count, fault.Kind, fault.Target, fault.StartMicros, fault.DurationMicros, fault.Fraction, fault.Multiplier, 0, now));
        }
        long every = request.NoStore ? 0 : request.CheckpointEveryMicros;
        string runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + scenario.Spec.Name + "-s" + request.Seed
            + "-" + Guid.NewGuid().ToString("N")[..6];
        var registry = new RunRegistry(store);
        registry.EnsureSchema();
        registry.Insert(new RunRecord(runId, scenario.Path, scenario.Hash, scenario.Text, request.Seed, request.Executor, request.Cluster?.RequiredNodes ?? 1,
            EngineInfo.Version, "running", 0, request.HorizonMicros / (double)SimTime.MicrosPerSecond, 0, 0, every / (double)SimTime.MicrosPerSecond, null, now, now, null));
        foreach (var o in outages) registry.Injection(runId, o);
        var job = new RunJob(runId, request with { CheckpointEveryMicros = every, OutDir = request.OutDir ?? Path.Combine("runs", runId) }, store, registry, observer);
        return await job.ExecuteAsync(resume: null, cancellation).ConfigureAwait(false);
    }

    /// <summary>Continues an interrupted run from its last complete checkpoint: what the interrupted attempt wrote after that
    /// checkpoint is removed first, so the history has no duplicates.</summary>
    public static async Task<RunOutcome> ResumeAsync(RunRegistry registry, string runId, ClusterLaunchOptions? cluster, string? outDir, IRunObserver observer,
        CancellationToken cancellation)
    {
        var run = Stores.Run(registry, runId);
        if (run.Status == "completed") throw new UserInputException($"run '{run.RunId}' is already completed (digest {run.Digest})");
        if (run.Executor != "actors") throw new UserInputException($"run '{run.RunId}' used the {run.Executor} executor, which keeps no checkpoints; start it again with gridactors run");
        var scenario = Stores.ScenarioOf(run);
        StoreMaintenance.TruncateAfterCheckpoint(registry.Store, run.RunId, run.LastCheckpoint);
        registry.Status(run.RunId, "running", simulatedSeconds: run.LastCheckpointSeconds);
        var request = new RunRequest(scenario, run.Seed, SimTime.FromSeconds(run.HorizonSeconds).Micros)
        {
            Executor = run.Executor,
            CheckpointEveryMicros = SimTime.FromSeconds(run.CheckpointEverySeconds).Micros,
            Cluster = cluster,
            OutDir = outDir ?? Path.Combine("runs", run.RunId),
        };
        (int, long)? from = run.LastCheckpoint == 0 ? null : (run.LastCheckpoint, SimTime.FromSeconds(run.LastCheckpointSeconds).Micros);
        observer.Log(from is null ? $"resuming {run.RunId} from the start (no complete checkpoint)" : $"resuming {run.RunId} from checkpoint #{run.LastCheckpoint} at {run.LastCheckpointSeconds / 3600:0.##} h");
        return await new RunJob(run.RunId, request, registry.Store, registry, observer).ExecuteAsync(from, cancellation).ConfigureAwait(false);
    }
}

/// <summary>One registered run being executed (fresh or resumed).</summary>
internal sealed class RunJob(string runId, RunRequest request, Store store, RunRegistry registry, IRunObserver observer)
{
    public async Task<RunOutcome> ExecuteAsync((int K, long Micros)? resume, CancellationToken cancellation)
    {
        var scenario = request.Scenario;
        long horizon = request.HorizonMicros;
        string outDir = request.OutDir!;
        var model = new SupplyChainModel(scenario.Spec);
        var runSettings = new RunSettings(request.Seed, new SimTime(horizon));
        var sw = Stopwatch.StartNew();
        var lastRegistryUpdate = Stopwatch.StartNew();
        void Report(SimTime t, long events)
        {
            observer.Progress(t, events);
            if (lastRegistryUpdate.Elapsed.TotalSeconds >= 1)
            {
                lastRegistryUpdate.Restart();
                try { registry.Progress(runId, t.TotalSeconds); } catch (Exception) { /* progress is best effort */ }
            }
        }
        void OnCheckpoint(int k, long t)
        {
            registry.Checkpoint(runId, k, t / (double)SimTime.MicrosPerSecond);
            if (request.Cluster is not null) observer.Log($"checkpoint #{k} complete at {SimTime.ToHours(t):0.###} h");
        }
        RunResult result;
        ClusterRunResult? clustered = null;
        registry.ClaimOwnership(runId);
        // Live fault injection: journaled injections of an interrupted attempt are delivered again where the resumed state
        // lacks them; new ones arrive through the loopback control endpoint (gridactors inject).
        var gate = new InjectionGate(Injections.Recorded(model, registry.Injections(runId)), i => registry.Injection(runId, Injections.Record(i)));
        var control = new RunControl(gate, request.Pace);
        await using var endpoint = request.Executor == "actors" ? new ControlEndpoint(model, gate, horizon, observer.Log) : null;
        if (endpoint is not null) registry.Control(runId, endpoint.Address);
        observer.Started(runId, endpoint?.Address);
        var persistence = request.NoStore ? null : new PersistenceOptions(runId, store.AkkaConfig(), request.CheckpointEveryMicros,
            resume is not null, resume?.K ?? 0, resume?.Micros ?? 0, OnCheckpoint);
        try
        {
            if (request.Cluster is { } cluster)
            {
                await using var launch = LocalCluster.Start(cluster, store, model.EntityCount, observer.Log);
                var plan = new ClusterRunPlan(runId, ModelFactory.ForScenario(scenario), model, runSettings, launch.MinNodes,
                    persistence, k => StoreMaintenance.TruncateAfterCheckpoint(store, runId, k), Control: control);
                clustered = await launch.Node.RunAsync(plan, p => Report(p.Time, p.Events), observer.Log, cancellation).ConfigureAwait(false);
                result = clustered.Result;
                registry.Nodes(runId, clustered.Placement.Count);
            }
            else if (request.Executor == "sequential")
            {
                result = await Task.Run(() => new SequentialExecutor().Run(model, runSettings, Report, gate.ToRedeliver(0).SelectMany(i => i.Events).ToList()), cancellation)
                    .WaitAsync(cancellation).ConfigureAwait(false);
            }
            else
            {
                result = await new ActorExecutor(new ActorExecutorOptions(request.Threads, Partitions: request.Partitions, Persistence: persistence, Control: control))
                    .RunAsync(model, runSettings, p => Report(p.Time, p.Events), cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            registry.Status(runId, "interrupted");
            throw;
        }
        catch (Exception ex)
        {
            registry.Status(runId, "failed", error: ex.Message);
            throw;
        }
        finally
        {
            gate.Close("the run has ended");
            if (endpoint is not null) registry.Control(runId, null);
        }
        double wall = sw.Elapsed.TotalSeconds;
        var s = SupplyChainSummary.From(model, result);
        var injected = gate.Accepted.Select(i => (FaultSpec)i.Tag!).ToList();
        var summary = RunSummaries.Of(runId, scenario, request.Executor, request.Seed, result, s, wall,
            [.. injected.Select((f, i) => Injections.Info(f, i))], ClusterSummary.Of(clustered));
        RunFolderWriter.Write(outDir, model, RunSummaries.RunFileOf(summary, result.End.Micros, model.EntityCount), summary, s, result.End.Micros, injected);
        string? reportPath = request.Report ? RunReports.Write(outDir, observer.Log) : null;
        registry.Summary(runId, JsonSerializer.Serialize(summary, RunFolderJson.Compact));
        registry.Status(runId, "completed", result.Digest, result.End.TotalSeconds);
        return new RunOutcome(runId, outDir, result, s, summary, wall, reportPath);
    }
}
