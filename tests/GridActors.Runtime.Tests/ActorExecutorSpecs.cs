using Akka.Actor;
using Akka.TestKit.Xunit2;
using GridActors.Kernel;
using GridActors.Model.Phold;
using GridActors.TestSupport;

namespace GridActors.Runtime.Tests;

public class ActorExecutorSpecs
{
    [Theory]
    [MemberData(nameof(PholdShapes.Names), MemberType = typeof(PholdShapes))]
    public async Task Actor_executor_reproduces_the_sequential_digest(string shape)
    {
        var model = new PholdModel(PholdShapes.Get(shape));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        var actors = await new ActorExecutor().RunAsync(model, model.Settings);
        Assert.True(reference.Events > 0);
        Assert.Equal(reference.Events, actors.Events);
        Assert.Equal(reference.MetricTotals, actors.MetricTotals);
        Assert.Equal(reference.Digest, actors.Digest);
        Assert.True(actors.Stats.Windows > 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task The_digest_does_not_depend_on_how_many_node_schedulers_split_the_entities(int partitions)
    {
        var model = new PholdModel(new PholdParameters(100, 4, 0.5, 1.0, 0.1, 30, 9));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        var actors = await new ActorExecutor(new ActorExecutorOptions(Threads: 2, Partitions: partitions)).RunAsync(model, model.Settings);
        Assert.Equal(reference.Digest, actors.Digest);
        // As cluster nodes do: 300 lookaheads of dense events, so the coordinator hands out leases after a few windows
        // and the nodes step through the rest on each other's promises (windows counts leases).
        var leased = await new ActorExecutor(new ActorExecutorOptions(Threads: 2, Partitions: partitions, Leases: true)).RunAsync(model, model.Settings);
        Assert.Equal(reference.Digest, leased.Digest);
        if (partitions > 1) Assert.InRange(leased.Stats.Windows, 2, 150);
    }

    [Fact]
    public async Task Shuffled_activation_and_delivery_order_keeps_the_digest()
    {
        var model = new PholdModel(new PholdParameters(80, 4, 0.6, 1.0, 0.2, 30, 21));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        for (int shuffle = 1; shuffle <= 8; shuffle++)
        {
            var opts = new ActorExecutorOptions(Threads: 1 + shuffle % 2, Throughput: 1 + shuffle * 7, ShuffleSeed: shuffle, Partitions: 1 + shuffle % 3, Leases: shuffle % 2 == 0);
            var actors = await new ActorExecutor(opts).RunAsync(model, model.Settings);
            Assert.Equal(reference.Digest, actors.Digest);
        }
    }

    [Fact]
    public async Task A_lookahead_violation_fails_the_run_with_the_kernel_message()
    {
        var model = new TooFastModel(delayMicros: 10, lookaheadMicros: 1000);
        var ex = await Assert.ThrowsAsync<SimulationFailedException>(() =>
            new ActorExecutor().RunAsync(model, new RunSettings(1, new SimTime(1_000_000))));
        Assert.Contains("lookahead violation", ex.Message);
        Assert.Contains("plant/west", ex.Message);
        Assert.Contains("hub/east", ex.Message);
    }
}

public class EntityActorSpecs : TestKit
{
    /// <summary>A generous bound instead of TestKit's 3 s default, which a loaded 2-core machine can exceed.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void An_activation_runs_the_window_and_comes_back_with_outgoing_events_and_next_time()
    {
        var model = new PholdModel(new PholdParameters(2, 3, 1.0, 1.0, 0.1, 100, 5));
        var entity = Sys.ActorOf(Props.Create(() => new EntityActor(model, 0, model.Settings, TestActor)));
        var a = new Activation(0) { IsInit = true };
        entity.Tell(a);
        var back = ExpectMsg<Activation>(Bound);
        Assert.Same(a, back);
        Assert.Empty(back.Outgoing);            // initial events are self events
        Assert.InRange(back.NextTime, 100_000, long.MaxValue - 1);

        back.IsInit = false;
        back.Horizon = long.MaxValue - 1;       // run everything: every event is remote (remote = 1)
        entity.Tell(back);
        var done = ExpectMsg<Activation>(Bound);
        Assert.Equal(3, done.Handled);
        Assert.Equal(3, done.Outgoing.Count);
        Assert.All(done.Outgoing, e => Assert.Equal(1, e.Target));
        Assert.Equal(long.MaxValue, done.NextTime);
    }
}
