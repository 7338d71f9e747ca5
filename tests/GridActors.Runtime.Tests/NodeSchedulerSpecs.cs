using Akka.Actor;
using Akka.TestKit.Xunit2;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.Phold;

namespace GridActors.Runtime.Tests;

/// <summary>
/// The node scheduler is a shell around <see cref="NodeProtocol"/> (whose decisions are specified in the kernel's
/// NodeProtocolSpecs): here it only has to carry a run through real entity actors — the test actor plays the coordinator
/// and the other node. Waits are for messages, with generous bounds; nothing asserts on time.
/// </summary>
public class NodeSchedulerSpecs : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_window_runs_through_the_entity_actors_and_its_cross_node_events_reach_the_peer_before_the_report()
    {
        const long L = 100_000;
        var model = new PholdModel(new PholdParameters(4, 3, 1.0, 1.0, 0.1, 30, 4));
        var node = Sys.ActorOf(Props.Create(() => new NodeScheduler(model, model.Settings, null, "akka.actor.default-dispatcher", null)));
        node.Tell(new NodeScheduler.Peers([node, TestActor]));
        node.Tell(new InitializeNode(0, 2, [0, 0, 1, 1], CrossLookahead: L));
        var init = ExpectMsg<NodeWindowReport>(Patience);
        Assert.Equal(0, init.Window);
        Assert.Equal(2, init.Activations);

        // Reference: the node's two entities driven by hand through the same window, in sub-windows of the model's lookahead.
        var hosts = new[] { new EntityHost(model, 0, model.Settings), new EntityHost(model, 1, model.Settings) };
        var emitted = new List<SimEvent>();
        foreach (var h in hosts) h.Init(emitted);
        long horizon = init.LocalMin + L;
        long handled = 0;
        foreach (var h in hosts) handled += h.RunUntil(horizon, emitted); // lookahead 0.1 s = L: one sub-window
        var toPeer = emitted.Where(e => e.Target >= 2).ToList();

        node.Tell(new StartWindow(1, horizon, [0, 0], horizon));
        var sent = new List<SimEvent>();
        object msg;
        while ((msg = ExpectMsg<object>(Patience)) is EventBatch b)
        {
            Assert.Equal((0, 1L), (b.FromNode, b.Window));
            sent.AddRange(EventBatchCodec.Decode(b, model.Codec));
        }
        var report = Assert.IsType<NodeWindowReport>(msg);
        Assert.Equal(1, report.Window);
        Assert.True(handled > 0);
        Assert.Equal(handled, report.Events);
        Assert.Equal(toPeer.Count, report.SentTo[1]);
        Assert.Equal(toPeer.OrderBy(e => e.Order).Select(e => (e.Time, e.Order, e.Target)), sent.OrderBy(e => e.Order).Select(e => (e.Time, e.Order, e.Target)));
    }

    [Fact]
    public void An_entity_that_throws_fails_the_run_with_its_message()
    {
        var model = new TestSupport.TooFastModel(delayMicros: 10, lookaheadMicros: 1000);
        var settings = new RunSettings(1, new SimTime(1_000_000));
        var node = Sys.ActorOf(Props.Create(() => new NodeScheduler(model, settings, null, "akka.actor.default-dispatcher", null)));
        node.Tell(new NodeScheduler.Peers([node]));
        node.Tell(new InitializeNode(0, 1, [0, 0], CrossLookahead: Placement.Unbounded));
        var init = ExpectMsg<NodeWindowReport>(Patience);
        node.Tell(new StartWindow(1, init.LocalMin + 1000, [0], init.LocalMin + 1000));
        var failed = ExpectMsg<RunFailed>(Patience);
        Assert.Contains("lookahead violation", failed.Reason);
    }
}
