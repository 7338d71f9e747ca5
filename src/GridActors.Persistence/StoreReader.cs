using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GridActors.Persistence;

/// <summary>A journaled record of an entity (or a checkpoint event).</summary>
public sealed record JournalEntry(string PersistenceId, long SequenceNr, long TimeMicros, string Kind, string Detail);

/// <summary>A saved checkpoint of an entity: number, simulated time and the state bytes that follow the header.</summary>
public sealed record SnapshotEntry(string PersistenceId, long SequenceNr, int K, long TimeMicros, byte[] Bytes);

/// <summary>
/// The read side: journal and snapshots of a run, read with plain SQL (works while a run is going on;
/// reads never write).
/// </summary>
public sealed class StoreReader(Store store)
{
    public IReadOnlyList<JournalEntry> Journal(string runId, string? entityKey = null)
    {
        using var c = store.Open();
        if (!StoreMaintenance.TableExists(c, "journal")) return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, sequence_number, message FROM journal WHERE persistence_id " +
            (entityKey is null ? "LIKE @p" : "= @p") + " ORDER BY persistence_id, sequence_number";
        Param(cmd, "@p", entityKey is null ? $"run-{runId}/%" : $"run-{runId}/{entityKey}");
        using var r = cmd.ExecuteReader();
        var list = new List<JournalEntry>();
        while (r.Read())
        {
            var bytes = (byte[])r.GetValue(2);
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            long t = root.GetProperty("t").GetInt64();
            string kind = root.GetProperty("kind").GetString() ?? "";
            string detail = root.TryGetProperty("detail", out var d) ? d.ToString() : root.TryGetProperty("k", out var k) ? k.ToString() : "";
            list.Add(new JournalEntry(r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), t, kind, detail));
        }
        return list;
    }

    public IReadOnlyList<SnapshotEntry> Snapshots(string runId, string? entityKey = null)
    {
        using var c = store.Open();
        if (!StoreMaintenance.TableExists(c, "snapshot")) return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, sequence_number, snapshot FROM snapshot WHERE persistence_id " +
            (entityKey is null ? "LIKE @p" : "= @p") + " ORDER BY persistence_id, sequence_number";
        Param(cmd, "@p", entityKey is null ? $"run-{runId}/%" : $"run-{runId}/{entityKey}");
        using var r = cmd.ExecuteReader();
        var list = new List<SnapshotEntry>();
        while (r.Read())
        {
            var bytes = (byte[])r.GetValue(2);
            using var br = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            int k = br.ReadInt32();
            long t = br.ReadInt64();
            list.Add(new SnapshotEntry(r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), k, t, bytes[12..]));
        }
        return list;
    }

    private static void Param(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
