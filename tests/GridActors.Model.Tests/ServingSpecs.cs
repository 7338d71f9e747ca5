using GridActors.Kernel;
using GridActors.Model.Serving;
using GridActors.Model.SupplyChain;
using Xunit.Abstractions;

namespace GridActors.Model.Tests;

/// <summary>The serving core: continuous batching on a replica (<see cref="ReplicaEngine"/>) and request lengths
/// (<see cref="LengthDistribution"/>), checked against queueing theory, their own invariants and a request-by-request run.</summary>
public class ServingSpecs(ITestOutputHelper output)
{
    private static readonly ReplicaSpec Llama70bOn8xH100 = new() { WeightsGB = 140 };

    [Fact]
    public void Normal_quantiles_and_lognormal_lengths_match_their_definitions()
    {
        Assert.Equal(0, Normal.Quantile(0.5), 9);
        Assert.Equal(LengthDistribution.Z90, Normal.Quantile(0.9), 1e-8);
        Assert.Equal(-2.3263478740408408, Normal.Quantile(0.01), 1e-8);
        Assert.Equal(3.090232306167813, Normal.Quantile(0.999), 1e-8);
        var prompt = new LengthDistribution(1020, 2734);      // Azure conversation trace [K102]
        Assert.Equal(1020, prompt.Quantile(0.5), 1e-6);
        Assert.Equal(2734, prompt.Quantile(0.9), 1e-3);
        var strata = prompt.Stratified(1000);
        Assert.Equal(prompt.Mean, strata.Average(), prompt.Mean * 0.01);
        Assert.True(strata.Zip(strata.Skip(1)).All(p => p.First <= p.Second));
    }

    /// <summary>Serves <paramref name="requests"/> on a fresh engine and returns what became of each, in order of arrival.</summary>
    private static List<ServedRequest> Serve(ReplicaEngine replica, IEnumerable<ReplicaRequest> requests, long until)
    {
        foreach (var r in requests) replica.Submit(r);
        var done = new List<ServedRequest>();
        replica.Advance(until, done);
        return done;
    }

    [Fact]
    public void A_replica_at_batch_one_with_a_fixed_iteration_matches_the_MD1_mean_wait()
    {
        // Batch size 1, a prompt of 10,000 tokens at 1 µs each (no fixed cost), one output token: each request holds the
        // replica for exactly 10 ms. Poisson arrivals at ρ = 0.7: Pollaczek–Khinchine for M/D/1 gives
        // Wq = ρ·D ÷ (2(1 − ρ)) = 11.667 ms.
        var spec = new ReplicaSpec { MaxBatch = 1, StepBaseMicros = 0, StepPerPrefillTokenMicros = 1, StepPerDecodeSequenceMicros = 0, WeightsGB = 0 };
        const double rho = 0.7, d = 10_000;
        var rng = Rng.FromSeed(42);
        double t = 0;
        var arrivals = new List<ReplicaRequest>();
        for (int k = 0; k < 300_000; k++)
        {
            t += rng.NextExponential(d / rho);
            arrivals.Add(new ReplicaRequest((long)Math.Round(t), new RequestShape(10_000, 0, 1), k, 0));
        }
        var done = Serve(new ReplicaEngine(spec) { MaxWaitMicros = long.MaxValue / 4 }, arrivals, (long)t + 1);
        Assert.Equal(arrivals.Count, done.Count);
        Assert.All(done, s => Assert.Equal(s.StartMicros + (long)d, s.EndMicros));
        double mean = done.Average(s => (double)(s.StartMicros - s.Request.ArrivalMicros)), expected = rho * d / (2 * (1 - rho));
        output.WriteLine($"M/D/1 mean wait {mean / 1000:0.000} ms vs {expected / 1000:0.000} ms over {done.Count} requests");
        Assert.InRange(mean, expected * 0.97, expected * 1.03);
    }

