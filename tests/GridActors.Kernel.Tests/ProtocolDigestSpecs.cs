using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GridActors.Kernel.Protocol;
using GridActors.Model.Phold;
using GridActors.Model.SupplyChain;
using GridActors.TestSupport;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Kernel.Tests;

/// <summary>
/// The synchronisation protocol without actors: the windowed executor drives the same <see cref="NodeProtocol"/> and
/// <see cref="CoordinatorProtocol"/> objects as the actor runtime, over an in-memory bus, so node counts, leases, message
/// orders, checkpoint gating and resume are all compared with the sequential digest here.
/// </summary>
public class ProtocolDigestSpecs
{
    [Theory]
    [MemberData(nameof(PholdShapes.Names), MemberType = typeof(PholdShapes))]
    public void Every_node_count_with_and_without_leases_reproduces_the_sequential_digest(string shape)
    {
        var model = new PholdModel(PholdShapes.Get(shape));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        foreach (int nodes in new[] { 1, 2, 3, 7 })
            foreach (bool leases in new[] { false, true })
            {
                var r = new WindowedExecutor(new WindowedOptions(nodes, leases, EncodeBatches: nodes == 3)).Run(model, model.Settings);
                Assert.True(reference.Digest == r.Digest, $"{nodes} node(s), leases {leases}: digest differs");
                Assert.Equal(reference.Events, r.Events);
            }
    }

    [Fact]
    public void Dense_runs_between_nodes_get_leases_that_cover_many_lookaheads()
    {
        var model = new PholdModel(new PholdParameters(100, 4, 0.5, 1.0, 0.1, 30, 9)); // 300 lookaheads of dense events
        var plain = new WindowedExecutor(new WindowedOptions(Nodes: 2)).Run(model, model.Settings);
        var leased = new WindowedExecutor(new WindowedOptions(Nodes: 2, Leases: true)).Run(model, model.Settings);
        Assert.Equal(plain.Digest, leased.Digest);
        Assert.InRange(plain.Stats.Windows, 290, 310);
        Assert.InRange(leased.Stats.Windows, 2, 150);
        Assert.True(leased.Stats.Rounds > leased.Stats.Windows, "nodes inside leases wait for each other's promises");
        Assert.True(leased.Stats.CrossNodeEvents > 0);
    }

    [Property(MaxTest = 60)]
    public Property Random_message_orders_node_counts_and_leases_never_change_the_digest(PositiveInt lpsSeed, NonNegativeInt shuffle, PositiveInt seed)
    {
        int lps = 1 + lpsSeed.Get % 60;
        int nodes = 1 + shuffle.Get % 4;
        bool leases = seed.Get % 2 == 0;
        var p = new PholdParameters(lps, 1 + seed.Get % 5, (seed.Get % 5) / 4.0, 1.0, 0.05 + (shuffle.Get % 10) / 10.0, 12, (ulong)seed.Get);
        var model = new PholdModel(p);
        var reference = new SequentialExecutor().Run(model, model.Settings);
        var shuffled = new WindowedExecutor(new WindowedOptions(nodes, leases, ShuffleSeed: shuffle.Get)).Run(model, model.Settings);
        return (reference.Digest == shuffled.Digest).Label($"lps={lps} nodes={nodes} leases={leases} shuffle={shuffle.Get} {p}");
    }

    [Theory]
    [InlineData(1, false, null)]
    [InlineData(2, false, 5)]
    [InlineData(3, true, null)]
    [InlineData(3, true, 11)]
    public void Checkpoints_gate_the_windows_and_a_run_resumed_from_any_of_them_ends_with_the_same_digest(int nodes, bool leases, int? shuffle)
    {
        var model = new PholdModel(new PholdParameters(60, 4, 0.5, 1.0, 0.1, 20, 3));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        long every = 3 * SimTime.MicrosPerSecond;
        var first = new WindowedExecutor(new WindowedOptions(nodes, leases, shuffle, new CheckpointPlan(every)));
        var full = first.Run(model, model.Settings);
        Assert.Equal(reference.Digest, full.Digest);
        // Checkpoints every 3 s up to 18 s, plus the final one at the end (20 s).
        Assert.Equal([3, 6, 9, 12, 15, 18, 20], first.Checkpoints.Select(c => c.TimeMicros / SimTime.MicrosPerSecond).ToArray());
        Assert.Equal(Enumerable.Range(1, 7), first.Checkpoints.Select(c => c.K));
        Assert.All(first.Checkpoints, c => Assert.Equal(model.EntityCount, c.Snapshots.Count));

        foreach (var cp in first.Checkpoints.Take(first.Checkpoints.Count - 1))
        {
            var resumed = new WindowedExecutor(new WindowedOptions(nodes, leases, shuffle is int s ? s + cp.K : null,
                new CheckpointPlan(every, cp.K, cp.TimeMicros, Resume: true)));
            var r = resumed.Run(model, model.Settings, cp);
            Assert.True(reference.Digest == r.Digest, $"resumed from checkpoint {cp.K}: digest differs");
            Assert.Equal(cp.K + 1, resumed.Checkpoints[0].K);
            Assert.Equal(first.Checkpoints[^1].Snapshots.OrderBy(x => x.Key).Select(x => Convert.ToHexString(x.Value)),
                resumed.Checkpoints[^1].Snapshots.OrderBy(x => x.Key).Select(x => Convert.ToHexString(x.Value)));
        }
    }

