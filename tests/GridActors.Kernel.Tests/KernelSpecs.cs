using GridActors.Kernel;
using GridActors.TestSupport;

namespace GridActors.Kernel.Tests;

public class EventOrderSpecs
{
    [Fact]
    public void Simultaneous_events_are_handled_in_source_then_sequence_order_at_exact_times()
    {
        var model = new FanInModel(senders: 5, rounds: 3, delayMicros: 250_000, lookaheadMicros: 100_000);
        var result = new SequentialExecutor().Run(model, new RunSettings(7, new SimTime(1_000_000)));

        var log = model.Created[0]!.Log;
        Assert.Equal(18, log.Count);
        Assert.All(log, e => Assert.Equal(250_000, e.Time));
        // Source 0 (the sink's own events) first, then sources 1..5, each source's sends in sequence order.
        int[] expected = [-1, -1, -1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5];
        Assert.Equal(expected, log.Select(e => e.Payload).ToArray());
        Assert.Equal(18, result.Metric("received"));
    }

    [Fact]
    public void Windowed_execution_with_shuffled_delivery_hands_the_sink_the_same_sequence()
    {
        var reference = new FanInModel(7, 4, 300_000, 100_000);
        new SequentialExecutor().Run(reference, new RunSettings(1, new SimTime(1_000_000)));
        for (int shuffle = 0; shuffle < 10; shuffle++)
        {
            var model = new FanInModel(7, 4, 300_000, 100_000);
            new WindowedExecutor(shuffle).Run(model, new RunSettings(1, new SimTime(1_000_000)));
            Assert.Equal(reference.Created[0]!.Log, model.Created[0]!.Log);
        }
    }

    [Fact]
    public void Events_at_or_after_the_end_are_not_committed()
    {
        var model = new FanInModel(3, 2, 500_000, 100_000);
        var atEnd = new SequentialExecutor().Run(model, new RunSettings(1, new SimTime(500_000)));
        Assert.Equal(0, atEnd.Events);
        var after = new SequentialExecutor().Run(new FanInModel(3, 2, 500_000, 100_000), new RunSettings(1, new SimTime(500_001)));
        Assert.Equal(8, after.Events);
        Assert.NotEqual(atEnd.Digest, after.Digest);
    }

    [Fact]
    public void Event_heap_pops_in_total_key_order()
    {
        var rng = Rng.FromSeed(3);
        var heap = new EventHeap();
        var all = new List<SimEvent>();
        for (int i = 0; i < 5000; i++)
        {
            var e = new SimEvent(rng.NextInt(50), rng.NextInt(20), i, 0, i % 3 == 0 ? i : null);
            heap.Push(e);
            all.Add(e);
        }
        var popped = new List<SimEvent>();
        while (heap.Count > 0) popped.Add(heap.Pop());
        var sorted = all.OrderBy(e => e.Time).ThenBy(e => e.Source).ThenBy(e => e.Sequence).ToList();
        Assert.Equal(sorted.Select(e => (e.Time, e.Order, e.Payload)), popped.Select(e => (e.Time, e.Order, e.Payload)));
    }
}

public class RngSpecs
{
    private static ulong[] Draw(Rng r, int n) => Enumerable.Range(0, n).Select(_ => r.NextUInt64()).ToArray();

    [Fact]
    public void Streams_depend_only_on_seed_and_entity_key_not_on_creation_order()
    {
        string[] keys = ["plant/gansu-solar", "hub/ningxia", "cable/sjc2", "lp/0", "lp/1"];
        var forward = keys.ToDictionary(k => k, k => Rng.ForEntity(42, k));
        var backward = keys.Reverse().ToDictionary(k => k, k => Rng.ForEntity(42, k));
        // Interleave draws differently too.
        var a = keys.ToDictionary(k => k, k => Draw(forward[k], 100));
        var b = new Dictionary<string, ulong[]>();
        foreach (var k in keys.Reverse()) b[k] = Draw(backward[k], 100);
        foreach (var k in keys) Assert.Equal(a[k], b[k]);
    }

    [Fact]
    public void Different_entities_and_seeds_get_different_streams()
    {
        var x = Draw(Rng.ForEntity(42, "lp/0"), 8);
        Assert.NotEqual(x, Draw(Rng.ForEntity(42, "lp/1"), 8));
        Assert.NotEqual(x, Draw(Rng.ForEntity(43, "lp/0"), 8));
        Assert.Equal(x, Draw(Rng.ForEntity(42, "lp/0"), 8));
    }

    [Fact]
    public void Uniform_and_exponential_draws_have_the_right_moments()
    {
        var r = Rng.FromSeed(9);
        double sum = 0, sumExp = 0;
        int n = 200_000;
        var counts = new int[10];
        for (int i = 0; i < n; i++)
        {
            sum += r.NextDouble();
            sumExp += r.NextExponential(2.5);
            counts[r.NextInt(10)]++;
        }
        Assert.InRange(sum / n, 0.495, 0.505);
        Assert.InRange(sumExp / n, 2.47, 2.53);
        Assert.All(counts, c => Assert.InRange(c, n / 10 * 0.97, n / 10 * 1.03));
    }

