using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Cluster;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime;
using GridActors.Runtime.Cluster;
using GridActors.Scenarios;
using Spectre.Console;

namespace GridActors.Cli.Commands;

/// <summary>Runs (or resumes) one registered run and keeps the registry up to date.</summary>
public sealed class RunJob(string runId, Scenario scenario, ulong seed, long horizon, string executor, int threads, int partitions,
    long checkpointEvery, Store store, RunRegistry registry, string outDir, bool json, ClusterLaunchOptions? cluster = null, bool noStore = false,
    double pace = 0, bool report = true)
{
    /// <summary>Cluster events and checkpoints, one line each on stderr (clearing the progress line on a terminal).</summary>
    private void Log(string line)
    {
        lock (this) Console.Error.WriteLine(Console.IsErrorRedirected ? line : "\r" + line.PadRight(100));
    }

    public async Task<int> ExecuteAsync((int K, long Micros)? resume, CancellationToken cancellation)
    {
        var model = new SupplyChainModel(scenario.Spec);
        var runSettings = new RunSettings(seed, new SimTime(horizon));
        var sw = Stopwatch.StartNew();
        bool interactive = !json && !Console.IsOutputRedirected;
        var lastRegistryUpdate = Stopwatch.StartNew();
        void Report(SimTime t, long events)
        {
            if (interactive) Progress(t, events, horizon, sw, cluster?.RequiredNodes ?? 1);
            if (lastRegistryUpdate.Elapsed.TotalSeconds >= 1)
            {
                lastRegistryUpdate.Restart();
                try { registry.Progress(runId, t.TotalSeconds); } catch (Exception) { /* progress is best effort */ }
            }
        }
        RunResult result;
        ClusterRunResult? clustered = null;
        registry.ClaimOwnership(runId);
        // Live fault injection: journaled injections of an interrupted attempt are delivered again where the resumed
        // state lacks them; new ones arrive through the loopback control endpoint (gridactors inject).
        var gate = new InjectionGate(Injections.Recorded(model, registry.Injections(runId)), i => registry.Injection(runId, Injections.Record(i)));
        var control = new RunControl(gate, pace);
        await using var endpoint = executor == "actors" ? new ControlEndpoint(model, gate, horizon, Log) : null;
        if (endpoint is not null)
        {
            registry.Control(runId, endpoint.Address);
            Log($"run {runId} takes fault injections (gridactors inject {runId} KIND TARGET) at {endpoint.Address}");
        }
        try
        {
            if (cluster is not null)
            {
                var persistence = noStore ? null : new PersistenceOptions(runId, store.AkkaConfig(), checkpointEvery,
                    resume is not null, resume?.K ?? 0, resume?.Micros ?? 0,
                    (k, t) =>
                    {
                        registry.Checkpoint(runId, k, t / 1e6);
                        Log($"checkpoint #{k} complete at {t / 3.6e9:0.###} h");
                    });
                await using var launch = LocalCluster.Start(cluster, store, model.EntityCount, Log);
                var plan = new ClusterRunPlan(runId, ModelFactory.ForScenario(scenario), model, runSettings, launch.MinNodes,
                    persistence, k => StoreMaintenance.TruncateAfterCheckpoint(store, runId, k), Control: control);
                clustered = await launch.Node.RunAsync(plan, p => Report(p.Time, p.Events), Log, cancellation).ConfigureAwait(false);
                result = clustered.Result;
                registry.Nodes(runId, clustered.Placement.Count);
            }
            else if (executor == "sequential")
            {
                result = await Task.Run(() => new SequentialExecutor().Run(model, runSettings, Report, gate.ToRedeliver(0).SelectMany(i => i.Events).ToList()), cancellation)
                    .WaitAsync(cancellation).ConfigureAwait(false);
            }
            else
            {
                var persistence = noStore ? null : new PersistenceOptions(runId, store.AkkaConfig(), checkpointEvery,
                    resume is not null, resume?.K ?? 0, resume?.Micros ?? 0,
                    (k, t) => registry.Checkpoint(runId, k, t / 1e6));
                result = await new ActorExecutor(new ActorExecutorOptions(threads, Partitions: partitions, Persistence: persistence, Control: control))
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
        if (interactive) Console.Error.WriteLine();
        double wall = sw.Elapsed.TotalSeconds;
        var s = SupplyChainSummary.From(model, result);
        var summary = RunCommand.SummaryJson(runId, scenario, executor, seed, result, s, wall);
        var injected = gate.Accepted.Select(i => (FaultSpec)i.Tag!).ToList();
        summary["injections"] = injected.Select((f, i) => Injections.Json(f, i)).ToArray();
        var placement = ClusterJson(clustered);
        foreach (var (k, v) in placement) summary[k] = v;
        RunFolder.Write(outDir, model, scenario, runId, executor, seed, result, s, summary, placement, injected);
        string? reportPath = report ? RunReports.Write(outDir, Log) : null;
        registry.Summary(runId, JsonSerializer.Serialize(summary));
        registry.Status(runId, "completed", result.Digest, result.End.TotalSeconds);
        if (json) Console.Out.WriteLine(JsonSerializer.Serialize(summary));
        else
        {
            RunCommand.PrintTable(runId, outDir, result, s, wall);
            if (reportPath is not null) Console.Out.WriteLine("report " + reportPath);
        }
        return s.EnergyConserved && s.RequestsConserved ? 0 : 3;
    }

    /// <summary>Node count, where the entities lived, the fail-overs and the cross-node traffic of a run (one node for single-process runs).</summary>
    public static Dictionary<string, object?> ClusterJson(ClusterRunResult? c)
    {
        if (c is null) return new() { ["nodes"] = 1 };
        var stats = c.Result.Stats;
        return new()
        {
            ["nodes"] = c.Placement.Count,
            ["placement"] = c.Placement.Select(p => new Dictionary<string, object> { ["node"] = p.Node, ["address"] = p.Address, ["host"] = p.Host, ["pid"] = p.ProcessId, ["entities"] = p.Entities }).ToArray(),
            ["failovers"] = c.Failovers.Select(f => new Dictionary<string, object> { ["incarnation"] = f.Incarnation, ["lost"] = f.Lost, ["fromCheckpoint"] = f.FromCheckpoint, ["fromSimulatedSeconds"] = f.FromSimulatedSeconds, ["wallSeconds"] = Math.Round(f.WallSeconds, 3) }).ToArray(),
            ["crossNode"] = new Dictionary<string, object>
            {
                ["events"] = stats.CrossNodeEvents, ["batches"] = stats.CrossNodeBatches, ["bytes"] = stats.CrossNodeBytes,
                ["windows"] = stats.Windows, ["rounds"] = stats.Rounds,
                ["batchesPerRound"] = stats.Rounds == 0 ? 0 : Math.Round(stats.CrossNodeBatches / (double)stats.Rounds, 4),
                ["bytesPerEvent"] = stats.CrossNodeEvents == 0 ? 0 : Math.Round(stats.CrossNodeBytes / (double)stats.CrossNodeEvents, 2),
            },
        };
    }

    private static void Progress(SimTime t, long events, long horizon, Stopwatch sw, int nodes)
    {
        double pct = 100.0 * t.Micros / horizon;
        double secs = sw.Elapsed.TotalSeconds;
        Console.Error.Write($"\r  simulated {t.TotalSeconds / 3600:0.00} h ({pct:0.0} %)  {events / Math.Max(secs, 1e-3):N0} events/s  {t.TotalSeconds / Math.Max(secs, 1e-3):N0} sim-s/s  {nodes} node{(nodes == 1 ? "" : "s")}   ");
    }
}