    [Fact]
    public void Decode_throughput_rises_with_concurrency_and_saturates()
    {
        var spec = Llama70bOn8xH100;
        double last = 0, ceiling = 1e6 / spec.StepPerDecodeSequenceMicros;
        for (int n = 1; n <= spec.MaxBatch; n *= 2)
        {
            // n requests at once (prefilled within the first second): the last joins a batch of n and decodes at n ÷ its time
            // per output token.
            var done = Serve(new ReplicaEngine(spec), Enumerable.Range(0, n).Select(i => new ReplicaRequest(0, new RequestShape(100, 0, 1000), i, 0)), 1_000_000);
            double tokensPerSecond = n / (done[^1].TpotMicros / 1e6);
            Assert.InRange(tokensPerSecond / spec.DecodeTokensPerSecond(n), 0.99, 1.0 + 1e-9);   // ≤ 1 %: the prefill load of the prompts before it
            Assert.True(tokensPerSecond > last, $"{tokensPerSecond} tok/s at {n} sequences after {last}");
            Assert.True(tokensPerSecond < ceiling);
            last = tokensPerSecond;
        }
        // Saturating: doubling from 128 to 256 sequences gains less than doubling from 1 to 2 did, in proportion.
        Assert.True(spec.DecodeTokensPerSecond(256) / spec.DecodeTokensPerSecond(128) < spec.DecodeTokensPerSecond(2) / spec.DecodeTokensPerSecond(1));
        Assert.True(spec.DecodeTokensPerSecond(100_000) > 0.95 * ceiling);
    }

    [Fact]
    public void The_kv_cache_and_the_batch_are_never_exceeded_and_requests_are_served_first_come_first_served()
    {
        var spec = Llama70bOn8xH100 with { WeightsGB = 600, MaxBatch = 64 };   // 40 GB of KV: ≈ 122,000 tokens
        var rng = Rng.FromSeed(7);
        var prompt = new LengthDistribution(6909, 27367);                     // Mooncake conversation prompts [K105]: long
        var requests = new List<ReplicaRequest>();
        double t = 0;
        for (int k = 0; k < 20_000; k++)
        {
            t += rng.NextExponential(20_000);
            requests.Add(new ReplicaRequest((long)t, new RequestShape(Math.Round(prompt.Draw(rng.NextDouble())), 0.3, 300), k, 0));
        }
        // Handed over shuffled and in pieces: the engine must still serve them in order of arrival.
        var replica = new ReplicaEngine(spec);
        var done = new List<ServedRequest>();
        foreach (var chunk in requests.Chunk(500))
        {
            foreach (var r in chunk.OrderBy(_ => rng.NextDouble())) replica.Submit(r);
            replica.Advance(chunk[^1].ArrivalMicros, done);
        }
        Assert.Equal(requests.Count, done.Count);
        Assert.Equal(requests.Select(r => r.Cohort).Order(), done.Select(s => s.Request.Cohort).Order());
        // First come, first served: in order of arrival, a request is prefilled in the same iteration as the one before it
        // or in a later one, which starts when that one's iteration has ended.
        var served = done.Where(s => !s.Dropped).OrderBy(s => s.Request.ArrivalMicros).ThenBy(s => s.Request.Cohort).ToList();
        int dropped = done.Count - served.Count, tooBig = done.Count(s => s.Request.Shape.KvTokens > spec.KvCapacityTokens);
        Assert.True(served.Zip(served.Skip(1)).All(p => p.First.StartMicros == p.Second.StartMicros
                ? p.First.FirstTokenMicros == p.Second.FirstTokenMicros
                : p.First.FirstTokenMicros <= p.Second.StartMicros),
            "prefill iterations overlap or run out of order");
        Assert.All(served, s => Assert.True(s.StartMicros >= s.Request.ArrivalMicros));
        // Sweep: at every admission the sequences running (admitted, not ended) fit the batch and the cache.
        var events = served.SelectMany(s => new[] { (At: s.StartMicros, Kind: 1, Kv: s.Request.Shape.KvTokens), (At: s.EndMicros, Kind: -1, Kv: s.Request.Shape.KvTokens) })
            .OrderBy(e => e.At).ThenBy(e => e.Kind).ToList();
        double kv = 0, maxKv = 0;
        int n = 0, maxN = 0;
        foreach (var e in events)
        {
            kv += e.Kind * e.Kv;
            n += e.Kind;
            maxKv = Math.Max(maxKv, kv);
            maxN = Math.Max(maxN, n);
        }
        output.WriteLine($"{served.Count} served, {dropped} dropped ({tooBig} never fit); peak {maxN} sequences, {maxKv:0} of {spec.KvCapacityTokens:0} KV tokens");
        Assert.True(maxKv <= spec.KvCapacityTokens * (1 + 1e-9));
        Assert.True(maxN <= spec.MaxBatch);
        Assert.True(maxKv > 0.8 * spec.KvCapacityTokens, "the test did not reach the cache's capacity");
        Assert.True(done.Where(s => s.Request.Shape.KvTokens > spec.KvCapacityTokens).All(s => s.Dropped));
    }

