using GridActors.Kernel;
using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios.Tests;

/// <summary><see cref="TraceSampler"/> (resample mode) and <see cref="TraceReplay"/> (replay mode): deterministic per
/// seed, faithful to the trace's lengths, in order and wrapping.</summary>
public class TraceSamplerSpecs
{
    private static readonly Trace Synthetic = TraceSynth.Generate(TraceKind.Conversation, 2000, 5, seed: 3);

    [Fact]
    public void Resampling_reproduces_the_traces_mean_lengths_over_many_draws()
    {
        // 200,000 draws: the standard error of a mean of draws is sd/√n, about 0.2 % of the mean for these lengths
        // (coefficient of variation ≈ 0.9 for prompts, 1.1 for outputs), so ±1 % is about 5 standard errors.
        var sampler = Synthetic.Sampler();
        var rng = Rng.FromSeed(11);
        const int draws = 200_000;
        double context = 0, generated = 0;
        for (int i = 0; i < draws; i++)
        {
            var (c, g) = sampler.Draw(rng);
            context += c;
            generated += g;
        }
        Assert.InRange(context / draws, Synthetic.Stats.Context.Mean * 0.99, Synthetic.Stats.Context.Mean * 1.01);
        Assert.InRange(generated / draws, Synthetic.Stats.Generated.Mean * 0.99, Synthetic.Stats.Generated.Mean * 1.01);
    }

    [Fact]
    public void Every_draw_is_a_row_of_the_trace_and_the_rows_are_drawn_uniformly()
    {
        // Four distinct pairs, 40,000 draws: each expected 10,000 times with sd √(40,000·¼·¾) ≈ 87; ±500 is > 5 sd.
        var rows = new[] { new TraceRow(0, 1, 10), new TraceRow(1, 2, 20), new TraceRow(2, 3, 30), new TraceRow(3, 4, 40) };
        var sampler = new TraceSampler(rows);
        var rng = Rng.ForEntity(1, "user/europe");
        var counts = new Dictionary<(int, int), int>();
        for (int i = 0; i < 40_000; i++)
        {
            var pair = sampler.Draw(rng);
            counts[pair] = counts.GetValueOrDefault(pair) + 1;
        }
        Assert.Equal(rows.Select(r => (r.ContextTokens, r.GeneratedTokens)).Order(), counts.Keys.Order());
        Assert.All(counts.Values, n => Assert.InRange(n, 9_500, 10_500));
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws_and_another_seed_other_draws()
    {
        var sampler = Synthetic.Sampler();
        List<(int, int)> Draws(ulong seed)
        {
            var rng = Rng.ForEntity(seed, "user/asia");
            return [.. Enumerable.Range(0, 1000).Select(_ => sampler.Draw(rng))];
        }
        Assert.Equal(Draws(7), Draws(7));
        Assert.NotEqual(Draws(7), Draws(8));
    }

    [Fact]
    public void Replay_yields_the_rows_in_order_then_wraps_shifted_by_the_duration_plus_one_mean_gap()
    {
        // Three rows over 4 s: the mean gap is 2 s, so the period is 6 s and the replayed rate stays 0.5 per s.
        TraceRow[] rows = [new(0, 10, 1), new(1, 20, 2), new(4, 30, 3)];
        var replay = new TraceReplay(rows);
        Assert.Equal(6, replay.PeriodSeconds);
        Assert.Equal(6, new Trace(rows).ReplayPeriodSeconds);
        var got = Enumerable.Range(0, 8).Select(_ => replay.Next()).ToList();
        Assert.Equal([0, 1, 4, 6, 7, 10, 12, 13], got.Select(r => r.OffsetSeconds));
        Assert.Equal([10, 20, 30, 10, 20, 30, 10, 20], got.Select(r => r.ContextTokens));
        Assert.Equal([1, 2, 3, 1, 2, 3, 1, 2], got.Select(r => r.GeneratedTokens));
        Assert.Equal(8, replay.Position);
        Assert.Equal(2, replay.Cycle);
        Assert.Equal(new TraceRow(16, 30, 3), replay.Peek());
        Assert.Equal(8, replay.Position); // Peek does not move the cursor
    }

    [Fact]
    public void A_replay_rebuilt_from_its_position_continues_where_it_stopped()
    {
        var first = Synthetic.Sampler().Replay();
        for (int i = 0; i < 2_345; i++) first.Next();
        var resumed = new TraceReplay(Synthetic.Rows, first.Position);
        for (int i = 0; i < 3_000; i++) Assert.Equal(first.Next(), resumed.Next());
    }

    [Fact]
    public void Replaying_a_real_sized_trace_gives_its_rows_exactly_then_later_copies_in_time_order()
    {
        var rows = Synthetic.Rows;
        int n = rows.Count;
        var replay = Synthetic.Sampler().Replay();
        var got = Enumerable.Range(0, 3 * n).Select(_ => replay.Next()).ToList();
        Assert.Equal(rows, got.Take(n));
        for (int i = 1; i < got.Count; i++) Assert.True(got[i].OffsetSeconds >= got[i - 1].OffsetSeconds, $"row {i} goes back in time");
        // Between cycles: one mean gap; the third cycle's rows are the trace's shifted by two periods.
        double meanGap = Synthetic.DurationSeconds / (n - 1);
        Assert.Equal(meanGap, got[n].OffsetSeconds - got[n - 1].OffsetSeconds, 9);
        Assert.Equal(rows.Select(r => r.OffsetSeconds + 2 * replay.PeriodSeconds), got.Skip(2 * n).Select(r => r.OffsetSeconds));
    }

    [Fact]
    public void A_trace_without_a_period_cannot_be_replayed_but_can_be_resampled()
    {
        var one = new[] { new TraceRow(0, 5, 6) };
        Assert.Contains("at least two rows", Assert.Throws<ArgumentException>(() => new TraceReplay(one)).Message);
        var instant = new[] { new TraceRow(0, 5, 6), new TraceRow(0, 7, 8) };
        Assert.Contains("duration is 0", Assert.Throws<ArgumentException>(() => new TraceReplay(instant)).Message);
        Assert.Equal((5, 6), new TraceSampler(one).Draw(Rng.FromSeed(1)));
        Assert.Throws<ArgumentException>(() => new TraceSampler([]));
        Assert.Throws<ArgumentException>(() => new TraceReplay([new TraceRow(0, 1, 1), new TraceRow(2, 1, 1), new TraceRow(1, 1, 1)]));
    }
}
