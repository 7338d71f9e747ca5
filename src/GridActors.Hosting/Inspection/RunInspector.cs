using System.Globalization;
using System.Text.Json.Nodes;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime.Checkpoints;
using GridActors.Scenarios;

namespace GridActors.Hosting.Inspection;

/// <summary>One entity kind of a run's persisted state: how many entities, journaled records (by kind) and snapshots.</summary>
public sealed record KindOverview(string Kind, int Entities, int Records, int Snapshots, IReadOnlyDictionary<string, int> RecordKinds);

/// <summary>A complete checkpoint of a run (the coordinator's marker).</summary>
public sealed record CheckpointMark(int K, double Hours);

/// <summary>What the store holds for a run.</summary>
public sealed record RunOverview(RunRecord Run, IReadOnlyList<CheckpointMark> Checkpoints, IReadOnlyList<KindOverview> Kinds);

/// <summary>An entity's state at a time: its nearest checkpoint at or before it, the state changes journaled after that checkpoint up to
/// the time, and (when asked) its persisted history up to the time.</summary>
public sealed record EntityView(string RunId, string Entity, long AtMicros, int Checkpoint, long CheckpointMicros, SortedDictionary<string, object?> State,
    IReadOnlyList<JournalEntry> ChangesSinceCheckpoint, IReadOnlyList<JournalEntry>? Events);

/// <summary>How two runs differ: entities whose final states differ (or exist in one run only) and summary metrics that differ.</summary>
public sealed record RunDifference(RunRecord A, RunRecord B, int EntitiesCompared, IReadOnlyList<(string Entity, bool InA, bool InB)> Entities,
    IReadOnlyList<(string Metric, double A, double B)> Metrics);

/// <summary>
/// Reads a run's persisted state (never writes; works while the run is going on): an overview per entity kind, one entity's
/// state at a simulated time, and how two runs differ.
/// </summary>
public sealed class RunInspector(RunRegistry registry)
{
    private readonly StoreReader _reader = new(registry.Store);

    public RunRecord Run(string runId) => Stores.Run(registry, runId);

    /// <summary>A simulated time since the start (e.g. <c>2h</c>) within the run, or bad input.</summary>
    public static long ParseAt(string text, RunRecord run)
    {
        if (!Quantity.TryParseDuration(Durations.WithSpace(text), out var t, out var error)) throw new UserInputException("--at: " + error);
        if (t.Micros < 0 || t.TotalSeconds > run.HorizonSeconds)
            throw new UserInputException($"--at {text} is outside run '{run.RunId}' (0 to {run.HorizonSeconds / 3600:0.##} h)");
        return t.Micros;
    }

    public RunOverview Overview(string runId)
    {
        var run = Run(runId);
        var journal = _reader.Journal(run.RunId);
        var snapshots = _reader.Snapshots(run.RunId);
        string KindOf(string pid) => PersistenceIds.KindOf(PersistenceIds.KeyOf(run.RunId, pid));
        var kinds = journal.Select(j => KindOf(j.PersistenceId)).Concat(snapshots.Select(s => KindOf(s.PersistenceId))).Distinct().Order(StringComparer.Ordinal);
        var rows = kinds.Select(k => new KindOverview(k,
            journal.Where(j => KindOf(j.PersistenceId) == k).Select(j => j.PersistenceId).Concat(snapshots.Where(s => KindOf(s.PersistenceId) == k).Select(s => s.PersistenceId)).Distinct().Count(),
            journal.Count(j => KindOf(j.PersistenceId) == k && !j.Record.IsProtocol),
            snapshots.Count(s => KindOf(s.PersistenceId) == k),
            journal.Where(j => KindOf(j.PersistenceId) == k && !j.Record.IsProtocol).GroupBy(j => j.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()))).ToList();
        var checkpoints = journal.Where(j => j.Kind == JournalRecord.CheckpointCompleteKind)
            .Select(j => new CheckpointMark(j.Record.Checkpoint, j.TimeMicros / (double)SimTime.MicrosPerHour)).ToList();
        return new RunOverview(run, checkpoints, rows);
    }

    /// <summary>The entity's id in the run's model, or bad input with the nearest key.</summary>
    private static int IdOf(RunRecord run, SupplyChainModel model, string entity)
    {
        try { return model.IdOf(entity); }
        catch (KeyNotFoundException)
        {
            var keys = Enumerable.Range(0, model.EntityCount).Select(model.EntityKey).ToList();
            var near = keys.OrderBy(k => ParameterSet.Levenshtein(entity, k)).ThenBy(k => k, StringComparer.Ordinal).First();
            throw new UserInputException($"unknown entity '{entity}' in run '{run.RunId}'; did you mean '{near}'? (kinds: {string.Join(", ", EntityKinds.All.Select(k => k.Name))})");
        }
    }