    [Fact]
    public void Energy_drawn_is_the_integral_of_the_phase_powers()
    {
        // One request alone: idle 10 s; 2,000 uncached prompt tokens and 101 output tokens; idle until the interval's end.
        var spec = Llama70bOn8xH100;
        const long interval = 300_000_000;
        var replica = new ReplicaEngine(spec, interval);
        long arrive = 10_000_000;
        var s = Serve(replica, [new ReplicaRequest(arrive, new RequestShape(2000, 0, 101), 1, 0)], interval)[0];
        double prefill = spec.StepBaseMicros + 2000 * spec.StepPerPrefillTokenMicros;          // 34,141 µs
        double decode = 100 * (spec.StepBaseMicros + spec.StepPerDecodeSequenceMicros);       // 100 tokens at batch 1
        Assert.Equal(arrive + prefill, s.FirstTokenMicros, 0);
        Assert.Equal(arrive + prefill + decode, s.EndMicros, 0);
        double expected = ((interval - prefill - decode) * spec.PowerW(false, 0) + prefill * spec.PowerW(true, 1) + decode * spec.PowerW(false, 1)) / 1e6;
        Assert.Equal(expected, replica.TakeEnergyJ(interval), 3);

        // Many requests over three intervals: the bins add up to a brute-force integral of the power over the timeline.
        var busy = new ReplicaEngine(spec, interval);
        var rng = Rng.FromSeed(3);
        var chat = new RequestClassSpec("chat") { CacheHit = 0.5 };
        var requests = new List<ReplicaRequest>();
        double t = 0;
        for (int k = 0; t < 2.5 * interval; k++)
        {
            t += rng.NextExponential(1e6 / 12);
            requests.Add(new ReplicaRequest((long)t, Cohorts.Request(chat, 99, k), k, 0));
        }
        var done = Serve(busy, requests, 3 * interval).Where(x => !x.Dropped).ToList();
        double billed = busy.TakeEnergyJ(interval) + busy.TakeEnergyJ(2 * interval) + busy.TakeEnergyJ(3 * interval);
        Assert.True(done.Max(x => x.EndMicros) < 3 * interval);
        var cuts = done.SelectMany(x => new[] { x.StartMicros, x.FirstTokenMicros, x.EndMicros }).Append(0).Append(3 * interval).Distinct().Order().ToArray();
        double integral = 0;
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            long a = cuts[i], b = cuts[i + 1];
            long mid = a + (b - a) / 2;
            int running = done.Count(x => x.StartMicros <= mid && mid < x.EndMicros);
            bool prefilling = done.Any(x => x.StartMicros <= mid && mid < x.FirstTokenMicros);
            integral += (b - a) * spec.PowerW(prefilling, running) / 1e6;
        }
        output.WriteLine($"{done.Count} requests: billed {billed / 3.6e6:0.0000} kWh, integral {integral / 3.6e6:0.0000} kWh");
        Assert.InRange(billed / integral, 0.999, 1.001);
    }

    [Fact]
    public void A_cohort_is_drawn_from_its_key_alone_and_stands_for_the_next_requests_of_the_poisson_process()
    {
        var c = new RequestClassSpec("chat") { CacheHit = 0.4 };
        Assert.Equal(Cohorts.SpanMicros(Cohorts.Key(1, 5, 42), 16, 20), Cohorts.SpanMicros(Cohorts.Key(1, 5, 42), 16, 20));
        Assert.NotEqual(Cohorts.SpanMicros(Cohorts.Key(1, 5, 42), 16, 20), Cohorts.SpanMicros(Cohorts.Key(1, 5, 43), 16, 20));
        Assert.NotEqual(Cohorts.Key(1, 5, 42), Cohorts.Key(2, 5, 42));
        Assert.Equal(Cohorts.Request(c, 7, 3), Cohorts.Request(c, 7, 3));
        Assert.NotEqual(Cohorts.Request(c, 7, 3), Cohorts.Request(c, 7, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cohorts.SpanMicros(1, 0, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cohorts.SpanMicros(1, 16, 0));
        // Over many cohorts a span is 16 exponential gaps: mean 16 ÷ 20 s = 0.8 s, variance 16 ÷ 20² s² (sd of the mean of
        // 20,000: 0.2 %); a cohort of one is one exponential gap (mean 50 ms, variance its square).
        foreach (var (size, mean) in new[] { (16, 0.8e6), (1, 0.05e6) })
        {
            var spans = Enumerable.Range(0, 20_000).Select(i => (double)Cohorts.SpanMicros(Cohorts.Key(3, 0, i), size, 20)).ToArray();
            double m = spans.Average(), variance = spans.Average(x => (x - m) * (x - m));
            Assert.InRange(m, mean * 0.99, mean * 1.01);
            Assert.InRange(variance, mean * mean / size * 0.95, mean * mean / size * 1.05);
        }
        // The requests' lengths follow the class's lognormals (medians within 2 % over 20,000 draws), cache hits as given.
        var draws = Enumerable.Range(0, 20_000).Select(i => Cohorts.Request(c, 11, i)).ToArray();
        Assert.InRange(Median(draws.Select(r => r.PromptTokens)) / c.PromptMedian, 0.98, 1.02);
        Assert.InRange(Median(draws.Select(r => r.OutputTokens)) / c.OutputMedian, 0.98, 1.02);
        Assert.All(draws, r => Assert.Equal(0.4, r.CachedShare));
        var (input, cached, outTokens) = Cohorts.Tokens(c, 1000);
        Assert.Equal(1000 * c.Prompt.Mean, input, 6);
        Assert.Equal(0.4 * input, cached, 6);
        Assert.Equal(1000 * c.Output.Mean, outTokens, 6);
    }

    [Fact]
    public void Gamma_draws_have_the_mean_and_variance_of_their_shape()
    {
        var rng = Rng.FromSeed(5);
        foreach (int k in new[] { 1, 2, 7, 100, 999, 1000, 5000, 30_000 })
        {
            var x = Enumerable.Range(0, 40_000).Select(_ => Cohorts.Gamma(k, rng)).ToArray();
            double mean = x.Average(), variance = x.Average(v => (v - mean) * (v - mean));
            Assert.InRange(mean / k, 0.98, 1.02);
            Assert.InRange(variance / k, 0.95, 1.05);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

/// <summary>Live KV admission and the low-load time to first token.</summary>
public class ServingAdmissionSpecs(ITestOutputHelper output)
{
    [Fact]
    public void Live_admission_fits_each_prompt_beside_what_the_running_sequences_hold_and_admits_more_than_reserving()
    {
        // Long outputs on a small cache: reserving each whole output caps the batch well below what the cache holds live.
        var reserve = new ReplicaSpec { WeightsGB = 600, MaxBatch = 4096 };                    // 40 GB of KV: ≈ 122,000 tokens
        var live = reserve with { KvAdmission = KvAdmission.Live };
        var rng = Rng.FromSeed(9);
        var requests = new List<ReplicaRequest>();
        double t = 0;
        for (int k = 0; k < 4_000; k++)
        {
            t += rng.NextExponential(25_000);
            requests.Add(new ReplicaRequest((long)t, new RequestShape(2000, 0.5, 1 + Math.Round(rng.NextExponential(2000))), k, 0));
        }
        (List<ServedRequest> Done, ReplicaEngine Engine) Run(ReplicaSpec spec)
        {
            var e = new ReplicaEngine(spec) { MaxWaitMicros = long.MaxValue / 4 };
            foreach (var r in requests) e.Submit(r);
            var done = new List<ServedRequest>();
            e.Advance((long)t + 3_600_000_000, done);
            return (done.Where(x => !x.Dropped).ToList(), e);
        }
        var (reserved, _) = Run(reserve);
        var (admitted, engine) = Run(live);
        // Sweep the live one: at each admission, the prompts of the sequences running plus what they had generated by then
        // (one token per TPOT from the first) leave room for the new prompt.
        foreach (var s in admitted.Where((_, i) => i % 97 == 0))
        {
            double held = admitted.Where(x => x.StartMicros < s.StartMicros && x.EndMicros > s.StartMicros)
                .Sum(x => x.Request.Shape.PromptTokens + Math.Max(0, (s.StartMicros - x.FirstTokenMicros) / x.TpotMicros));
            Assert.True(held + s.Request.Shape.PromptTokens <= live.KvCapacityTokens * 1.001, $"{held:0} + {s.Request.Shape.PromptTokens} > {live.KvCapacityTokens:0}");
        }
        int PeakBatch(List<ServedRequest> d) => d.SelectMany(x => new[] { (x.StartMicros, 1), (x.EndMicros, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2)
            .Aggregate((n: 0, max: 0), (a, e) => (a.n + e.Item2, Math.Max(a.max, a.n + e.Item2))).max;
        double meanWait(List<ServedRequest> d) => d.Average(x => (double)(x.StartMicros - x.Request.ArrivalMicros)) / 1000;
        output.WriteLine($"reserve: peak batch {PeakBatch(reserved)}, mean wait {meanWait(reserved):0} ms; live: peak batch {PeakBatch(admitted)}, mean wait {meanWait(admitted):0} ms, peak KV use {engine.PeakKvShare:P1}");
        Assert.True(PeakBatch(admitted) > 1.3 * PeakBatch(reserved));
        Assert.True(meanWait(admitted) < meanWait(reserved));
        Assert.InRange(engine.PeakKvShare, 0.5, 1.2);
    }
}

/// <summary>Power capping [A2]: lower clocks before fewer replicas.</summary>
public class PowerCapSpecs
{
    [Fact]
    public void A_capped_replica_takes_6_5_percent_longer_for_23_percent_less_energy_above_idle()
    {
        var spec = new ReplicaSpec { WeightsGB = 140 };
        const long interval = 300_000_000;
        (ServedRequest S, double AboveIdleJ) Run(bool capped)
        {
            var e = new ReplicaEngine(spec, interval);
            if (capped) e.SetCap(HubReplicas.CapTimeScale, HubReplicas.CapEnergyScale / HubReplicas.CapTimeScale);
            e.Submit(new ReplicaRequest(1_000_000, new RequestShape(2000, 0, 200), 1, 0));
            var done = new List<ServedRequest>();
            e.Advance(interval, done);
            return (done[0], e.TakeEnergyJ(interval) - spec.PowerW(false, 0) * interval / 1e6);
        }
        var (free, freeJ) = Run(false);
        var (cap, capJ) = Run(true);
        Assert.Equal(1.065, (double)cap.TtftMicros / free.TtftMicros, 3);
        Assert.Equal(1.065, cap.TpotMicros / free.TpotMicros, 9);
        Assert.Equal(0.77, capJ / freeJ, 3);
    }

    [Fact]
    public void Under_a_shortfall_a_hub_caps_power_first_and_sheds_replicas_only_when_the_capped_draw_still_exceeds_the_grant()
    {
        var spec = ServingHubSpecs.SmallOnReplicas(cohort: 16, replicas: 10, simulated: 2);
        var model = new SupplyChainModel(spec);
        var hub = new HubReplicas(model, spec.Hubs[1]);
        var acc = spec.Accelerators[0].Replica;
        double idle = 10 * acc.PowerW(false, 0) / 1e6 * spec.Hubs[1].Pue, demand = 3 * idle;
        double capped = idle + (demand - idle) * HubReplicas.CapEnergyScale / HubReplicas.CapTimeScale;
        Assert.Equal(10, hub.Grant(0, demand, demand));
        Assert.False(hub.Capped);
        Assert.Equal(10, hub.Grant(0, capped * 1.01, demand));        // short, but the cap covers it: every replica, capped
        Assert.True(hub.Capped);
        Assert.Equal(5, hub.Grant(0, capped * 0.5, demand));          // the capped draw is still too much: half the replicas
        Assert.True(hub.Capped);
        Assert.Equal(10, hub.Grant(0, demand, demand));
        Assert.False(hub.Capped);
    }
}
