using System.Diagnostics;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Reports.Format;
using GridActors.Runtime;

namespace GridActors.Hosting.Runs;

/// <summary>A replay's outcome: the digest it reached, the recorded one, and the injections it delivered.</summary>
public sealed record ReplayOutcome(RunRecord Run, string Executor, RunResult Result, double WallSeconds, IReadOnlyList<InjectionInfo> Injections)
{
    public bool Matches => Result.Digest == Run.Digest;
}

/// <summary>Re-runs a completed run's scenario and seed with all its journaled injections delivered up front, to check the digest.</summary>
public static class Replay
{
    public static async Task<ReplayOutcome> RunAsync(RunRegistry registry, string runId, string executor, CancellationToken cancellation)
    {
        var run = Stores.Run(registry, runId);
        if (run.Status != "completed" || run.Digest is null)
            throw new UserInputException($"run '{run.RunId}' is {run.Status}: only a completed run has a digest to reproduce (gridactors resume finishes an interrupted one)");
        var model = new SupplyChainModel(Stores.ScenarioOf(run).Spec);
        var records = registry.Injections(run.RunId);
        var recorded = Injections.Recorded(model, records);
        var settings = new RunSettings(run.Seed, SimTime.FromSeconds(run.HorizonSeconds));
        var sw = Stopwatch.StartNew();
        RunResult result = executor switch
        {
            "sequential" => await Task.Run(() => new SequentialExecutor().Run(model, settings, external: recorded.SelectMany(i => i.Events).ToList()), cancellation).ConfigureAwait(false),
            "actors" => await new ActorExecutor(new ActorExecutorOptions(Control: new RunControl(new InjectionGate(recorded))))
                .RunAsync(model, settings, cancellation: cancellation).ConfigureAwait(false),
            _ => throw new UserInputException($"executor must be sequential or actors; got '{executor}'"),
        };
        return new ReplayOutcome(run, executor, result, sw.Elapsed.TotalSeconds, [.. records.Select(r => Injections.Info(Injections.Spec(r), r.Index))]);
    }
}
