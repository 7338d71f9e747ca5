using System.Data.Common;
using System.Globalization;
using GridActors.Runtime.Checkpoints;

namespace GridActors.Persistence;

/// <summary>
/// Store housekeeping for resume: drops everything a run wrote after its last complete checkpoint (journal rows and
/// snapshots of the interrupted attempt), so the persisted history has no duplicates and no gaps, however many times the
/// run was killed. Checkpoints are recognised by the number in each snapshot's header and in the coordinator's markers
/// (<see cref="SnapshotFormat"/>, <see cref="JournalRecord"/>), never by row order.
/// </summary>
public static class StoreMaintenance
{
    /// <summary>Keeps checkpoints 1..k of every entity of the run and the coordinator's markers of them (k = 0 drops the run's persisted state).</summary>
    public static void TruncateAfterCheckpoint(Store store, string runId, int k)
    {
        using var c = store.Open();
        using var tx = c.BeginTransaction();
        string like = PersistenceIds.LikeRun(runId);
        bool hasSnapshots = TableExists(c, "snapshot", tx), hasJournal = TableExists(c, "journal", tx);
        if (!hasSnapshots && !hasJournal)
        {
            tx.Commit();
            return;
        }

        // Per entity: the sequence number of its snapshot of checkpoint k (its journal up to there belongs to the checkpoint).
        var keep = new Dictionary<string, long>(StringComparer.Ordinal);
        var pids = new SortedSet<string>(StringComparer.Ordinal);
        if (hasSnapshots)
        {
            using var cmd = Command(c, tx, "SELECT persistence_id, sequence_number, substr(snapshot, 1, @n) FROM snapshot WHERE persistence_id LIKE @p ESCAPE '\\'");
            Store.Param(cmd, "@p", like);
            Store.Param(cmd, "@n", SnapshotFormat.HeaderBytes);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                string pid = r.GetString(0);
                pids.Add(pid);
                long seq = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
                if (SnapshotFormat.ReadHeader((byte[])r.GetValue(2)).K == k && seq > keep.GetValueOrDefault(pid, -1)) keep[pid] = seq;
            }
        }
        // The coordinator's markers of checkpoints after k go.
        var markersAfter = new List<(string Pid, long Seq)>();
        if (hasJournal)
        {
            using (var cmd = Command(c, tx, "SELECT DISTINCT persistence_id FROM journal WHERE persistence_id LIKE @p ESCAPE '\\'"))
            {
                Store.Param(cmd, "@p", like);
                using var r = cmd.ExecuteReader();
                while (r.Read()) pids.Add(r.GetString(0));
            }
            foreach (var pid in pids.Where(PersistenceIds.IsCoordinator))
            {
                using var cmd = Command(c, tx, "SELECT sequence_number, message FROM journal WHERE persistence_id = @pid");
                Store.Param(cmd, "@pid", pid);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    if (JournalRecord.Decode((byte[])r.GetValue(1)) is { Kind: JournalRecord.CheckpointCompleteKind } m && m.Checkpoint > k)
                        markersAfter.Add((pid, Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture)));
            }
        }

        using (var del = Command(c, tx, ""))
        {
            var pidParam = del.CreateParameter(); pidParam.ParameterName = "@pid"; del.Parameters.Add(pidParam);
            var seqParam = del.CreateParameter(); seqParam.ParameterName = "@seq"; del.Parameters.Add(seqParam);
            void Delete(string table, string pid, long after)
            {
                del.CommandText = $"DELETE FROM {table} WHERE persistence_id = @pid AND sequence_number > @seq";
                pidParam.Value = pid;
                seqParam.Value = after;
                del.ExecuteNonQuery();
            }
            foreach (var pid in pids)
            {
                if (PersistenceIds.IsCoordinator(pid)) continue;
                // An entity keeps what checkpoint k covers; one without a snapshot of k (k = 0, or it never got there) loses everything.
                long after = keep.GetValueOrDefault(pid, 0);
                if (hasSnapshots) Delete("snapshot", pid, after);
                if (hasJournal) Delete("journal", pid, after);
            }
            foreach (var (pid, seq) in markersAfter)
            {
                del.CommandText = "DELETE FROM journal WHERE persistence_id = @pid AND sequence_number = @seq";
                pidParam.Value = pid;
                seqParam.Value = seq;
                del.ExecuteNonQuery();
            }
        }
        if (TableExists(c, "tags", tx))
        {
            using var cmd = Command(c, tx, "DELETE FROM tags WHERE persistence_id LIKE @p ESCAPE '\\' AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.persistence_id = tags.persistence_id AND j.sequence_number = tags.sequence_nr)");
            Store.Param(cmd, "@p", like);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static DbCommand Command(DbConnection c, DbTransaction tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    public static bool TableExists(DbConnection c, string table, DbTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = c is Microsoft.Data.Sqlite.SqliteConnection
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='{table}'"
            : $"SELECT COUNT(*) FROM information_schema.tables WHERE table_name='{table}'";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }
}
