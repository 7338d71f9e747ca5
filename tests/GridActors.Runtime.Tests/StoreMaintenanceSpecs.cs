using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime.Checkpoints;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Runtime.Tests;

/// <summary>The checkpoint format is one definition shared by writer, reader and store maintenance.</summary>
public class StoreMaintenanceSpecs
{
    private static (Store Store, SupplyChainModel Model) PersistentRun(string runId, long every, long until)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gridactors-maint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var store = Store.Sqlite(Path.Combine(dir, "m.db"));
        var model = new SupplyChainModel(Small(RoutingPolicies.LatencyFirst, new FaultSpec("cable-cut", "apg", 10 * Minute, 0)));
        new ActorExecutor(new ActorExecutorOptions(Persistence: new PersistenceOptions(runId, store.AkkaConfig(), every)))
            .RunAsync(model, Settings(until, 3)).GetAwaiter().GetResult();
        return (store, model);
    }

    [Fact]
    public void Truncation_keeps_checkpoints_by_the_number_in_their_header_not_by_their_row_order()
    {
        var (store, model) = PersistentRun("m1", 10 * Minute, 40 * Minute); // checkpoints 1..4 at 10, 20, 30, 40 min
        var reader = new StoreReader(store);
        var hub = model.EntityKey(Enumerable.Range(0, model.EntityCount).First(id => model.EntityKey(id).StartsWith("hub/", StringComparison.Ordinal)));
        Assert.Equal([1, 2, 3, 4], reader.Snapshots("m1", hub).Select(s => s.K));
        // One entity lost its snapshot of checkpoint 1 (e.g. a store cleaned by hand): its rows no longer line up with checkpoint numbers.
        using (var c = store.Open())
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM snapshot WHERE persistence_id = @p AND sequence_number = @s";
            Store.Param(cmd, "@p", PersistenceIds.Of("m1", hub));
            Store.Param(cmd, "@s", reader.Snapshots("m1", hub)[0].SequenceNr);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        StoreMaintenance.TruncateAfterCheckpoint(store, "m1", 2);
        Assert.Equal([2], reader.Snapshots("m1", hub).Select(s => s.K)); // checkpoint 2 is kept, 3 and 4 are gone
        Assert.All(reader.Snapshots("m1"), s => Assert.InRange(s.K, 1, 2));
        var markers = reader.Journal("m1", PersistenceIds.CoordinatorKey);
        Assert.Equal([1, 2], markers.Select(m => m.Record.Checkpoint));
        // The journal keeps what checkpoint 2 covers (records and checkpoint events up to 20 minutes) and nothing after.
        var journal = reader.Journal("m1").Where(j => !PersistenceIds.IsCoordinator(j.PersistenceId)).ToList();
        Assert.All(journal, j => Assert.True(j.TimeMicros <= 20 * Minute, $"{j.PersistenceId} #{j.SequenceNr} at {j.TimeMicros}"));
        Assert.Contains(journal, j => j.Kind == "cable-cut");
        Assert.Equal(2 * model.EntityCount, journal.Count(j => j.Kind == JournalRecord.CheckpointKind)); // the events of checkpoints 1 and 2, for every entity

        StoreMaintenance.TruncateAfterCheckpoint(store, "m1", 0);
        Assert.Empty(reader.Snapshots("m1"));
        Assert.Empty(reader.Journal("m1"));
    }

    [Fact]
    public void Runs_whose_ids_differ_only_where_sql_wildcards_could_match_stay_apart()
    {
        var (store, _) = PersistentRun("a_b", 0, 10 * Minute);
        var reader = new StoreReader(store);
        Assert.NotEmpty(reader.Snapshots("a_b"));
        Assert.Empty(reader.Snapshots("axb"));
        Assert.Empty(reader.Journal("a%b"));
        StoreMaintenance.TruncateAfterCheckpoint(store, "a%b", 0);
        StoreMaintenance.TruncateAfterCheckpoint(store, "axb", 0);
        Assert.NotEmpty(reader.Snapshots("a_b"));
    }

    [Fact]
    public void Journal_records_and_snapshot_headers_round_trip_and_old_markers_still_read()
    {
        var marker = JournalRecord.CheckpointComplete(7, 3_600_000_000, 42);
        Assert.Equal(marker, JournalRecord.Decode(marker.Encode()));
        var noted = JournalRecord.Noted(new EntityRecord(5, "hub-failed", "0 of 8 units up"));
        Assert.Equal(noted, JournalRecord.Decode(noted.Encode()));
        // Markers written before the format was shared carried no detail.
        var old = JournalRecord.Decode("""{"kind":"checkpoint-complete","k":3,"t":99,"window":5}"""u8.ToArray());
        Assert.Equal((3, 99L, "3", 5L), (old.Checkpoint, old.TimeMicros, old.Detail, old.Window!.Value));
        var entity = JournalRecord.Decode("""{"t":10,"kind":"checkpoint","detail":"2"}"""u8.ToArray());
        Assert.Equal(2, entity.Checkpoint);

        var model = new SupplyChainModel(Small(RoutingPolicies.LatencyFirst));
        var host = new EntityHost(model, 1, Settings(Minute, 3));
        var bytes = SnapshotFormat.Write(4, 123, host, []);
        Assert.Equal((4, 123L), SnapshotFormat.ReadHeader(bytes));
        var copy = new EntityHost(model, 1, Settings(Minute, 3));
        Assert.Equal((4, 123L), SnapshotFormat.Load(bytes, copy));
        Assert.Equal(host.StateHash(), copy.StateHash());
    }
}
