using System.Globalization;
using System.Text;
using System.Text.Json;
using GridActors.Kernel;

namespace GridActors.Runtime.Checkpoints;

/// <summary>
/// How a run's persisted state is named: every persistence id starts with <c>run-&lt;runId&gt;/</c>; an entity's is followed by
/// its model key (<c>run-&lt;runId&gt;/hub/ningxia-zhongwei</c>), the coordinator's checkpoint journal by <c>coordinator</c>.
/// Defined once here and used by the actors that write, the reader, inspection and store maintenance.
/// </summary>
public static class PersistenceIds
{
    public const string CoordinatorKey = "coordinator";

    /// <summary>The prefix of everything run <paramref name="runId"/> persists (no trailing slash).</summary>
    public static string Run(string runId) => "run-" + runId;

    /// <summary>An entity's persistence id under a run prefix (<see cref="Run"/>).</summary>
    public static string Entity(string runPrefix, string entityKey) => runPrefix + "/" + entityKey;

    /// <summary>The coordinator's checkpoint journal under a run prefix.</summary>
    public static string Coordinator(string runPrefix) => runPrefix + "/" + CoordinatorKey;

    /// <summary>The persistence id of <paramref name="key"/> (an entity key or <see cref="CoordinatorKey"/>) in run <paramref name="runId"/>.</summary>
    public static string Of(string runId, string key) => Run(runId) + "/" + key;

    /// <summary>A SQL LIKE pattern matching every persistence id of a run.</summary>
    public static string LikeRun(string runId) => Run(runId).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "/%";

    /// <summary>The key (entity key or <see cref="CoordinatorKey"/>) of a persistence id of run <paramref name="runId"/>.</summary>
    public static string KeyOf(string runId, string persistenceId)
    {
        string prefix = Run(runId) + "/";
        if (!persistenceId.StartsWith(prefix, StringComparison.Ordinal))
            throw new ArgumentException($"persistence id '{persistenceId}' does not belong to run '{runId}'");
        return persistenceId[prefix.Length..];
    }

    /// <summary>True for the coordinator's checkpoint journal.</summary>
    public static bool IsCoordinator(string persistenceId) => persistenceId.EndsWith("/" + CoordinatorKey, StringComparison.Ordinal);

    /// <summary>The entity kind of a key (<c>hub</c> for <c>hub/ningxia-zhongwei</c>).</summary>
    public static string KindOf(string key)
    {
        int slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }
}

/// <summary>
/// An entity's snapshot: a header — the checkpoint number <c>K</c> and its simulated time — followed by the entity's complete
/// state as <see cref="EntityHost.Save"/> writes it (including the events still waiting for it).
/// </summary>
public static class SnapshotFormat
{
    /// <summary>Bytes of the header (int32 K, int64 time in µs).</summary>
    public const int HeaderBytes = sizeof(int) + sizeof(long);

    public static byte[] Write(int k, long timeMicros, EntityHost host, IEnumerable<SimEvent>? undelivered)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(k);
            w.Write(timeMicros);
            host.Save(w, undelivered);
        }
        return ms.ToArray();
    }

    /// <summary>The header of a snapshot.</summary>
    public static (int K, long TimeMicros) ReadHeader(byte[] snapshot)
    {
        if (snapshot.Length < HeaderBytes) throw new InvalidDataException($"a snapshot of {snapshot.Length} bytes has no header");
        return (BitConverter.ToInt32(snapshot, 0), BitConverter.ToInt64(snapshot, sizeof(int)));
    }

    /// <summary>Restores <paramref name="host"/> from a snapshot; returns its header.</summary>
    public static (int K, long TimeMicros) Load(byte[] snapshot, EntityHost host)
    {
        var header = ReadHeader(snapshot);
        using var r = new BinaryReader(new MemoryStream(snapshot, HeaderBytes, snapshot.Length - HeaderBytes, writable: false), Encoding.UTF8);
        host.Load(r);
        return header;
    }

    /// <summary>The state part of a snapshot (what follows the header).</summary>
    public static ReadOnlySpan<byte> State(byte[] snapshot) => snapshot.AsSpan(HeaderBytes);
}

/// <summary>One journaled record: a state change an entity noted, an entity's checkpoint event, or the coordinator's
/// "checkpoint complete" marker (with its checkpoint number and the window it was written in).</summary>
public sealed record JournalRecord(long TimeMicros, string Kind, string Detail, int? K = null, long? Window = null)
{
    /// <summary>An entity's marker of its part of checkpoint K (detail = K).</summary>
    public const string CheckpointKind = "checkpoint";

    /// <summary>The coordinator's marker: checkpoint K is complete.</summary>
    public const string CheckpointCompleteKind = "checkpoint-complete";

    /// <summary>True for records that belong to the checkpoint protocol rather than to the model.</summary>
    public bool IsProtocol => Kind is CheckpointKind or CheckpointCompleteKind;

    public static JournalRecord Noted(EntityRecord r) => new(r.TimeMicros, r.Kind, r.Detail);

    public static JournalRecord EntityCheckpoint(int k, long timeMicros) => new(timeMicros, CheckpointKind, k.ToString(CultureInfo.InvariantCulture), k);

    public static JournalRecord CheckpointComplete(int k, long timeMicros, long window) =>
        new(timeMicros, CheckpointCompleteKind, k.ToString(CultureInfo.InvariantCulture), k, window);

    /// <summary>The checkpoint number of a checkpoint record.</summary>
    public int Checkpoint => K ?? throw new InvalidOperationException($"journal record '{Kind}' is not a checkpoint record");

    /// <summary>The stored form: a small JSON object (<c>t</c>, <c>kind</c>, <c>detail</c>; <c>k</c> and <c>window</c> for markers).</summary>
    public byte[] Encode()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("t", TimeMicros);
            w.WriteString("kind", Kind);
            w.WriteString("detail", Detail);
            if (K is int k) w.WriteNumber("k", k);
            if (Window is long window) w.WriteNumber("window", window);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>Reads the stored form (also records written before <c>detail</c> was always present: markers then carried only <c>k</c>).</summary>
    public static JournalRecord Decode(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        long t = root.GetProperty("t").GetInt64();
        string kind = root.GetProperty("kind").GetString() ?? "";
        int? k = root.TryGetProperty("k", out var kp) ? kp.GetInt32() : null;
        long? window = root.TryGetProperty("window", out var wp) ? wp.GetInt64() : null;
        string detail = root.TryGetProperty("detail", out var d) ? d.ToString() : k?.ToString(CultureInfo.InvariantCulture) ?? "";
        if (k is null && kind == CheckpointKind && int.TryParse(detail, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed)) k = parsed;
        return new JournalRecord(t, kind, detail, k, window);
    }
}
