using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class InspectSettings : StoreSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("Run id (see gridactors runs).")]
    public string Run { get; init; } = "";

    [CommandOption("--entity <KIND/ID>")]
    [Description("An entity, e.g. hub/yrd-demo-zone or plant/gansu_solar; without it, a per-kind overview of the run.")]
    public string? Entity { get; init; }

    [CommandOption("--at <TIME>")]
    [Description("Simulated time since the start, e.g. 2h (default: the latest checkpoint).")]
    public string? At { get; init; }

    [CommandOption("--events")]
    [Description("Also list the entity's persisted history (up to --at).")]
    public bool Events { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON.")]
    public bool Json { get; init; }
}

/// <summary>
/// <c>gridactors inspect RUN</c>: what the store holds for a run — an overview per entity kind, or one
/// entity's state at a simulated time (its nearest checkpoint at or before that time plus the state
/// changes journaled after it) and, with <c>--events</c>, its persisted history. Reads only.
/// </summary>
public sealed class InspectCommand : Command<InspectSettings>
{
    public override int Execute(CommandContext context, InspectSettings settings, CancellationToken cancellation)
    {
        var registry = StoreOptions.Existing(settings.Db, settings.Postgres);
        var run = registry.Get(settings.Run) ?? throw new UserInputException($"unknown run '{settings.Run}' in {registry.Store.Display}");
        var reader = new StoreReader(registry.Store);
        long? at = null;
        if (settings.At is not null)
        {
            if (!Quantity.TryParseDuration(RunSettingsCli.InsertSpace(settings.At), out var t, out var error))
                throw new UserInputException("--at: " + error);
            if (t.Micros < 0 || t.TotalSeconds > run.HorizonSeconds)
                throw new UserInputException($"--at {settings.At} is outside run '{run.RunId}' (0 to {run.HorizonSeconds / 3600:0.##} h)");
            at = t.Micros;
        }
        return settings.Entity is null ? Overview(run, reader, settings.Json) : Entity(run, reader, settings.Entity, at, settings.Events, settings.Json);
    }

    private static int Overview(RunRecord run, StoreReader reader, bool json)
    {
        var journal = reader.Journal(run.RunId);
        var snapshots = reader.Snapshots(run.RunId);
        string KindOf(string pid) => pid[(pid.IndexOf('/') + 1)..].Split('/')[0];
        var kinds = journal.Select(j => KindOf(j.PersistenceId)).Concat(snapshots.Select(s => KindOf(s.PersistenceId))).Distinct().Order(StringComparer.Ordinal);
        var rows = kinds.Select(k => new
        {
            kind = k,
            entities = journal.Where(j => KindOf(j.PersistenceId) == k).Select(j => j.PersistenceId).Concat(snapshots.Where(s => KindOf(s.PersistenceId) == k).Select(s => s.PersistenceId)).Distinct().Count(),
            records = journal.Count(j => KindOf(j.PersistenceId) == k && j.Kind is not ("checkpoint" or "checkpoint-complete")),
            snapshots = snapshots.Count(s => KindOf(s.PersistenceId) == k),
            recordKinds = journal.Where(j => KindOf(j.PersistenceId) == k && j.Kind is not ("checkpoint" or "checkpoint-complete"))
                .GroupBy(j => j.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
        }).ToList();
        var checkpoints = journal.Where(j => j.Kind == "checkpoint-complete").Select(j => new { k = int.Parse(j.Detail, CultureInfo.InvariantCulture), hours = j.TimeMicros / 3.6e9 }).ToList();
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { runId = run.RunId, status = run.Status, scenario = run.Scenario, seed = run.Seed,
                simulatedSeconds = run.SimulatedSeconds, digest = run.Digest, checkpoints, kinds = rows }));
            return 0;
        }
        Console.Out.WriteLine($"run {run.RunId}: {run.Status}, {run.SimulatedSeconds / 3600:0.##} of {run.HorizonSeconds / 3600:0.##} h, {checkpoints.Count} complete checkpoints, scenario {run.Scenario}, seed {run.Seed}");
        var t = new Table().AddColumns("kind", "entities", "records", "snapshots", "record kinds");
        foreach (var r in rows)
            t.AddRow(r.kind, r.entities.ToString(CultureInfo.InvariantCulture), r.records.ToString(CultureInfo.InvariantCulture), r.snapshots.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", r.recordKinds.Select(kv => $"{kv.Key} {kv.Value}"))));
        AnsiConsole.Write(t);
        return 0;
    }

    private static int Entity(RunRecord run, StoreReader reader, string entity, long? at, bool events, bool json)
    {
        var model = new SupplyChainModel(StoreOptions.ScenarioOf(run).Spec);
        int id;
        try { id = model.IdOf(entity); }
        catch (KeyNotFoundException)
        {
            var keys = Enumerable.Range(0, model.EntityCount).Select(model.EntityKey).ToList();
            var near = keys.OrderBy(k => ParameterSet.Levenshtein(entity, k)).ThenBy(k => k, StringComparer.Ordinal).First();
            throw new UserInputException($"unknown entity '{entity}' in run '{run.RunId}'; did you mean '{near}'? (kinds: {string.Join(", ", EntityKinds.All.Select(k => k.Name))})");
        }
        var snaps = reader.Snapshots(run.RunId, entity);
        if (snaps.Count == 0) throw new UserInputException($"run '{run.RunId}' has no checkpoint of {entity} yet");
        var chosen = at is null ? snaps[^1] : snaps.LastOrDefault(s => s.TimeMicros <= at);
        if (chosen is null)
            throw new UserInputException($"run '{run.RunId}' has no checkpoint at or before {at / 3.6e9:0.##} h (the first is at {snaps[0].TimeMicros / 3.6e9:0.##} h)");
        var host = new EntityHost(model, id, new RunSettings(run.Seed, new SimTime((long)Math.Round(run.HorizonSeconds * 1e6))));
        using (var r = new BinaryReader(new MemoryStream(chosen.Bytes), Encoding.UTF8)) host.Load(r);
        var state = host.Describe();
        long until = at ?? chosen.TimeMicros;
        var history = reader.Journal(run.RunId, entity);
        var since = history.Where(h => h.TimeMicros > chosen.TimeMicros && h.TimeMicros <= until && h.Kind != "checkpoint").ToList();
        var shown = events ? history.Where(h => h.TimeMicros <= (at ?? long.MaxValue)).ToList() : [];
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                runId = run.RunId, entity, atMicros = until, checkpoint = chosen.K, checkpointMicros = chosen.TimeMicros, state,
                changesSinceCheckpoint = since.Select(h => new { t = h.TimeMicros, kind = h.Kind, detail = h.Detail }),
                events = events ? shown.Select(h => new { seq = h.SequenceNr, t = h.TimeMicros, kind = h.Kind, detail = h.Detail }) : null,
            }));
            return 0;
        }
        Console.Out.WriteLine($"{entity} in run {run.RunId} at {until / 3.6e9:0.###} h (checkpoint #{chosen.K} at {chosen.TimeMicros / 3.6e9:0.###} h)");
        var t = new Table().AddColumns("field", "value");
        foreach (var (k, v) in state) t.AddRow(Markup.Escape(k), Markup.Escape(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "—"));
        AnsiConsole.Write(t);
        foreach (var h in since) Console.Out.WriteLine($"  changed at {h.TimeMicros / 3.6e9:0.###} h: {h.Kind} {h.Detail}");
        if (events)
        {
            var e = new Table().AddColumns("seq", "hours", "kind", "detail");
            foreach (var h in shown) e.AddRow(h.SequenceNr.ToString(CultureInfo.InvariantCulture), (h.TimeMicros / 3.6e9).ToString("0.###", CultureInfo.InvariantCulture), Markup.Escape(h.Kind), Markup.Escape(h.Detail));
            AnsiConsole.Write(e);
        }
        return 0;
    }
}

