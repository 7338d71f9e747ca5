using Akka.Actor;
using Akka.TestKit.Xunit2;
using GridActors.Kernel;
using GridActors.Model.Phold;

namespace GridActors.Runtime.Tests;

/// <summary>The node scheduler's protocol, driven message by message (the test actor plays coordinator and peer).</summary>
public class NodeSchedulerSpecs : TestKit
{
    [Fact]
    public void Final_states_wait_for_the_last_windows_batches_because_their_events_are_pending_state()
    {
        var model = new PholdModel(new PholdParameters(2, 1, 0.5, 1.0, 0.1, 30, 9));
        var node = Sys.ActorOf(Props.Create(() => new NodeScheduler(model, model.Settings, null, "akka.actor.default-dispatcher", null)));
        node.Tell(new NodeScheduler.Peers([node, TestActor]));
        node.Tell(new InitializeNode(0, 2, [0, 1]));
        var init = ExpectMsg<NodeWindowReport>();
        Assert.Equal(0, init.Window);

        // The other node sent one event to entity #0 in window 0; it is still in flight when the run ends.
        node.Tell(new CollectFinal(0, [0, 1]));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var late = new SimEvent(model.Settings.End.Micros + 5, 1, 77, 0, null);
        var data = EventBatchCodec.Encode([late], model.Codec, new MemoryStream());
        node.Tell(new EventBatch(1, 0, 1, data, long.MaxValue));
        var report = ExpectMsg<NodeFinalReport>();
        Assert.Single(report.Finals);
        Assert.Equal(0, report.Finals[0].Id);

        // The same entity without the late event hashes differently: the event was part of the final state.
        var alone = Sys.ActorOf(Props.Create(() => new NodeScheduler(model, model.Settings, null, "akka.actor.default-dispatcher", null)));
        alone.Tell(new NodeScheduler.Peers([alone, TestActor]));
        alone.Tell(new InitializeNode(0, 2, [0, 1]));
        ExpectMsg<NodeWindowReport>();
        alone.Tell(new CollectFinal(0, [0, 0]));
        var without = ExpectMsg<NodeFinalReport>();
        Assert.NotEqual(Convert.ToHexString(without.Finals[0].StateHash), Convert.ToHexString(report.Finals[0].StateHash));
    }

    [Fact]
    public void Beyond_the_horizon_a_node_runs_only_as_far_as_its_peer_promised_and_promises_one_lookahead_more()
    {
        const long L = 100_000;
        var model = new PholdModel(new PholdParameters(2, 3, 0.5, 1.0, 0.1, 30, 4));
        var node = Sys.ActorOf(Props.Create(() => new NodeScheduler(model, model.Settings, null, "akka.actor.default-dispatcher", null)));
        node.Tell(new NodeScheduler.Peers([node, TestActor]));
        node.Tell(new InitializeNode(0, 2, [0, 1], CrossLookahead: L));
        long min = ExpectMsg<NodeWindowReport>().LocalMin;

        long horizon = min + L, leaseEnd = min + 40 * L;
        node.Tell(new StartWindow(1, horizon, [0, 0], leaseEnd));
        long promised = horizon, sent = 0;
        var peerBound = horizon;
        while (true)
        {
            // The node stops where the peer's promise stops it and says how far the peer may now go.
            var b = ExpectMsg<EventBatch>();
            Assert.Equal(1, b.Window);
            foreach (var e in EventBatchCodec.Decode(b, model.Codec)) Assert.True(e.Time >= promised, $"event at {e.Time} breaks the promise {promised}");
            sent += b.Count;
            if (b.Bound > leaseEnd) break; // finished: it owes nothing more
            Assert.InRange(b.Bound, promised + 1, peerBound + L); // promises only grow, never past what the peer allows
            promised = b.Bound;
            if (b.Bound < peerBound + L) continue; // a promise sent on the way; the node still works
            ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // waiting for the peer: no report, the lease is not done
            peerBound += 7 * L;
            node.Tell(new EventBatch(1, 1, 0, [], Math.Min(peerBound, leaseEnd)));
            if (peerBound >= leaseEnd) peerBound = leaseEnd;
        }
        var report = ExpectMsg<NodeWindowReport>();
        Assert.Equal(1, report.Window);
        Assert.Equal(sent, report.SentTo[1]);
        Assert.True(report.LocalMin >= leaseEnd);
        Assert.True(report.Events > 0 && report.Steps > 1);
    }
}
