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
        node.Tell(new EventBatch(1, 0, 1, data));
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
}