    [Fact]
    public void A_checkpoint_state_differs_from_the_next_so_resuming_really_starts_from_it()
    {
        var model = new PholdModel(new PholdParameters(20, 2, 0.5, 1.0, 0.1, 10, 8));
        var ex = new WindowedExecutor(new WindowedOptions(Checkpoints: new CheckpointPlan(2 * SimTime.MicrosPerSecond)));
        ex.Run(model, model.Settings);
        var a = ex.Checkpoints[0].Snapshots[0];
        var b = ex.Checkpoints[1].Snapshots[0];
        Assert.NotEqual(Convert.ToHexString(a), Convert.ToHexString(b));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task An_injection_drained_at_a_window_boundary_lands_like_the_same_events_given_up_front(int nodes)
    {
        var model = new PholdModel(new PholdParameters(30, 2, 0.5, 1.0, 0.1, 20, 6));
        long at = 7 * SimTime.MicrosPerSecond + 123;
        SimEvent[] Build(int index) => [SimEvent.External(at, (long)index << 24, 4, null), SimEvent.External(at + 1_000_000, ((long)index << 24) + 1, 17, null)];
        var upFront = new SequentialExecutor().Run(model, model.Settings, external: Build(0));
        var without = new SequentialExecutor().Run(model, model.Settings);
        Assert.NotEqual(without.Digest, upFront.Digest);

        // Live: submitted while the run is going on (after the first checkpoint at 3 s), drained at the next window boundary.
        var gate = new InjectionGate();
        Task<Injection>? submitted = null;
        var ex = new WindowedExecutor(new WindowedOptions(nodes, Checkpoints: new CheckpointPlan(3 * SimTime.MicrosPerSecond), Injections: gate))
        {
            OnCheckpoint = cp => { if (cp.K == 1) submitted = gate.Submit(at, Build); },
        };
        var live = ex.Run(model, model.Settings);
        Assert.True(submitted!.IsCompletedSuccessfully);
        Assert.InRange((await submitted).AfterCheckpoint, 1, 2); // delivered at the first window boundary after it was submitted
        Assert.Equal(upFront.Digest, live.Digest);
    }

    [Fact]
    public async Task A_late_injection_is_refused_with_the_safe_horizon()
    {
        var model = new PholdModel(new PholdParameters(10, 2, 0.5, 1.0, 0.1, 10, 6));
        var gate = new InjectionGate();
        Task<Injection>? late = null;
        new WindowedExecutor(new WindowedOptions(Checkpoints: new CheckpointPlan(4 * SimTime.MicrosPerSecond), Injections: gate))
        {
            OnCheckpoint = cp => { if (cp.K == 1) late = gate.Submit(SimTime.MicrosPerSecond, i => []); },
        }.Run(model, model.Settings);
        var ex = await Assert.ThrowsAsync<InjectionRejectedException>(() => late!);
        Assert.Contains("has already passed", ex.Message);
    }

    [Theory]
    [InlineData(1, false, null)]
    [InlineData(2, true, null)]
    [InlineData(3, true, 7)]
    [InlineData(4, false, 3)]
    public void The_supply_chain_with_every_fault_kind_gives_the_sequential_digest_on_any_node_count_and_after_a_resume(int nodes, bool leases, int? shuffle)
    {
        var model = new SupplyChainModel(Small(RoutingPolicies.GreenAware,
            new FaultSpec("cable-cut", "apg", 10 * Minute, 20 * Minute), new FaultSpec("demand-spike", "all", 5 * Minute, 0, Multiplier: 2),
            new FaultSpec("plant-outage", "ningxia-coal", 5 * Minute, 0, Fraction: 0.3), new FaultSpec("link-trip", "lingzhou-shaoxing", 20 * Minute, 5 * Minute),
            new FaultSpec("hub-failure", "zhongwei", 30 * Minute, 10 * Minute, Fraction: 0.5)));
        var settings = Settings(Hour, 5);
        var reference = new SequentialExecutor().Run(model, settings);
        var plan = new CheckpointPlan(15 * Minute);
        var first = new WindowedExecutor(new WindowedOptions(nodes, leases, shuffle, plan, EncodeBatches: true));
        Assert.Equal(reference.Digest, first.Run(model, settings).Digest);
        var cp = first.Checkpoints[1]; // 30 minutes: a cable is cut, a demand spike and a derate are on, a link trip is over
        var resumed = new WindowedExecutor(new WindowedOptions(nodes, leases, shuffle, new CheckpointPlan(15 * Minute, cp.K, cp.TimeMicros, Resume: true)));
        Assert.Equal(reference.Digest, resumed.Run(model, settings, cp).Digest);
    }
}
