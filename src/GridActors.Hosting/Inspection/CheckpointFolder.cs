using GridActors.Hosting.Cluster;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime.Checkpoints;

namespace GridActors.Hosting.Inspection;

/// <summary>
/// A run folder made from one complete checkpoint of a run that is still going: every entity recovered from its snapshot of
/// checkpoint <c>k</c> reports what it recorded up to that time, and the folder (run.json, summary.json, the CSV series,
/// faults.csv, topology.json) is written as a finished run's would be, so the report's charts can draw it. The web console
/// uses it for its live charts. Reads the store only.
/// </summary>
public static class CheckpointFolder
{
    /// <summary>Writes the folder of checkpoint <paramref name="k"/> of <paramref name="run"/> into <paramref name="dir"/>;
    /// false when the store does not hold a snapshot of every entity at that checkpoint (e.g. a run without a store).</summary>
    public static bool TryWrite(RunRegistry registry, RunRecord run, int k, string dir)
    {
        var scenario = Stores.ScenarioOf(run);
        var model = new SupplyChainModel(scenario.Spec);
        var settings = new RunSettings(run.Seed, SimTime.FromSeconds(run.HorizonSeconds));
        // The newest snapshot of each entity is checkpoint k's unless a later checkpoint is being written: those entities' k is read alone.
        var reader = new StoreReader(registry.Store);
        var snapshots = reader.LatestSnapshots(run.RunId)
            .Select(s => s.K == k ? s : reader.Snapshots(run.RunId, PersistenceIds.KeyOf(run.RunId, s.PersistenceId)).LastOrDefault(x => x.K == k))
            .OfType<SnapshotEntry>().ToList();
        var finals = new List<EntityFinal>(model.EntityCount);
        long at = 0;
        foreach (var snap in snapshots)
        {
            var key = PersistenceIds.KeyOf(run.RunId, snap.PersistenceId);
            int id;
            try { id = model.IdOf(key); }
            catch (KeyNotFoundException) { continue; } // the coordinator and anything that is not an entity
            var host = new EntityHost(model, id, settings);
            snap.Load(host);
            finals.Add(host.Final());
            at = snap.TimeMicros;
        }
        if (finals.Count != model.EntityCount) return false;
        var result = RunResult.FromFinals(model, settings with { End = new SimTime(at) }, finals, WindowStats.None);
        var s = SupplyChainSummary.From(model, result);
        var injected = registry.Injections(run.RunId).Where(i => i.AtMicros <= at).Select(Injections.Spec).ToList();
        var summary = RunSummaries.Of(run.RunId, scenario, run.Executor, run.Seed, result, s, 0,
            [.. injected.Select((f, i) => Injections.Info(f, i))], ClusterSummary.Of(null));
        long horizon = settings.End.Micros;
        RunFolderWriter.Write(dir, model, RunSummaries.RunFileOf(summary, horizon, model.EntityCount), summary, s, horizon, injected);
        return true;
    }
}