    [Fact]
    public void A_saved_stream_continues_identically()
    {
        var r = Rng.ForEntity(5, "hub/x");
        Draw(r, 10);
        using var ms = new MemoryStream();
        r.Save(new BinaryWriter(ms));
        ms.Position = 0;
        var copy = Rng.Load(new BinaryReader(ms));
        Assert.Equal(Draw(r, 50), Draw(copy, 50));
    }
}

public class LookaheadSpecs
{
    [Theory]
    [InlineData("sequential")]
    [InlineData("windowed")]
    public void A_send_below_the_channel_lookahead_fails_naming_sender_target_delay_and_lookahead(string executor)
    {
        var model = new TooFastModel(delayMicros: 999, lookaheadMicros: 1000);
        var settings = new RunSettings(1, new SimTime(1_000_000));
        var ex = Assert.Throws<LookaheadViolationException>(() =>
        {
            if (executor == "sequential") new SequentialExecutor().Run(model, settings);
            else new WindowedExecutor().Run(model, settings);
        });
        Assert.Contains("plant/west", ex.Message);
        Assert.Contains("hub/east", ex.Message);
        Assert.Contains("999 µs", ex.Message);
        Assert.Contains("1000 µs", ex.Message);
        Assert.Contains("uhv", ex.Message);
    }

    [Fact]
    public void A_send_at_exactly_the_lookahead_is_accepted()
    {
        var result = new SequentialExecutor().Run(new TooFastModel(1000, 1000), new RunSettings(1, new SimTime(1_000_000)));
        Assert.Equal(2, result.Events);
    }

    [Fact]
    public void A_non_positive_channel_lookahead_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SequentialExecutor().Run(new TooFastModel(10, 0), new RunSettings(1, new SimTime(10))));
        Assert.Contains("lookahead must be positive", ex.Message);
    }
}

public class StateSpecs
{
    [Fact]
    public void Entity_state_and_pending_events_round_trip_through_a_snapshot()
    {
        var model = new FanInModel(3, 2, 200_000, 100_000);
        var settings = new RunSettings(11, new SimTime(1_000_000));
        var host = new EntityHost(model, 0, settings);
        var outgoing = new List<SimEvent>();
        host.Init(outgoing);
        host.Pending.Push(new SimEvent(300_000, 2, 0, 0, 2));
        host.Pending.Push(new SimEvent(300_000, 1, 0, 0, 1));
        host.RunUntil(250_000, outgoing);
        Assert.Equal(2, host.EventsHandled);

        using var ms = new MemoryStream();
        host.Save(new BinaryWriter(ms));
        ms.Position = 0;
        var restored = new EntityHost(new FanInModel(3, 2, 200_000, 100_000), 0, settings);
        restored.Load(new BinaryReader(ms));

        Assert.Equal(host.StateHash(), restored.StateHash());
        var o1 = new List<SimEvent>();
        var o2 = new List<SimEvent>();
        host.RunUntil(1_000_000, o1);
        restored.RunUntil(1_000_000, o2);
        Assert.Equal(host.StateHash(), restored.StateHash());
        Assert.Equal(4, restored.EventsHandled);
    }

    [Fact]
    public void A_snapshot_of_another_entity_is_refused()
    {
        var model = new FanInModel(2, 1, 200_000, 100_000);
        var settings = new RunSettings(1, new SimTime(1));
        using var ms = new MemoryStream();
        new EntityHost(model, 1, settings).Save(new BinaryWriter(ms));
        ms.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => new EntityHost(model, 2, settings).Load(new BinaryReader(ms)));
        Assert.Contains("src/1", ex.Message);
    }
}

public class CalendarQueueSpecs
{
    [Theory]
    [InlineData(1, 10, 64)]          // tiny slots, dense ties
    [InlineData(100, 100_000, 64)]   // events far beyond the ring (overflow)
    [InlineData(7, 5_000, 128)]
    [InlineData(1, 1_000_000, 1024)] // sparse: most buckets empty
    public void Pops_in_exactly_the_order_of_one_heap_under_interleaved_pushes(long width, int spread, int buckets)
    {
        var rng = Rng.FromSeed((ulong)(width * 31 + spread));
        var cq = new CalendarQueue(width, buckets);
        var heap = new EventHeap();
        long now = 0;
        int seq = 0;
        for (int i = 0; i < 300; i++)
        {
            var e = new SimEvent(rng.NextInt(spread), rng.NextInt(8), seq++, 0, i);
            cq.Push(e);
            heap.Push(e);
        }
        for (int step = 0; step < 20_000 && heap.Count > 0; step++)
        {
            Assert.Equal(heap.Count, cq.Count);
            Assert.Equal(heap.MinTime, cq.MinTime);
            var a = heap.Pop();
            var b = cq.Pop();
            Assert.Equal((a.Time, a.Order, a.Payload), (b.Time, b.Order, b.Payload));
            Assert.True(a.Time >= now);
            now = a.Time;
            int children = step < 15_000 ? rng.NextInt(3) : 0;
            for (int c = 0; c < children; c++)
            {
                long delay = rng.NextInt(4) == 0 ? 0 : rng.NextInt(spread); // zero-delay self events too
                var e = new SimEvent(now + delay, rng.NextInt(8), seq++, 0, null);
                cq.Push(e);
                heap.Push(e);
            }
        }
        Assert.Equal(0, cq.Count);
        Assert.Equal(long.MaxValue, cq.MinTime);
    }
}
