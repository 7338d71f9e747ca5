using System.Data.Common;
using System.Globalization;
using GridActors.Kernel;
using GridActors.Runtime.Checkpoints;

namespace GridActors.Persistence;

/// <summary>A journaled record of an entity or of the coordinator, with where it is stored.</summary>
public sealed record JournalEntry(string PersistenceId, long SequenceNr, JournalRecord Record)
{
    public long TimeMicros => Record.TimeMicros;
    public string Kind => Record.Kind;
    public string Detail => Record.Detail;
}

/// <summary>A saved checkpoint of an entity: number and simulated time from the snapshot's header, and the whole snapshot.</summary>
public sealed record SnapshotEntry(string PersistenceId, long SequenceNr, int K, long TimeMicros, byte[] Snapshot)
{
    /// <summary>Restores <paramref name="host"/> to this checkpoint.</summary>
    public void Load(EntityHost host) => SnapshotFormat.Load(Snapshot, host);

    /// <summary>A hash of the state part (the header aside), for comparing runs.</summary>
    public byte[] StateHash() => System.Security.Cryptography.SHA256.HashData(SnapshotFormat.State(Snapshot));
}

/// <summary>
/// The read side: journal and snapshots of a run, read with plain SQL and decoded with the formats the actors write
/// (<see cref="JournalRecord"/>, <see cref="SnapshotFormat"/>, <see cref="PersistenceIds"/>). Works while a run is going on;
/// reads never write.
/// </summary>
public sealed class StoreReader(Store store)
{
    /// <summary>The journal of run <paramref name="runId"/> (or of one entity key, or <see cref="PersistenceIds.CoordinatorKey"/>).</summary>
    public IReadOnlyList<JournalEntry> Journal(string runId, string? key = null)
    {
        using var c = store.Open();
        if (!StoreMaintenance.TableExists(c, "journal")) return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, sequence_number, message FROM journal WHERE " + Where(cmd, runId, key) + " ORDER BY persistence_id, sequence_number";
        using var r = cmd.ExecuteReader();
        var list = new List<JournalEntry>();
        while (r.Read())
            list.Add(new JournalEntry(r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), JournalRecord.Decode((byte[])r.GetValue(2))));
        return list;
    }

    /// <summary>The snapshots of run <paramref name="runId"/> (or of one entity key).</summary>
    public IReadOnlyList<SnapshotEntry> Snapshots(string runId, string? key = null)
    {
        using var c = store.Open();
        if (!StoreMaintenance.TableExists(c, "snapshot")) return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT persistence_id, sequence_number, snapshot FROM snapshot WHERE " + Where(cmd, runId, key) + " ORDER BY persistence_id, sequence_number";
        return ReadSnapshots(cmd);
    }

    /// <summary>The newest snapshot of every persistence id of run <paramref name="runId"/> (one row each: what a view of the latest
    /// checkpoint needs, without reading the older ones).</summary>
    public IReadOnlyList<SnapshotEntry> LatestSnapshots(string runId)
    {
        using var c = store.Open();
        if (!StoreMaintenance.TableExists(c, "snapshot")) return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT s.persistence_id, s.sequence_number, s.snapshot FROM snapshot s WHERE s." + Where(cmd, runId, null)
            + " AND s.sequence_number = (SELECT MAX(m.sequence_number) FROM snapshot m WHERE m.persistence_id = s.persistence_id) ORDER BY s.persistence_id";
        return ReadSnapshots(cmd);
    }

    /// <summary>Rows of (persistence_id, sequence_number, snapshot), their headers decoded.</summary>
    private static List<SnapshotEntry> ReadSnapshots(DbCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<SnapshotEntry>();
        while (r.Read())
        {
            var bytes = (byte[])r.GetValue(2);
            var (k, t) = SnapshotFormat.ReadHeader(bytes);
            list.Add(new SnapshotEntry(r.GetString(0), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture), k, t, bytes));
        }
        return list;
    }

    private static string Where(DbCommand cmd, string runId, string? key)
    {
        Store.Param(cmd, "@p", key is null ? PersistenceIds.LikeRun(runId) : PersistenceIds.Of(runId, key));
        return key is null ? "persistence_id LIKE @p ESCAPE '\\'" : "persistence_id = @p";
    }
}
