using GridActors.Kernel.Protocol;
using GridActors.Model.Phold;

namespace GridActors.Kernel.Tests;

/// <summary>
/// One node's protocol driven input by input, with its outputs recorded (no actors, no timing): the test plays the
/// node's entities, its peer and the coordinator.
/// </summary>
public class NodeProtocolSpecs
{
    /// <summary>Records what the protocol asks for; the test carries it out.</summary>
    private sealed class Recorder : INodeOutput
    {
        public readonly List<string> Log = [];
        public readonly Queue<(int Local, long Horizon, List<SimEvent> Inbox, bool Init)> Work = new();
        public readonly List<(int To, long Window, SimEvent[] Events, long Bound)> Batches = [];
        public readonly List<NodeWindowReport> Reports = [];
        public EntityFinal[]? FinalStates;
        public string? Failure;

        public void Initialise(int local) => Work.Enqueue((local, 0, [], true));
        public void Activate(int local, long horizon, List<SimEvent> inbox) => Work.Enqueue((local, horizon, inbox, false));
        public int SendBatch(int toNode, long window, List<SimEvent> events, long bound)
        {
            Batches.Add((toNode, window, events.ToArray(), bound));
            return 10 * events.Count;
        }
        public void Report(NodeWindowReport report) => Reports.Add(report);
        public void Capture(int k, long timeMicros) => Log.Add($"capture {k} at {timeMicros}");
        public void CheckpointCaptured(int k) => Log.Add($"captured {k}");
        public void CheckpointSaved(int k) => Log.Add($"saved {k}");
        public void CollectFinals() => Log.Add("collect");
        public void Finals(EntityFinal[] finals) => FinalStates = finals;
        public void Fail(string reason) => Failure = reason;
    }

    /// <summary>A node with the given local entities of a PHOLD model, and the entity hosts the test runs for it.</summary>
    private sealed class Harness
    {
        public readonly Recorder Out = new();
        public readonly NodeProtocol Node;
        public readonly EntityHost[] Hosts;
        public readonly PholdModel Model;

        public Harness(PholdModel model, int node, int[] nodeOf, long crossLookahead)
        {
            Model = model;
            var local = Enumerable.Range(0, nodeOf.Length).Where(id => nodeOf[id] == node).ToArray();
            Hosts = local.Select(id => new EntityHost(model, id, model.Settings)).ToArray();
            var state = new NodeWindowState(node, local, nodeOf, nodeOf.Max() + 1);
            Node = new NodeProtocol(state, nodeOf.Max() + 1, ModelChecks.MinLookahead(model), crossLookahead, Out);
        }

        /// <summary>Runs every activation the node asked for, answering each in turn (answers may ask for more).</summary>
        public int RunEntities()
        {
            int runs = 0;
            while (Out.Work.TryDequeue(out var w))
            {
                var host = Hosts[w.Local];
                var outgoing = new List<SimEvent>();
                int handled = 0;
                if (w.Init) host.Init(outgoing);
                else
                {
                    foreach (var e in w.Inbox) host.Pending.Push(e);
                    w.Inbox.Clear();
                    handled = host.RunUntil(w.Horizon, outgoing);
                }
                Node.ActivationDone(w.Local, host.NextTime, outgoing, handled, w.Init ? null : w.Inbox);
                runs++;
            }
            return runs;
        }
    }

    [Fact]
    public void Initialisation_ends_with_a_report_of_window_zero_and_the_earliest_event()
    {
        var model = new PholdModel(new PholdParameters(4, 2, 0.5, 1.0, 0.1, 30, 3));
        var h = new Harness(model, 0, [0, 0, 1, 1], 100_000);
        h.Node.Start();
        Assert.Equal(NodeProtocol.Phase.Initialising, h.Node.Current);
        Assert.Equal(2, h.RunEntities());
        var report = Assert.Single(h.Out.Reports);
        Assert.Equal(0, report.Window);
        Assert.Equal(Math.Min(h.Hosts[0].NextTime, h.Hosts[1].NextTime), report.LocalMin);
        Assert.Equal(NodeProtocol.Phase.Idle, h.Node.Current);
    }

    [Fact]
    public void Final_states_wait_for_the_last_windows_batches_because_their_events_are_pending_state()
    {
        var model = new PholdModel(new PholdParameters(2, 1, 0.5, 1.0, 0.1, 30, 9));
        var h = new Harness(model, 0, [0, 1], 100_000);
        h.Node.Start();
        h.RunEntities();

        // The other node sent one event to entity #0 in window 0; it is still in flight when the run ends.
        h.Node.Request(new CollectFinal(0, [0, 1]));
        Assert.Equal(NodeProtocol.Phase.Waiting, h.Node.Current);
        Assert.DoesNotContain("collect", h.Out.Log);

        var late = new SimEvent(model.Settings.End.Micros + 5, 1, 77, 0, null);
        h.Node.Batch(1, 0, [late], 1, long.MaxValue);
        Assert.Contains("collect", h.Out.Log);
        Assert.Equal([late], h.Node.PeekInbox(0));
        h.Node.Final(0, h.Hosts[0].Final(h.Node.PeekInbox(0)));
        var finals = Assert.IsType<EntityFinal[]>(h.Out.FinalStates);
        Assert.Equal(NodeProtocol.Phase.Done, h.Node.Current);

        // The same entity without the late event hashes differently: the event was part of the final state.
        Assert.NotEqual(Convert.ToHexString(h.Hosts[0].Final().StateHash), Convert.ToHexString(finals[0].StateHash));
    }

