using System.ComponentModel;
using System.Globalization;
using GridActors.Hosting;
using GridActors.Hosting.Inspection;
using GridActors.Kernel;
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
/// <c>gridactors inspect RUN</c>: what the store holds for a run — an overview per entity kind, or one entity's state at a
/// simulated time (its nearest checkpoint at or before that time plus the state changes journaled after it) and, with
/// <c>--events</c>, its persisted history. Reads only (<see cref="RunInspector"/>).
/// </summary>
public sealed class InspectCommand : Command<InspectSettings>
{
    public override int Execute(CommandContext context, InspectSettings settings, CancellationToken cancellation)
    {
        var inspector = new RunInspector(Stores.Existing(settings.Db, settings.Postgres));
        var run = inspector.Run(settings.Run);
        long? at = settings.At is null ? null : RunInspector.ParseAt(settings.At, run);
        return settings.Entity is null ? Overview(inspector.Overview(run.RunId), settings.Json) : Entity(inspector.Entity(run.RunId, settings.Entity, at, settings.Events), settings.Json);
    }

    private static int Overview(RunOverview o, bool json)
    {
        var run = o.Run;
        if (json)
        {
            Console.Out.WriteLine(InspectionJson.Overview(o));
            return 0;
        }
        Console.Out.WriteLine($"run {run.RunId}: {run.Status}, {run.SimulatedSeconds / 3600:0.##} of {run.HorizonSeconds / 3600:0.##} h, {o.Checkpoints.Count} complete checkpoints, scenario {run.Scenario}, seed {run.Seed}");
        var t = new Table().AddColumns("kind", "entities", "records", "snapshots", "record kinds");
        foreach (var r in o.Kinds)
            t.AddRow(r.Kind, r.Entities.ToString(CultureInfo.InvariantCulture), r.Records.ToString(CultureInfo.InvariantCulture), r.Snapshots.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", r.RecordKinds.Select(kv => $"{kv.Key} {kv.Value}"))));
        AnsiConsole.Write(t);
        return 0;
    }

    private static string Hours(long micros, string format = "0.###") => (micros / (double)SimTime.MicrosPerHour).ToString(format, CultureInfo.InvariantCulture);

    private static int Entity(EntityView v, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(InspectionJson.Entity(v));
            return 0;
        }
        Console.Out.WriteLine($"{v.Entity} in run {v.RunId} at {Hours(v.AtMicros)} h (checkpoint #{v.Checkpoint} at {Hours(v.CheckpointMicros)} h)");
        var t = new Table().AddColumns("field", "value");
        foreach (var (k, val) in v.State) t.AddRow(Markup.Escape(k), Markup.Escape(Convert.ToString(val, CultureInfo.InvariantCulture) ?? "—"));
        AnsiConsole.Write(t);
        foreach (var h in v.ChangesSinceCheckpoint) Console.Out.WriteLine($"  changed at {Hours(h.TimeMicros)} h: {h.Kind} {h.Detail}");
        if (v.Events is { } events)
        {
            var e = new Table().AddColumns("seq", "hours", "kind", "detail");
            foreach (var h in events) e.AddRow(h.SequenceNr.ToString(CultureInfo.InvariantCulture), Hours(h.TimeMicros), Markup.Escape(h.Kind), Markup.Escape(h.Detail));
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
        var d = new RunInspector(Stores.Existing(settings.Db, settings.Postgres)).Diff(settings.A, settings.B);
        var metrics = d.Metrics.Select(x => new { metric = x.Metric, a = x.A, b = x.B, change = x.B - x.A, relative = x.A != 0 ? (x.B - x.A) / Math.Abs(x.A) : (double?)null }).ToList();
        if (settings.Json)
        {
            Console.Out.WriteLine(InspectionJson.Diff(d));
            return 0;
        }
        Console.Out.WriteLine($"{d.A.RunId} vs {d.B.RunId}: digests {(d.A.Digest == d.B.Digest ? "equal" : "differ")}; {d.Entities.Count} of {d.EntitiesCompared} entities' final states differ; {metrics.Count} metrics differ");
        foreach (var e in d.Entities) Console.Out.WriteLine($"  entity {e.Entity}{(e.InA && e.InB ? "" : e.InA ? " (only in A)" : " (only in B)")}");
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
}