    /// <summary>The simulated times at which <see cref="Entity"/> has something to show for an entity: its checkpoints (number, time)
    /// and the times of the state changes it journaled.</summary>
    public (IReadOnlyList<(int K, long TimeMicros)> Checkpoints, IReadOnlyList<long> Changes) Times(string runId, string entity)
    {
        var run = Run(runId);
        IdOf(run, new SupplyChainModel(Stores.ScenarioOf(run).Spec), entity);
        var checkpoints = _reader.Snapshots(run.RunId, entity).Select(s => (s.K, s.TimeMicros)).Distinct().OrderBy(x => x.TimeMicros).ToList();
        var changes = _reader.Journal(run.RunId, entity).Where(h => !h.Record.IsProtocol).Select(h => h.TimeMicros).Distinct().Order().ToList();
        return (checkpoints, changes);
    }

    public EntityView Entity(string runId, string entity, long? at, bool events)
    {
        var run = Run(runId);
        var model = new SupplyChainModel(Stores.ScenarioOf(run).Spec);
        int id = IdOf(run, model, entity);
        var snaps = _reader.Snapshots(run.RunId, entity);
        if (snaps.Count == 0) throw new UserInputException($"run '{run.RunId}' has no checkpoint of {entity} yet");
        var chosen = at is null ? snaps[^1] : snaps.LastOrDefault(s => s.TimeMicros <= at);
        if (chosen is null)
            throw new UserInputException($"run '{run.RunId}' has no checkpoint at or before {at / (double)SimTime.MicrosPerHour:0.##} h (the first is at {snaps[0].TimeMicros / (double)SimTime.MicrosPerHour:0.##} h)");
        var host = new EntityHost(model, id, new RunSettings(run.Seed, new SimTime((long)Math.Round(run.HorizonSeconds * SimTime.MicrosPerSecond))));
        chosen.Load(host);
        long until = at ?? chosen.TimeMicros;
        var history = _reader.Journal(run.RunId, entity);
        var since = history.Where(h => h.TimeMicros > chosen.TimeMicros && h.TimeMicros <= until && !h.Record.IsProtocol).ToList();
        var shown = events ? history.Where(h => h.TimeMicros <= (at ?? long.MaxValue)).ToList() : null;
        return new EntityView(run.RunId, entity, until, chosen.K, chosen.TimeMicros, host.Describe(), since, shown);
    }

    public RunDifference Diff(string runA, string runB)
    {
        var a = Run(runA);
        var b = Run(runB);
        Dictionary<string, byte[]> Last(RunRecord r) => _reader.Snapshots(r.RunId).GroupBy(s => PersistenceIds.KeyOf(r.RunId, s.PersistenceId))
            .ToDictionary(g => g.Key, g => g.MaxBy(s => s.K)!.StateHash(), StringComparer.Ordinal);
        var sa = Last(a);
        var sb = Last(b);
        var entities = sa.Keys.Union(sb.Keys).Order(StringComparer.Ordinal)
            .Where(k => !sa.TryGetValue(k, out var x) || !sb.TryGetValue(k, out var y) || !x.AsSpan().SequenceEqual(y))
            .Select(k => (k, sa.ContainsKey(k), sb.ContainsKey(k))).ToList();
        var ma = Flatten(registry.SummaryOf(a.RunId));
        var mb = Flatten(registry.SummaryOf(b.RunId));
        var metrics = ma.Keys.Union(mb.Keys).Order(StringComparer.Ordinal)
            .Select(k => (k, ma.GetValueOrDefault(k, double.NaN), mb.GetValueOrDefault(k, double.NaN)))
            .Where(x => !(x.Item2 == x.Item3)).ToList();
        return new RunDifference(a, b, sa.Count, entities, metrics);
    }

    /// <summary>Every numeric field of a summary, by dotted path, apart from what differs between any two runs (ids, wall times).</summary>
    private static Dictionary<string, double> Flatten(string? json)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (json is null) return result;
        void Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                        if (k is not ("wallSeconds" or "runId" or "digest" or "scenario" or "scenarioHash" or "engineVersion" or "executor")) Walk(v, path.Length == 0 ? k : path + "." + k);
                    break;
                case JsonValue v when v.TryGetValue<double>(out var d):
                    result[path] = d;
                    break;
            }
        }
        Walk(JsonNode.Parse(json), "");
        return result;
    }
}