public sealed class DiffSettings : StoreSettings
{
    [CommandArgument(0, "<RUN_A>")]
    public string A { get; init; } = "";

    [CommandArgument(1, "<RUN_B>")]
    public string B { get; init; } = "";

    [CommandOption("--json")]
    [Description("Print JSON.")]
    public bool Json { get; init; }
}

/// <summary><c>gridactors diff RUN_A RUN_B</c>: which entities' final states and which summary metrics differ, and by how much.</summary>
public sealed class DiffCommand : Command<DiffSettings>
{
    public override int Execute(CommandContext context, DiffSettings settings, CancellationToken cancellation)
    {
        var registry = StoreOptions.Existing(settings.Db, settings.Postgres);
        var a = registry.Get(settings.A) ?? throw new UserInputException($"unknown run '{settings.A}' in {registry.Store.Display}");
        var b = registry.Get(settings.B) ?? throw new UserInputException($"unknown run '{settings.B}' in {registry.Store.Display}");
        var reader = new StoreReader(registry.Store);
        Dictionary<string, byte[]> Last(RunRecord r) => reader.Snapshots(r.RunId).GroupBy(s => s.PersistenceId[(("run-" + r.RunId).Length + 1)..])
            .ToDictionary(g => g.Key, g => System.Security.Cryptography.SHA256.HashData(g.Last().Bytes), StringComparer.Ordinal);
        var sa = Last(a);
        var sb = Last(b);
        var entities = sa.Keys.Union(sb.Keys).Order(StringComparer.Ordinal)
            .Where(k => !sa.TryGetValue(k, out var x) || !sb.TryGetValue(k, out var y) || !x.AsSpan().SequenceEqual(y))
            .Select(k => new { entity = k, inA = sa.ContainsKey(k), inB = sb.ContainsKey(k) }).ToList();
        var ma = Flatten(registry.SummaryOf(a.RunId));
        var mb = Flatten(registry.SummaryOf(b.RunId));
        var metrics = ma.Keys.Union(mb.Keys).Order(StringComparer.Ordinal)
            .Select(k => (k, va: ma.GetValueOrDefault(k, double.NaN), vb: mb.GetValueOrDefault(k, double.NaN)))
            .Where(x => !(x.va == x.vb))
            .Select(x => new { metric = x.k, a = x.va, b = x.vb, change = x.vb - x.va, relative = x.va != 0 ? (x.vb - x.va) / Math.Abs(x.va) : (double?)null })
            .ToList();
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { a = a.RunId, b = b.RunId, digestA = a.Digest, digestB = b.Digest,
                entitiesCompared = sa.Count, differingEntities = entities, differingMetrics = metrics },
                new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return 0;
        }
        Console.Out.WriteLine($"{a.RunId} vs {b.RunId}: digests {(a.Digest == b.Digest ? "equal" : "differ")}; {entities.Count} of {sa.Count} entities' final states differ; {metrics.Count} metrics differ");
        foreach (var e in entities) Console.Out.WriteLine($"  entity {e.entity}{(e.inA && e.inB ? "" : e.inA ? " (only in A)" : " (only in B)")}");
        if (metrics.Count > 0)
        {
            var t = new Table().AddColumns("metric", "A", "B", "change", "relative");
            foreach (var m in metrics)
                t.AddRow(Markup.Escape(m.metric), F(m.a), F(m.b), F(m.change), m.relative is double rel ? rel.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "—");
            AnsiConsole.Write(t);
        }
        return 0;
    }

    private static string F(double v) => double.IsNaN(v) ? "—" : v.ToString("G6", CultureInfo.InvariantCulture);

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
