using GridActors.Kernel;
using GridActors.Model.Serving;
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

    [Fact]
    public void A_replica_at_batch_one_with_a_fixed_iteration_matches_the_MD1_mean_wait()
    {
        // Batch size 1, nothing to prefill, one output token: each request holds the replica for exactly β₀ = 10 ms.
        // Poisson arrivals at ρ = 0.7: Pollaczek–Khinchine for M/D/1 gives Wq = ρ·D ÷ (2(1 − ρ)) = 11.667 ms.
        var spec = new ReplicaSpec { MaxBatch = 1, StepBaseMicros = 10_000, StepPerPrefillTokenMicros = 0, StepPerDecodeSequenceMicros = 0, WeightsGB = 0 };
        const double rho = 0.7, d = 10_000;
        var rng = Rng.FromSeed(42);
        var replica = new ReplicaEngine(spec);
        double t = 0, waits = 0;
        long busyUntil = 0, id = 0;
        int n = 0;
        var served = new ServedRequest[1];
        RequestShape[] one = [new RequestShape(0, 0, 1)];
        for (int k = 0; k < 300_000; k++)
        {
            t += rng.NextExponential(d / rho);
            long arrival = (long)Math.Round(t);
            long start = Math.Max(arrival, busyUntil);          // FIFO: after the request before it
            if (id > 0) replica.Release(id - 1, busyUntil);
            busyUntil = replica.Admit(id++, one, start, served);
            Assert.Equal(start + (long)d, served[0].FinishMicros);
            waits += start - arrival;
            n++;
        }
        double mean = waits / n, expected = rho * d / (2 * (1 - rho));
        output.WriteLine($"M/D/1 mean wait {mean / 1000:0.000} ms vs {expected / 1000:0.000} ms over {n} requests");
        Assert.InRange(mean, expected * 0.97, expected * 1.03);
    }

    [Fact]
    public void Decode_throughput_rises_with_concurrency_and_saturates()
    {
        var spec = Llama70bOn8xH100;
        double last = 0, ceiling = 1e6 / spec.StepPerDecodeSequenceMicros;
        var served = new ServedRequest[spec.MaxBatch];
        for (int n = 1; n <= spec.MaxBatch; n *= 2)
        {
            var replica = new ReplicaEngine(spec);
            var cohort = Enumerable.Repeat(new RequestShape(100, 0, 1000), n).ToArray();
            replica.Admit(1, cohort, 0, served);
            double tokensPerSecond = n / (served[0].TpotMicros / 1e6);
            Assert.Equal(spec.DecodeTokensPerSecond(n), tokensPerSecond, 6);
            Assert.True(tokensPerSecond > last, $"{tokensPerSecond} tok/s at {n} sequences after {last}");
            Assert.True(tokensPerSecond < ceiling);
            last = tokensPerSecond;
        }
        // Saturating: doubling from 128 to 256 sequences gains less than doubling from 1 to 2 did, in proportion.
        Assert.True(spec.DecodeTokensPerSecond(256) / spec.DecodeTokensPerSecond(128) < spec.DecodeTokensPerSecond(2) / spec.DecodeTokensPerSecond(1));
        Assert.True(spec.DecodeTokensPerSecond(100_000) > 0.95 * ceiling);
    }

    [Fact]
    public void The_kv_cache_is_never_exceeded_and_a_cohort_that_does_not_fit_is_refused()
    {
        var spec = Llama70bOn8xH100 with { WeightsGB = 600 };   // 40 GB of KV: ≈ 122,000 tokens
        var replica = new ReplicaEngine(spec);
        var rng = Rng.FromSeed(7);
        var prompt = new LengthDistribution(6909, 27367);         // Mooncake conversation prompts [K105]: long
        var running = new Queue<long>();
        var served = new ServedRequest[8];
        long now = 0, id = 0;
        int refused = 0;
        for (int k = 0; k < 5_000; k++)
        {
            now += 1000;
            var cohort = Enumerable.Range(0, 1 + (int)(rng.NextDouble() * 8))
                .Select(_ => new RequestShape(Math.Round(prompt.Draw(rng.NextDouble())), 0.3, 300)).ToArray();
            double kv = cohort.Sum(r => r.KvTokens);
            if (!replica.CanAdmit(cohort.Length, kv))
            {
                refused++;
                Assert.Throws<InvalidOperationException>(() => replica.Admit(-1, cohort, now, served));
                if (running.Count > 0) replica.Release(running.Dequeue(), now);
                continue;
            }
            replica.Admit(id, cohort, now, served);
            running.Enqueue(id++);
            Assert.True(replica.KvTokensUsed <= spec.KvCapacityTokens, $"{replica.KvTokensUsed} of {spec.KvCapacityTokens}");
            Assert.True(replica.ActiveSequences <= spec.MaxBatch);
        }
        Assert.True(refused > 100, $"only {refused} refusals: the test did not reach the cache's capacity");
    }

    [Fact]
    public void Energy_drawn_is_the_integral_of_the_phase_powers()
    {
        // Idle 10 s; a request of 2,000 uncached prompt tokens and 101 output tokens arrives; idle again after it ends.
        var spec = Llama70bOn8xH100;
        var replica = new ReplicaEngine(spec);
        var served = new ServedRequest[1];
        long arrive = 10_000_000;
        long release = replica.Admit(1, [new RequestShape(2000, 0, 101)], arrive, served);
        replica.Release(1, release);
        long end = release + 5_000_000;
        replica.Advance(end);
        double prefill = spec.StepBaseMicros + 2000 * spec.StepPerPrefillTokenMicros;          // 34,141 µs
        double decode = 100 * (spec.StepBaseMicros + spec.StepPerDecodeSequenceMicros);       // 100 tokens at batch 1
        Assert.Equal(arrive + prefill, served[0].FirstTokenMicros, 0);
        Assert.Equal(arrive + prefill + decode, served[0].FinishMicros, 0);
        double overhead = spec.NodeOverheadW, n = spec.Accelerators;
        double expected = ((end - arrive - prefill - decode + arrive) * (n * spec.IdleW + overhead)
            + prefill * (n * spec.PrefillW + overhead)
            + decode * (n * spec.DecodeBatch1W + overhead)) / 1e6;
        Assert.Equal(expected, replica.EnergyJ, 3);
        Assert.Equal(prefill, replica.PrefillMicros, 0);
        Assert.Equal(decode, replica.DecodeMicros, 0);
    }

    [Fact]
    public void Cohorts_standing_for_requests_give_the_percentiles_of_a_request_by_request_run()
    {
        // Chat requests (Azure conversation trace [K102]: prompt median 1,020 / p90 2,734, output 129 / 424; half the
        // prompt cached) at 20 per second on one Llama-70B replica, for an hour. Request by request: Poisson arrivals and
        // independent lengths. In cohorts of 16: the same Poisson process of arrivals cut into runs of 16 consecutive
        // requests; a cohort reaches the replica when its first request does and carries the others' arrival offsets
        // (so cohorts never overlap in time) and the 16 stratified quantiles of both lengths, randomly paired.
        var prompt = new LengthDistribution(1020, 2734);
        var outputLength = new LengthDistribution(129, 424);
        var chat = new RequestClassSpec("chat") { CacheHit = 0.5, CohortSize = 16 };
        const double rate = 20, hour = 3600e6;
        var single = Run(1);
        var cohorts = Run(16);
        foreach (var (name, p) in new[] { ("TTFT p50", 0.5), ("TTFT p95", 0.95), ("TPOT p50", 0.5), ("TPOT p95", 0.95) })
        {
            bool ttft = name.StartsWith("TTFT");
            double a = Percentile(ttft ? single.Ttft : single.Tpot, p), b = Percentile(ttft ? cohorts.Ttft : cohorts.Tpot, p);
            output.WriteLine($"{name}: request by request {a / 1000:0.00} ms, cohorts of 16 {b / 1000:0.00} ms ({(b / a - 1) * 100:+0.0;-0.0} %)");
            Assert.InRange(b / a, 0.95, 1.05);
        }
        output.WriteLine($"requests {single.Ttft.Count} vs {cohorts.Ttft.Count}; energy {single.EnergyJ / 3.6e9:0.000} vs {cohorts.EnergyJ / 3.6e9:0.000} MWh");
        Assert.InRange(cohorts.EnergyJ / single.EnergyJ, 0.97, 1.03);

        (List<double> Ttft, List<double> Tpot, double EnergyJ) Run(int size)
        {
            var rng = Rng.FromSeed(11);
            var replica = new ReplicaEngine(Llama70bOn8xH100);
            var releases = new PriorityQueue<long, long>();
            var ttft = new List<double>();
            var tpot = new List<double>();
            var served = new ServedRequest[size];
            double t = rng.NextExponential(1e6 / rate);
            long id = 0;
            while (t <= hour)
            {
                long now = (long)t;
                while (releases.TryPeek(out long rid, out long at) && at <= now) { releases.Dequeue(); replica.Release(rid, at); }
                var cohort = new RequestShape[size];
                if (size == 1)
                {
                    cohort[0] = new RequestShape(prompt.Draw(rng.NextDouble()), 0.5, outputLength.Draw(rng.NextDouble()));
                    t += rng.NextExponential(1e6 / rate);
                }
                else t += Cohorts.Draw(chat, Cohorts.Key(11, 0, id), rate, cohort);
                Assert.True(replica.CanAdmit(size, cohort.Sum(r => r.KvTokens)), "the replica should not be full at this load");
                long release = replica.Admit(id, cohort, now, served);
                releases.Enqueue(id++, release);
                for (int i = 0; i < size; i++) { ttft.Add(served[i].TtftMicros); tpot.Add(served[i].TpotMicros); }
            }
            while (releases.TryDequeue(out long rid, out long at)) replica.Release(rid, at);
            replica.Advance((long)hour * 2);
            return (ttft, tpot, replica.EnergyJ);
        }
    }

    [Fact]
    public void A_cohort_is_drawn_from_its_key_alone_and_stands_for_the_next_requests_of_the_poisson_process()
    {
        var c = new RequestClassSpec("chat") { CacheHit = 0.4, CohortSize = 16 };
        var a = new RequestShape[16];
        var b = new RequestShape[16];
        long spanA = Cohorts.Draw(c, Cohorts.Key(1, 5, 42), 20, a);
        long spanB = Cohorts.Draw(c, Cohorts.Key(1, 5, 42), 20, b);
        Assert.Equal(spanA, spanB);
        Assert.Equal(a, b);
        Assert.NotEqual(a, Cohorts.Draw(c, Cohorts.Key(1, 5, 43), 20, b) == spanA ? a : b);
        Assert.NotEqual(Cohorts.Key(1, 5, 42), Cohorts.Key(2, 5, 42));
        // Offsets rise from 0 and end before the next cohort; prompts and outputs are the class's stratified quantiles.
        Assert.Equal(0, a[0].OffsetMicros);
        for (int i = 1; i < 16; i++) Assert.True(a[i].OffsetMicros >= a[i - 1].OffsetMicros);
        Assert.True(spanA > a[15].OffsetMicros);
        // One prompt and one output from each of the 16 equal-probability strata of the class's distributions.
        var prompts = a.Select(r => r.PromptTokens).Order().ToArray();
        var outputs = a.Select(r => r.OutputTokens).Order().ToArray();
        for (int i = 0; i < 16; i++)
        {
            Assert.InRange(prompts[i], Math.Round(Math.Max(1, c.Prompt.Quantile(Math.Max(1e-12, i / 16.0)))) - 1, Math.Round(c.Prompt.Quantile(Math.Min(1 - 1e-12, (i + 1) / 16.0))) + 1);
            Assert.InRange(outputs[i], Math.Round(Math.Max(1, c.Output.Quantile(Math.Max(1e-12, i / 16.0)))) - 1, Math.Round(c.Output.Quantile(Math.Min(1 - 1e-12, (i + 1) / 16.0))) + 1);
        }
        Assert.All(a, r => Assert.Equal(0.4, r.CachedShare));
        // Over many cohorts a span is 16 exponential gaps: mean 16 ÷ 20 s = 0.8 s (sd of the mean of 20,000: 0.2 %).
        double mean = Enumerable.Range(0, 20_000).Average(i => (double)Cohorts.Draw(c, Cohorts.Key(3, 0, i), 20, b));
        Assert.InRange(mean, 0.8e6 * 0.99, 0.8e6 * 1.01);
        Assert.Throws<ArgumentException>(() => Cohorts.Draw(c, 1, 20, new RequestShape[8]));
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
    }
}
