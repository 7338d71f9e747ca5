using System.Security.Cryptography;
using System.Text;

namespace GridActors.Kernel;

/// <summary>Final per-entity state summary: the input of the run digest, plus the entity's report
/// (time series and distributions it recorded, see <see cref="Entity.WriteReport"/>).</summary>
public sealed record EntityFinal(int Id, byte[] StateHash, double[] Metrics, long EventsHandled, byte[] Report);

/// <summary>Statistics of a windowed execution (zero for the sequential executor). <paramref name="Windows"/> counts
/// coordinator windows (a lease is one); <paramref name="Rounds"/> counts synchronisation rounds (a window, plus every wait
/// for a peer's promise within a lease). <paramref name="CrossNodeBatches"/> and <paramref name="CrossNodeBytes"/> count the
/// event batches between node schedulers (promises included) and their encoded size.</summary>
public sealed record WindowStats(long Windows, long Activations, long CrossEntityEvents, long CrossNodeEvents, long CrossNodeBatches = 0, long CrossNodeBytes = 0, long Rounds = 0)
{
    public static readonly WindowStats None = new(0, 0, 0, 0);
}

/// <summary>The outcome of a run: committed events, the digest and the ordered metric totals.</summary>
public sealed record RunResult(
    string Model,
    long Events,
    string Digest,
    IReadOnlyList<string> MetricNames,
    double[] MetricTotals,
    SimTime End,
    WindowStats Stats)
{
    /// <summary>Each entity's final report, by entity id (empty arrays for entities that report nothing).</summary>
    public IReadOnlyList<byte[]> Reports { get; init; } = [];

    /// <summary>Wall time of the simulation itself (entity creation, initial events, all windows, final
    /// digest), excluding process and ActorSystem start-up and shut-down. Set by the actor runtime or by
    /// the caller — the kernel never reads a clock.</summary>
    public double WallSeconds { get; init; }

    /// <summary>Wall time spent taking checkpoints (persistent actor runs), included in <see cref="WallSeconds"/>.</summary>
    public double CheckpointSeconds { get; init; }

    /// <summary>
    /// Builds the result from per-entity finals. The digest is SHA-256 over every entity's state hash
    /// in id order followed by the metric totals (summed in id order, so floating point is identical
    /// wherever the entities ran).
    /// </summary>
    public static RunResult FromFinals(ISimModel model, RunSettings settings, IReadOnlyList<EntityFinal> finalsAnyOrder, WindowStats stats)
    {
        var finals = finalsAnyOrder.OrderBy(f => f.Id).ToArray();
        if (finals.Length != model.EntityCount)
            throw new InvalidOperationException($"expected final state of {model.EntityCount} entities, got {finals.Length}");
        for (int i = 0; i < finals.Length; i++)
            if (finals[i].Id != i) throw new InvalidOperationException($"final state of entity #{i} missing or duplicated");

        var totals = new double[model.MetricNames.Count];
        long events = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buf = stackalloc byte[8];
        foreach (var f in finals)
        {
            BitConverter.TryWriteBytes(buf, f.Id);
            sha.AppendData(buf[..4]);
            sha.AppendData(f.StateHash);
            for (int m = 0; m < totals.Length; m++) totals[m] += f.Metrics[m];
            events += f.EventsHandled;
        }
        BitConverter.TryWriteBytes(buf, events);
        sha.AppendData(buf);
        for (int m = 0; m < totals.Length; m++)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(model.MetricNames[m]));
            BitConverter.TryWriteBytes(buf, BitConverter.DoubleToInt64Bits(totals[m]));
            sha.AppendData(buf);
        }
        var digest = Convert.ToHexStringLower(sha.GetHashAndReset());
        return new RunResult(model.Name, events, digest, model.MetricNames, totals, settings.End, stats)
        {
            Reports = finals.Select(f => f.Report).ToArray(),
        };
    }

    public double Metric(string name)
    {
        for (int i = 0; i < MetricNames.Count; i++)
            if (MetricNames[i] == name) return MetricTotals[i];
        throw new KeyNotFoundException($"metric '{name}' is not declared by model {Model}");
    }
}

/// <summary>Common checks on a model before any executor runs it.</summary>
public static class ModelChecks
{
    /// <summary>The window width: the smallest lookahead of any channel (DESIGN §4).</summary>
    public static long MinLookahead(ISimModel model)
    {
        if (model.EntityCount <= 0) throw new ArgumentException($"model {model.Name} has no entities");
        if (model.EntityCount >= SimEvent.MaxEntities) throw new ArgumentException($"model {model.Name} has {model.EntityCount} entities; at most {SimEvent.MaxEntities - 1} are supported");
        if (model.Channels.Count == 0) throw new ArgumentException($"model {model.Name} declares no channel");
        foreach (var c in model.Channels) c.Validate();
        return model.Channels.Min(c => c.Lookahead.Micros);
    }
}
