using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios.Tests;

/// <summary><see cref="TraceSynth"/> and the shipped scenarios/traces/synthetic-conversation.csv: lognormal lengths
/// fitted to the Azure 2023 traces' medians and p90s [K102], Poisson arrivals, deterministic per seed.</summary>
public class TraceSynthSpecs
{
    private static string Shipped => Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "traces", "synthetic-conversation.csv");

    private static void Near(double target, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual / target - 1) <= tolerance, $"{what}: {actual:0.###}, target {target} ± {tolerance:P0}");

    [Theory]
    [InlineData(TraceKind.Conversation, 1020, 2734, 129, 424)]
    [InlineData(TraceKind.Code, 1469, 5188, 13, 55)]
    public void The_fit_has_exactly_the_facts_median_and_p90(TraceKind kind, double promptMedian, double promptP90, double outputMedian, double outputP90)
    {
        var (context, generated) = TraceSynth.LengthsOf(kind);
        Assert.Equal(Math.Log(promptMedian), context.Mu, 12);
        Assert.Equal(Math.Log(promptP90 / promptMedian) / 1.2815515655446004, context.Sigma, 12);
        Assert.Equal(promptMedian, context.Median, 9);
        Assert.Equal(promptP90, context.P90, 9);
        Assert.Equal(outputMedian, generated.Median, 9);
        Assert.Equal(outputP90, generated.P90, 9);
    }

    [Fact]
    public void The_shipped_trace_is_what_the_generator_writes_for_seed_1_at_5_per_second()
    {
        var text = File.ReadAllText(Shipped);
        Assert.Equal(TraceFile.Write(TraceSynth.Generate(TraceKind.Conversation, 2000, 5, seed: 1)), text);
    }

    [Fact]
    public void The_shipped_traces_statistics_are_within_10_percent_of_the_targets()
    {
        // 2,000 rows. In log space a lognormal's sample median has a standard error of σ·√(π/2)/√n ≈ 0.028σ and its
        // sample p90 √(0.09/n)/φ(1.2816)·σ ≈ 0.038σ; with σ = 0.77 (prompts) and 0.93 (outputs) that is at most 2.6 %
        // and 3.5 %, so ±10 % is ≥ 2.8 standard errors for every quantity. The file is fixed (seed 1), so the check is
        // deterministic; what it catches is a wrong fit: leaving out the 1.2816 divisor moves the conversation p90s by +32 % (prompts)
        // to +40 % (outputs), and a mean arrival rate off by a factor shows in the rate (its standard error is 2.2 %).
        var s = TraceFile.Load(Shipped).Stats;
        Assert.Equal(2000, s.Count);
        Near(5, s.MeanRatePerSecond, 0.10, "rate per s");
        Near(1020, s.Context.Median, 0.10, "prompt median");
        Near(2734, s.Context.P90, 0.10, "prompt p90");
        Near(129, s.Generated.Median, 0.10, "output median");
        Near(424, s.Generated.P90, 0.10, "output p90");
    }

    [Theory]
    [InlineData(TraceKind.Conversation, 1020, 2734, 129, 424)]
    [InlineData(TraceKind.Code, 1469, 5188, 13, 55)]
    public void A_long_synthetic_trace_matches_the_targets_within_5_percent(TraceKind kind, double promptMedian, double promptP90, double outputMedian, double outputP90)
    {
        // 20,000 rows: the standard errors above shrink by √10, to ≤ 1.4 % (p90 of code outputs, σ = 1.13), so ±5 % is
        // ≥ 3.5 standard errors. Rounding to whole tokens moves the code outputs' median (13) and p90 (55) by < 1 %.
        var s = TraceSynth.Generate(kind, 20_000, 5, seed: 2).Stats;
        Near(promptMedian, s.Context.Median, 0.05, $"{kind} prompt median");
        Near(promptP90, s.Context.P90, 0.05, $"{kind} prompt p90");
        Near(outputMedian, s.Generated.Median, 0.05, $"{kind} output median");
        Near(outputP90, s.Generated.P90, 0.05, $"{kind} output p90");
        Near(5, s.MeanRatePerSecond, 0.05, $"{kind} rate");
        Assert.All(TraceSynth.Generate(kind, 2_000, 5, seed: 2).Rows, r => Assert.True(r.ContextTokens >= 1 && r.GeneratedTokens >= 1));
    }

    [Fact]
    public void A_seed_gives_one_trace_a_longer_trace_extends_it_and_the_rate_only_moves_the_timestamps()
    {
        var a = TraceSynth.Generate(TraceKind.Code, 1000, 2, seed: 5);
        Assert.Equal(a, TraceSynth.Generate(TraceKind.Code, 1000, 2, seed: 5));
        Assert.NotEqual(a, TraceSynth.Generate(TraceKind.Code, 1000, 2, seed: 6));
        var longer = TraceSynth.Generate(TraceKind.Code, 3000, 2, seed: 5);
        Assert.Equal(a.Rows, longer.Rows.Take(1000));

        // At twice the rate every gap halves (each gap is rounded to 100 ns on its own, so offsets differ by < 1 µs per
        // row: at most 0.1 ms here); the lengths are the same draws.
        var faster = TraceSynth.Generate(TraceKind.Code, 1000, 4, seed: 5);
        Assert.Equal(a.Rows.Select(r => (r.ContextTokens, r.GeneratedTokens)), faster.Rows.Select(r => (r.ContextTokens, r.GeneratedTokens)));
        Assert.All(a.Rows.Zip(faster.Rows), p => Assert.InRange(p.Second.OffsetSeconds - p.First.OffsetSeconds / 2, -1e-4, 1e-4));
        Assert.Equal(a.DurationSeconds / 2, faster.DurationSeconds, 3);
    }

    [Fact]
    public void Kinds_are_parsed_by_name_only()
    {
        Assert.True(TraceSynth.TryParseKind("Conversation", out var k) && k == TraceKind.Conversation);
        Assert.True(TraceSynth.TryParseKind("code", out k) && k == TraceKind.Code);
        Assert.False(TraceSynth.TryParseKind("1", out _));
        Assert.False(TraceSynth.TryParseKind("chat", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => TraceSynth.Generate(TraceKind.Code, 0, 5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TraceSynth.Generate(TraceKind.Code, 10, 0, 1));
    }
}
