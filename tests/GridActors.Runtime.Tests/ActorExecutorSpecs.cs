using Akka.Actor;
using Akka.TestKit.Xunit2;
using GridActors.Kernel;
using GridActors.Model.Phold;

namespace GridActors.Runtime.Tests;

public class ActorExecutorSpecs
{
    public static TheoryData<int, int, double, double, double, double, ulong> Shapes => new()
    {
        // lps, population, remote, mean, lookahead, end, seed
        { 4, 64, 0.25, 1.0, 0.1, 40, 1 },      // few LPs, many events
        { 1024, 1, 0.25, 1.0, 0.1, 20, 2 },    // many LPs, few events
        { 64, 8, 0.0, 1.0, 0.1, 60, 3 },       // remote 0
        { 64, 8, 1.0, 1.0, 0.1, 60, 4 },       // remote 1
        { 64, 8, 0.5, 0.5, 0.5, 60, 5 },       // lookahead = mean
        { 1, 16, 0.25, 1.0, 0.1, 50, 6 },      // a single LP
        { 512, 16, 0.25, 1.0, 0.1, 25, 17 },   // the benchmark's shape, shorter
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Actor_executor_reproduces_the_sequential_digest(int lps, int pop, double remote, double mean, double la, double end, ulong seed)
    {
        var model = new PholdModel(new PholdParameters(lps, pop, remote, mean, la, end, seed));
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
    }

    [Fact]
    public async Task Shuffled_activation_and_delivery_order_keeps_the_digest()
    {
        var model = new PholdModel(new PholdParameters(80, 4, 0.6, 1.0, 0.2, 30, 21));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        for (int shuffle = 1; shuffle <= 8; shuffle++)
        {
            var opts = new ActorExecutorOptions(Threads: 1 + shuffle % 2, Throughput: 1 + shuffle * 7, ShuffleSeed: shuffle, Partitions: 1 + shuffle % 3);
            var actors = await new ActorExecutor(opts).RunAsync(model, model.Settings);
            Assert.Equal(reference.Digest, actors.Digest);
        }
    }

    [Fact]
    public async Task A_lookahead_violation_fails_the_run_with_the_kernel_message()
    {
        var model = new TooFastModel();
        var ex = await Assert.ThrowsAsync<SimulationFailedException>(() =>
            new ActorExecutor().RunAsync(model, new RunSettings(1, new SimTime(1_000_000))));
        Assert.Contains("lookahead violation", ex.Message);
        Assert.Contains("plant/west", ex.Message);
        Assert.Contains("hub/east", ex.Message);
    }

    private sealed class TooFastModel : ISimModel
    {
        public string Name => "too-fast";
        public int EntityCount => 2;
        public string EntityKey(int id) => id == 0 ? "hub/east" : "plant/west";
        public Entity CreateEntity(int id) => new E(id);
        public IReadOnlyList<ChannelSpec> Channels => [new ChannelSpec("uhv", new SimTime(1000))];
        public IReadOnlyList<string> MetricNames => [];
        public IPayloadCodec Codec => NullPayloadCodec.Instance;

        private sealed class E(int id) : Entity
        {
            public override void Init(IEventContext ctx) { if (id == 1) ctx.ScheduleSelf(new SimTime(5), null); }
            public override void Handle(IEventContext ctx, object? payload) { if (id == 1) ctx.Send(new EntityId(0), new SimTime(10), null); }
            public override void Save(BinaryWriter w) { }
            public override void Load(BinaryReader r) { }
        }
    }
}

public class EntityActorSpecs : TestKit
{
    [Fact]
    public void An_activation_runs_the_window_and_comes_back_with_outgoing_events_and_next_time()
    {
        var model = new PholdModel(new PholdParameters(2, 3, 1.0, 1.0, 0.1, 100, 5));
        var entity = Sys.ActorOf(Props.Create(() => new EntityActor(model, 0, model.Settings, TestActor)));
        var a = new Activation(0) { IsInit = true };
        entity.Tell(a);
        var back = ExpectMsg<Activation>();
        Assert.Same(a, back);
        Assert.Empty(back.Outgoing);            // initial events are self events
        Assert.InRange(back.NextTime, 100_000, long.MaxValue - 1);

        back.IsInit = false;
        back.Horizon = long.MaxValue - 1;       // run everything: every event is remote (remote = 1)
        entity.Tell(back);
        var done = ExpectMsg<Activation>();
        Assert.Equal(3, done.Handled);
        Assert.Equal(3, done.Outgoing.Count);
        Assert.All(done.Outgoing, e => Assert.Equal(1, e.Target));
        Assert.Equal(long.MaxValue, done.NextTime);
    }
}
