using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GridActors.Kernel;
using GridActors.Model.Phold;
using GridActors.TestSupport;

namespace GridActors.Kernel.Tests;

public class PholdDigestSpecs
{
    [Theory]
    [MemberData(nameof(PholdShapes.Names), MemberType = typeof(PholdShapes))]
    public void Windowed_executor_reproduces_the_sequential_digest(string shape)
    {
        var model = new PholdModel(PholdShapes.Get(shape));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        var windowed = new WindowedExecutor().Run(model, model.Settings);
        Assert.True(reference.Events > 0);
        Assert.Equal(reference.Events, windowed.Events);
        Assert.Equal(reference.MetricTotals, windowed.MetricTotals);
        Assert.Equal(reference.Digest, windowed.Digest);
    }

    [Fact]
    public void Nodes_with_more_entities_than_the_dense_limit_find_activations_with_the_indexed_heap_and_agree()
    {
        var model = new PholdModel(new PholdParameters(NodeWindowState.DenseLimit + 3000, 1, 0.5, 1.0, 0.1, 3, 11));
        var reference = new SequentialExecutor().Run(model, model.Settings);
        Assert.Equal(reference.Digest, new WindowedExecutor().Run(model, model.Settings).Digest);
        Assert.Equal(reference.Digest, new WindowedExecutor(shuffleSeed: 4).Run(model, model.Settings).Digest);
    }

    [Fact]
    public void The_digest_changes_with_the_seed_and_the_parameters()
    {
        string D(PholdParameters p) { var m = new PholdModel(p); return new SequentialExecutor().Run(m, m.Settings).Digest; }
        var baseline = new PholdParameters(32, 4, 0.25, 1.0, 0.1, 30, 1);
        var d = D(baseline);
        Assert.Equal(d, D(baseline));
        Assert.NotEqual(d, D(baseline with { Seed = 2 }));
        Assert.NotEqual(d, D(baseline with { Remote = 0.3 }));
        Assert.NotEqual(d, D(baseline with { End = 30.5 }));
    }

    [Fact]
    public void Committed_events_match_the_population_times_the_horizon_over_the_mean()
    {
        var model = new PholdModel(new PholdParameters(256, 16, 0.25, 1.0, 0.1, 100, 3));
        var r = new SequentialExecutor().Run(model, model.Settings);
        double expected = 256 * 16 * 100 / 1.0;
        Assert.InRange(r.Events, expected * 0.97, expected * 1.01);
        Assert.InRange(r.Metric("remote") / r.Events, 0.24, 0.26);
    }

    [Property(MaxTest = 40)]
    public Property Shuffled_delivery_order_never_changes_the_digest(PositiveInt lpsSeed, NonNegativeInt shuffle, PositiveInt seed)
    {
        int lps = 1 + lpsSeed.Get % 60;
        var p = new PholdParameters(lps, 1 + seed.Get % 5, (seed.Get % 5) / 4.0, 1.0, 0.05 + (shuffle.Get % 10) / 10.0, 12, (ulong)seed.Get);
        var model = new PholdModel(p);
        var reference = new SequentialExecutor().Run(model, model.Settings);
        var shuffled = new WindowedExecutor(shuffle.Get).Run(model, model.Settings);
        return (reference.Digest == shuffled.Digest).Label($"lps={lps} shuffle={shuffle.Get} {p}");
    }
}

public class PholdParameterSpecs
{
    [Theory]
    [InlineData(0, 16, 0.25, 1.0, 0.1, "--lps must be at least 1")]
    [InlineData(8, 16, 0.25, 1.0, -0.1, "--lookahead must not be negative")]
    [InlineData(8, 16, 0.25, 1.0, 0.0, "--lookahead must be at least 1 µs")]
    [InlineData(8, 16, 0.25, 1.0, 1.5, "--lookahead (1.5) must not exceed --mean (1)")]
    [InlineData(8, 16, 1.5, 1.0, 0.1, "--remote must be within [0, 1]")]
    [InlineData(8, 16, -0.1, 1.0, 0.1, "--remote must be within [0, 1]")]
    [InlineData(8, 0, 0.25, 1.0, 0.1, "--population must be at least 1")]
    public void Bad_parameters_are_named(int lps, int pop, double remote, double mean, double la, string message)
    {
        var problem = new PholdParameters(lps, pop, remote, mean, la).Problem();
        Assert.NotNull(problem);
        Assert.StartsWith(message, problem);
        Assert.Throws<ArgumentException>(() => new PholdModel(new PholdParameters(lps, pop, remote, mean, la)));
    }
}
