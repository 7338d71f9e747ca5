using System.Diagnostics;
using GridActors.Hosting.Cluster;
using GridActors.Kernel;
using GridActors.Model.Phold;
using GridActors.Reports.Format;
using GridActors.Runtime;
using GridActors.Runtime.Cluster;

namespace GridActors.Hosting.Bench;

/// <summary>How to run PHOLD: the model's parameters and the executor with its tuning. <paramref name="Nodes"/>: with the actor
/// executor, a local cluster of that many processes; with the windowed executor, that many simulated nodes in this thread.</summary>
public sealed record PholdBenchOptions(PholdParameters Parameters, string Executor = "actors", int Threads = 0, int Throughput = 100,
    string Dispatcher = "fork-join", int Partitions = 0, int? Nodes = null, bool Leases = false);

/// <summary>What a PHOLD run measured: the result (events, digest, wall time of the simulation itself, window statistics), the
/// cluster it ran on, the process's wall time including start-up, allocation per event and peak working set.</summary>
public sealed record PholdBenchResult(RunResult Result, ClusterInfo Cluster, double WallSecondsWithStartup, double AllocatedBytesPerEvent,
    long PeakWorkingSetBytes, int Gen0Collections)
{
    public double EventsPerSecond => Result.Events / Math.Max(Result.WallSeconds, 1e-9);
}

/// <summary>PHOLD, the standard parallel discrete-event benchmark, on any executor.</summary>
public static class PholdBench
{
    public static readonly string[] Executors = ["sequential", "windowed", "actors"];

    public static async Task<PholdBenchResult> RunAsync(PholdBenchOptions o, Action<string> log, CancellationToken cancellation)
    {
        var model = new PholdModel(o.Parameters);
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        ClusterRunResult? clustered = null;
        RunResult result;
        if (o.Executor == "actors" && o.Nodes is int nodes)
        {
            await using var launch = LocalCluster.Start(new ClusterLaunchOptions(nodes, [], nodes, "127.0.0.1", 0, o.Threads), null, model.EntityCount, log);
            clustered = await launch.Node.RunAsync(new ClusterRunPlan("phold", ModelFactory.ForPhold(o.Parameters), model, model.Settings, nodes),
                log: log, cancellation: cancellation).ConfigureAwait(false);
            result = clustered.Result;
        }
        else result = o.Executor switch
        {
            // Single-threaded executors run on a pool thread so that cancellation ends the command at once.
            "sequential" => await Timed(() => new SequentialExecutor().Run(model, model.Settings), cancellation).ConfigureAwait(false),
            "windowed" => await Timed(() => new WindowedExecutor(new WindowedOptions(o.Nodes ?? 1, o.Leases)).Run(model, model.Settings), cancellation).ConfigureAwait(false),
            "actors" => await new ActorExecutor(new ActorExecutorOptions(o.Threads, o.Throughput, Executor: o.Dispatcher, Partitions: o.Partitions, Leases: o.Leases))
                .RunAsync(model, model.Settings, cancellation: cancellation).ConfigureAwait(false),
            _ => throw new UserInputException($"unknown executor '{o.Executor}' (expected {string.Join(", ", Executors)})"),
        };
        sw.Stop();
        double allocPerEvent = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)Math.Max(1, result.Events);
        long peak;
        using (var proc = Process.GetCurrentProcess()) peak = proc.PeakWorkingSet64;
        return new PholdBenchResult(result, ClusterSummary.Of(clustered), sw.Elapsed.TotalSeconds, allocPerEvent, peak, GC.CollectionCount(0));
    }

    /// <summary>Runs a single-threaded executor and records its wall time (the kernel itself reads no clock).</summary>
    private static Task<RunResult> Timed(Func<RunResult> run, CancellationToken cancellation) => Task.Run(() =>
    {
        var sw = Stopwatch.StartNew();
        var result = run();
        return result with { WallSeconds = sw.Elapsed.TotalSeconds };
    }, cancellation).WaitAsync(cancellation);
}
