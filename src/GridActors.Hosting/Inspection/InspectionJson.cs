using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridActors.Hosting.Inspection;

/// <summary>
/// The JSON of <c>inspect --json</c> and <c>diff --json</c>, defined once: the command line prints it and the web console's
/// <c>/api/runs/{id}/overview</c>, <c>/api/runs/{id}/entities/{kind}/{name}</c> and <c>/api/compare</c> answer with it, byte for byte.
/// </summary>
public static class InspectionJson
{
    private static readonly JsonSerializerOptions DiffOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string Overview(RunOverview o)
    {
        var run = o.Run;
        return JsonSerializer.Serialize(new
        {
            runId = run.RunId, status = run.Status, scenario = run.Scenario, seed = run.Seed,
            simulatedSeconds = run.SimulatedSeconds, digest = run.Digest, checkpoints = o.Checkpoints.Select(c => new { k = c.K, hours = c.Hours }),
            kinds = o.Kinds.Select(k => new { kind = k.Kind, entities = k.Entities, records = k.Records, snapshots = k.Snapshots, recordKinds = k.RecordKinds }),
        });
    }

    public static string Entity(EntityView v) => JsonSerializer.Serialize(new
    {
        runId = v.RunId, entity = v.Entity, atMicros = v.AtMicros, checkpoint = v.Checkpoint, checkpointMicros = v.CheckpointMicros, state = v.State,
        changesSinceCheckpoint = v.ChangesSinceCheckpoint.Select(h => new { t = h.TimeMicros, kind = h.Kind, detail = h.Detail }),
        events = v.Events?.Select(h => new { seq = h.SequenceNr, t = h.TimeMicros, kind = h.Kind, detail = h.Detail }),
    });

    public static string Diff(RunDifference d)
    {
        var metrics = d.Metrics.Select(x => new { metric = x.Metric, a = x.A, b = x.B, change = x.B - x.A, relative = x.A != 0 ? (x.B - x.A) / Math.Abs(x.A) : (double?)null });
        return JsonSerializer.Serialize(new
        {
            a = d.A.RunId, b = d.B.RunId, digestA = d.A.Digest, digestB = d.B.Digest,
            entitiesCompared = d.EntitiesCompared, differingEntities = d.Entities.Select(e => new { entity = e.Entity, inA = e.InA, inB = e.InB }), differingMetrics = metrics,
        }, DiffOptions);
    }
}