    [Fact]
    public void Beyond_the_horizon_a_node_runs_only_as_far_as_its_peer_promised_and_promises_one_lookahead_more()
    {
        const long L = 100_000;
        var model = new PholdModel(new PholdParameters(2, 3, 0.5, 1.0, 0.1, 30, 4));
        var h = new Harness(model, 0, [0, 1], L);
        h.Node.Start();
        h.RunEntities();
        long min = h.Out.Reports[0].LocalMin;

        long horizon = min + L, leaseEnd = min + 40 * L;
        h.Node.Request(new StartWindow(1, horizon, [0, 0], leaseEnd));
        long promised = horizon, sent = 0, peerBound = horizon;
        int seen = 0, waits = 0;
        while (true)
        {
            h.RunEntities();
            // What the node sent since: events never before what it promised earlier; promises only grow, never past the peer's.
            for (; seen < h.Out.Batches.Count; seen++)
            {
                var b = h.Out.Batches[seen];
                Assert.Equal((1, 1L), (b.To, b.Window));
                foreach (var e in b.Events) Assert.True(e.Time >= promised, $"event at {e.Time} breaks the promise {promised}");
                sent += b.Events.Length;
                if (b.Bound > leaseEnd) continue; // the final batch: it owes nothing more
                Assert.InRange(b.Bound, promised + 1, peerBound + L);
                promised = b.Bound;
            }
            if (h.Node.Current != NodeProtocol.Phase.Blocked) break;
            // Waiting for the peer: no report, the lease is not done, and it stopped exactly where the peer's promise stops it.
            waits++;
            Assert.Single(h.Out.Reports);
            Assert.Equal(peerBound + L, promised);
            peerBound = Math.Min(peerBound + 7 * L, leaseEnd);
            h.Node.Batch(1, 1, [], 0, peerBound);
        }
        var report = h.Out.Reports[^1];
        Assert.Equal(1, report.Window);
        Assert.Equal(sent, report.SentTo[1]);
        Assert.True(report.LocalMin >= leaseEnd);
        Assert.True(report.Events > 0 && report.Steps > 1);
        // A wait lasts until the node can run again (a promise that moves nothing on does not end it).
        Assert.InRange(report.Waits, 1, waits);
        Assert.True(waits >= 4, $"the peer had to promise only {waits} times");
    }

    [Fact]
    public void More_events_than_the_coordinator_counted_fail_the_run()
    {
        var model = new PholdModel(new PholdParameters(2, 1, 0.5, 1.0, 0.1, 30, 9));
        var h = new Harness(model, 0, [0, 1], 100_000);
        h.Node.Start();
        h.RunEntities();
        var e = new SimEvent(2_000_000, 1, 1, 0, null);
        h.Node.Batch(1, 0, [e, e], 2, long.MaxValue);
        h.Node.Request(new StartWindow(1, 3_000_000, [0, 1], 3_000_000));
        Assert.Equal(NodeProtocol.Phase.Failed, h.Node.Current);
        Assert.Contains("received 2 events from node 1 in window 0, expected 1", h.Out.Failure);
    }

    [Fact]
    public void A_checkpoint_is_captured_once_the_windows_events_arrived_and_written_in_the_background()
    {
        var model = new PholdModel(new PholdParameters(4, 1, 0.5, 1.0, 0.1, 30, 9));
        var h = new Harness(model, 0, [0, 0, 1, 1], 100_000);
        h.Node.Start();
        h.RunEntities();
        h.Node.Request(new BeginCheckpoint(1, 500_000, 0, [0, 2]));
        Assert.Equal(NodeProtocol.Phase.Waiting, h.Node.Current);
        h.Node.Batch(1, 0, [new SimEvent(600_000, 2, 0, 0, null)], 1, long.MaxValue);
        Assert.Empty(h.Out.Log);
        h.Node.Batch(1, 0, [new SimEvent(700_000, 3, 0, 1, null)], 1, long.MaxValue);
        Assert.Equal(["capture 1 at 500000"], h.Out.Log);
        Assert.Equal(NodeProtocol.Phase.Capturing, h.Node.Current);

        // One entity writes before the other captured: the node still reports the capture first.
        h.Node.Captured(1);
        Assert.False(h.Node.Saved(1));
        h.Node.Captured(1);
        Assert.Equal(NodeProtocol.Phase.Idle, h.Node.Current);
        Assert.True(h.Node.Saved(1));
        Assert.Equal(["capture 1 at 500000", "captured 1", "saved 1"], h.Out.Log);

        // A window may run while a checkpoint is written, but the next checkpoint needs the last one written.
        h.Node.Request(new BeginCheckpoint(2, 900_000, 0, [0, 2]));
        h.Node.Captured(2);
        h.Node.Captured(2);
        h.Node.Request(new BeginCheckpoint(3, 1_000_000, 0, [0, 2]));
        Assert.Equal(NodeProtocol.Phase.Failed, h.Node.Current);
        Assert.Contains("checkpoint 3 begun while checkpoint 2 is still being written", h.Out.Failure);
    }

    [Fact]
    public void A_write_error_fails_the_run_with_its_message()
    {
        var model = new PholdModel(new PholdParameters(2, 1, 0.5, 1.0, 0.1, 30, 9));
        var h = new Harness(model, 0, [0, 0], long.MaxValue / 4);
        h.Node.Start();
        h.RunEntities();
        h.Node.Request(new BeginCheckpoint(1, 500_000, 0, [0]));
        h.Node.Captured(1);
        h.Node.Captured(1);
        h.Node.Saved(1, "snapshot of run-x/lp/0 failed: disk full");
        Assert.Equal("snapshot of run-x/lp/0 failed: disk full", h.Out.Failure);
        // Nothing after a failure has any effect.
        h.Node.Request(new StartWindow(1, 1, [0], 1));
        Assert.Equal(NodeProtocol.Phase.Failed, h.Node.Current);
    }
}
