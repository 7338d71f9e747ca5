using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.Serving;
using GridActors.Model.SupplyChain;
using Xunit.Abstractions;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Hubs on accelerators serving request classes in cohorts (<see cref="HubReplicas"/>), inside the whole model.</summary>
public class ServingHubSpecs(ITestOutputHelper output)
{
    /// <summary>Llama-3.3-70B on 8×H100 (calibration-facts §9–10: 700 W TDP, 80 GB; step time [K93]; decode power
    /// [K96]; node overhead ≈ 2 kW of the DGX's non-GPU 4.6 kW, ESTIMATE), rented at $2.95 per GPU-hour [K91].</summary>
    public static readonly AcceleratorSpec H100 = new("h100")
    {
        IdleW = 100, PrefillW = 630, DecodeBatch1W = 300, DecodeFullW = 600, HbmGB = 80, RentalUsdPerHour = 2.95, PerReplica = 8, MaxBatch = 256,
        StepBaseMicros = 14_141, StepPerPrefillTokenMicros = 10.0, StepPerDecodeSequenceMicros = 19.4, WeightsGB = 140, KvBytesPerToken = 327_680, NodeOverheadW = 2_000,
    };

    public static SupplyChainSpec SmallOnReplicas(int cohort = 16, int replicas = 4, int simulated = 2, ReplicaDispatch dispatch = ReplicaDispatch.Pack, params FaultSpec[] faults)
    {
        var s = Small(faults: faults);
        RequestClassSpec[] classes =
        [
            new("chat") { Share = 0.6, CacheHit = 0.5, SloTtftMs = 2000, SloTpotMs = 100 },
            new("code") { Share = 0.1, PromptMedian = 1930, PromptP90 = 6325, OutputMedian = 13, OutputP90 = 56, CacheHit = 0.3, SloTtftMs = 2000, SloTpotMs = 100 },
            new("batch") { Share = 0.3, PromptMedian = 1469, PromptP90 = 5188, OutputMedian = 13, OutputP90 = 55, RealTime = false },
        ];
        return s with
        {
            Accelerators = [H100],
            Hubs = [.. s.Hubs.Select(h => h with { Accelerator = "h100", Replicas = replicas, SimulatedReplicas = simulated, Dispatch = dispatch })],
            Users = [.. s.Users.Select(u => u with { RequestsPerBundle = 10, Classes = classes, CohortSize = cohort })],
        };
    }

    [Fact]
    public void Class_cohorts_on_replicas_conserve_requests_and_energy_and_record_latency_by_class()
    {
        var spec = SmallOnReplicas();
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(2 * Hour, 3));
        var s = SupplyChainSummary.From(model, result);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.Served > 0.9 * s.Arrived, $"served {s.Served} of {s.Arrived}");
        Assert.Contains("cn_east/chat", s.ByClass.Keys);
        Assert.Contains("north_america/batch", s.ByClass.Keys);
        var chat = s.ByClass["cn_east/chat"];
        output.WriteLine($"cn_east chat: TTFT p50 {chat.Ttft.Percentile(0.5):0.0} ms p95 {chat.Ttft.Percentile(0.95):0.0} ms; TPOT p50 {chat.Tpot.Percentile(0.5):0.00} ms; " +
            $"hub energy {s.HubMWh:0.000} MWh; tokens in {s.InputTokens:0} (cached {s.CachedTokens:0}) out {s.OutputTokens:0}");
        // TPOT lies between one iteration at batch 1 and one at a full batch stretched by at most 1 ÷ (1 − 0.9).
        Assert.InRange(chat.Tpot.Percentile(0.5), H100.StepBaseMicros / 1000 * 0.98, (H100.StepBaseMicros + 256 * H100.StepPerDecodeSequenceMicros) / 100);
        // TTFT includes the round trip (2 × 2 ms terrestrial to yrd) and the prefill of the uncached half of a prompt of
        // at least the class's 5th percentile (≈ 287 tokens at 10 µs each); with the server idle, a whole iteration β₀ too.
        double p05Prompt = chat.Ttft.Total > 0 ? new RequestClassSpec("chat").Prompt.Quantile(0.05) : 0;
        Assert.True(chat.Ttft.Percentile(0.05) >= 4 + 0.5 * p05Prompt * H100.StepPerPrefillTokenMicros / 1000, $"TTFT p05 {chat.Ttft.Percentile(0.05):0.00} ms");
        Assert.True(chat.Ttft.Percentile(0.5) >= 4 + H100.StepBaseMicros / 1000, $"TTFT p50 {chat.Ttft.Percentile(0.5):0.00} ms");
        Assert.Equal(0.5 * s.ByClass.Where(x => x.Key.EndsWith("/chat")).Sum(x => x.Value.InputTokens), s.ByClass.Where(x => x.Key.EndsWith("/chat")).Sum(x => x.Value.CachedTokens), 3);
        // Energy billed as drawn: between every replica idle and every replica at prefill power, × PUE, over 2 h.
        double idle = 2 * 4 * (8 * H100.IdleW + H100.NodeOverheadW) / 1e6 * 2 * 1.2, max = 2 * 4 * (8 * H100.PrefillW + H100.NodeOverheadW) / 1e6 * 2 * 1.25;
        Assert.InRange(s.HubMWh, idle, max);
        Assert.Equal(2 * 4 * 8 * H100.RentalUsdPerHour * 2, s.CostCapital, 6);
    }

    [Fact]
    public void Replica_hubs_give_the_sequential_digest_windowed_on_several_nodes_and_after_a_resume()
    {
        var faults = new FaultSpec[] { new("hub-failure", "yrd", 40 * Minute, 20 * Minute, Fraction: 0.5), new("demand-spike", "all", 70 * Minute, 20 * Minute, Multiplier: 2) };
        var model = new SupplyChainModel(SmallOnReplicas(simulated: 2, faults: faults));
        var settings = Settings(2 * Hour, 9);
        var a = new SequentialExecutor().Run(model, settings);
        var b = new WindowedExecutor(shuffleSeed: 5).Run(model, settings);
        Assert.Equal(a.Digest, b.Digest);
        var s = SupplyChainSummary.From(model, a);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    /// <summary>Class percentiles of two runs of the small scenario on replicas, side by side; the keys that differ by more
    /// than 5 %.</summary>
    private List<string> Compare(SupplyChainSummary one, SupplyChainSummary two, string what)
    {
        var misses = new List<string>();
        foreach (var key in new[] { "cn_east/chat", "north_america/chat" })
            foreach (var (name, p) in new[] { ("TTFT p50", 0.5), ("TTFT p95", 0.95), ("TPOT p50", 0.5), ("TPOT p95", 0.95) })
            {
                var h1 = name.StartsWith("TTFT") ? one.ByClass[key].Ttft : one.ByClass[key].Tpot;
                var h2 = name.StartsWith("TTFT") ? two.ByClass[key].Ttft : two.ByClass[key].Tpot;
                double x = h1.Percentile(p), y = h2.Percentile(p);
                output.WriteLine($"{key} {name}: {x:0.00} ms vs {what} {y:0.00} ms ({(y / x - 1) * 100:+0.0;-0.0} %); requests {h1.Total:0} vs {h2.Total:0}");
                if (y / x is < 0.95 or > 1.05) misses.Add($"{key} {name} {y / x:0.000}");
            }
        output.WriteLine($"hub energy {one.HubMWh:0.000} vs {two.HubMWh:0.000} MWh");
        return misses;
    }

    private static SupplyChainSummary Run(SupplyChainSpec spec, ulong seed = 4)
    {
        var model = new SupplyChainModel(spec);
        return SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour, seed)));
    }

    // The approximations (cohorts, a subset of replicas simulated) are checked with requests spread over every replica: packed,
    // the serving count is decided from the cohorts' rates, which a request-by-request run knows less well, and with four
    // replicas one replica more or less is a quarter of the hub.
    [Fact]
    public void Cohorts_of_16_give_the_class_percentiles_of_a_request_by_request_run_within_5_percent()
    {
        // Every replica simulated: cohorts of 1 are a request-by-request run of the hub.
        const ReplicaDispatch spread = ReplicaDispatch.Spread;
        var one = Run(SmallOnReplicas(cohort: 1, replicas: 4, simulated: 4, dispatch: spread));
        var sixteen = Run(SmallOnReplicas(cohort: 16, replicas: 4, simulated: 4, dispatch: spread));
        Assert.Empty(Compare(one, sixteen, "cohorts of 16"));
        Assert.InRange(sixteen.HubMWh / one.HubMWh, 0.97, 1.03);
        // And with one replica of the four simulated, standing for all.
        var sixteenOnOne = Run(SmallOnReplicas(cohort: 16, replicas: 4, simulated: 1, dispatch: spread));
        Assert.Empty(Compare(one, sixteenOnOne, "cohorts of 16, 1 of 4 simulated"));
        Assert.InRange(sixteenOnOne.HubMWh / one.HubMWh, 0.97, 1.03);
    }

    [Theory]
    [InlineData(ReplicaDispatch.Spread)]
    [InlineData(ReplicaDispatch.Pack)]
    public void One_simulated_replica_standing_for_eight_gives_the_percentiles_and_energy_of_all_eight(ReplicaDispatch dispatch)
    {
        var all = Run(SmallOnReplicas(cohort: 16, replicas: 8, simulated: 8, dispatch: dispatch));
        var one = Run(SmallOnReplicas(cohort: 16, replicas: 8, simulated: 1, dispatch: dispatch));
        Assert.Empty(Compare(all, one, "1 of 8 simulated"));
        Assert.InRange(one.HubMWh / all.HubMWh, 0.97, 1.03);
        Assert.InRange(one.BusyAcceleratorHours / all.BusyAcceleratorHours, 0.95, 1.05);
    }

    [Fact]
    public void Packing_serves_the_same_requests_on_fewer_replicas_for_less_energy_within_the_objectives()
    {
        // Sixteen replicas, all simulated, at the small scenario's load (a few replicas' worth): packed, the work runs at
        // larger batches on the replicas serving and the rest idle, so the hub draws less above idle for the same requests.
        var spread = Run(SmallOnReplicas(cohort: 16, replicas: 16, simulated: 16, dispatch: ReplicaDispatch.Spread));
        var pack = Run(SmallOnReplicas(cohort: 16, replicas: 16, simulated: 16, dispatch: ReplicaDispatch.Pack));
        foreach (var s in new[] { spread, pack })
        {
            Assert.True(s.RequestsConserved, s.RequestImbalance);
            Assert.True(s.EnergyConserved, s.EnergyImbalance);
        }
        double idle = 2 * 16 * (8 * H100.IdleW + H100.NodeOverheadW) / 1e6 * 2 * 1.2;   // 2 hubs, 2 h, PUE ≥ 1.2
        output.WriteLine($"served {spread.Served:0} vs {pack.Served:0}; hub energy {spread.HubMWh:0.0000} vs {pack.HubMWh:0.0000} MWh (idle ≥ {idle:0.0000}); " +
            $"busy accelerator-hours {spread.BusyAcceleratorHours:0.0} vs {pack.BusyAcceleratorHours:0.0}; SLO misses {spread.SloViolations:0} vs {pack.SloViolations:0}");
        Assert.InRange(pack.Served / spread.Served, 0.99, 1.01);
        Assert.True(pack.HubMWh < spread.HubMWh, $"packed {pack.HubMWh:0.0000} MWh ≥ spread {spread.HubMWh:0.0000} MWh");
        Assert.True(pack.BusyAcceleratorHours < 0.8 * spread.BusyAcceleratorHours, "packing leaves replicas idle");
        var chat = pack.ByClass["cn_east/chat"];
        Assert.True(chat.SloMisses <= 0.01 * chat.Ttft.Total, $"packed: {chat.SloMisses:0} of {chat.Ttft.Total:0} chat requests over an objective");
    }
}

/// <summary>Hub-level serving checks against first principles: the low-load time to first token, and traces.</summary>
public class ServingLatencySpecs(ITestOutputHelper output)
{
    [Fact]
    public void At_low_load_the_p95_time_to_first_token_is_the_round_trip_plus_the_p95_prefill()
    {
        // One chat class (half of each prompt cached) at a trickle: each prompt finds an idle replica, so its TTFT is the
        // round trip (2 × 2 ms to yrd) + one iteration, β₀ + β₁ × its uncached tokens; the p95 is that at the p95 prompt.
        var s = ServingHubSpecs.SmallOnReplicas(cohort: 1, replicas: 4, simulated: 4);
        var chat = new RequestClassSpec("chat") { Share = 1, CacheHit = 0.5, SloTtftMs = 2000, SloTpotMs = 100 };
        s = s with { Users = [.. s.Users.Select(u => u with { Classes = [chat], BundlesPerSecond = 0.05, RequestsPerBundle = 10 })] };
        var model = new SupplyChainModel(s);
        var sum = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour, 5)));
        var ttft = sum.ByClass["cn_east/chat"].Ttft;
        var h = ServingHubSpecs.H100;
        double expected = 4 + (h.StepBaseMicros + h.StepPerPrefillTokenMicros * 0.5 * chat.Prompt.Quantile(0.95)) / 1000;
        output.WriteLine($"cn_east chat at low load: TTFT p95 {ttft.Percentile(0.95):0.00} ms vs round trip + p95 prefill {expected:0.00} ms over {ttft.Total:0} requests");
        Assert.True(ttft.Total > 500);
        Assert.InRange(ttft.Percentile(0.95) / expected, 0.9, 1.1);
    }

    [Fact]
    public void A_trace_resampled_or_replayed_gives_its_lengths_and_its_rate()
    {
        var rows = new List<TraceRow>();
        var rng = Rng.FromSeed(4);
        double t = 0;
        for (int i = 0; i < 500; i++)
        {
            rows.Add(new TraceRow(t, 200 + (int)(rng.NextDouble() * 3000), 10 + (int)(rng.NextDouble() * 400)));
            t += rng.NextExponential(0.2) * (i % 100 < 50 ? 0.5 : 1.5);   // bursts: the replay keeps them, resampling does not
        }
        double meanContext = rows.Average(r => (double)r.ContextTokens), meanGenerated = rows.Average(r => (double)r.GeneratedTokens);
        foreach (bool replay in new[] { false, true })
        {
            var s = ServingHubSpecs.SmallOnReplicas(cohort: 16, replicas: 4, simulated: 4);
            s = s with { Users = [.. s.Users.Select(u => u with { Classes = [], TraceRows = rows, TraceReplay = replay, TraceCacheHit = 0.3 })] };
            var model = new SupplyChainModel(s);
            var sum = SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour, 6)));
            Assert.True(sum.RequestsConserved, sum.RequestImbalance);
            // Tokens: the trace's mean lengths per request served; cache hits at the given share.
            double served = sum.HubServed;
            output.WriteLine($"{(replay ? "replay" : "resample")}: {sum.Arrived:0} arrived, {served:0} served; input/request {sum.InputTokens / served:0.0} (trace {meanContext:0.0}), output/request {sum.OutputTokens / served:0.0} (trace {meanGenerated:0.0})");
            Assert.Equal(meanContext, sum.InputTokens / served, meanContext * 1e-6);
            Assert.Equal(0.3 * sum.InputTokens, sum.CachedTokens, sum.InputTokens * 1e-9);
            Assert.Contains("cn_east/trace", sum.ByClass.Keys);
            // Rate: the region's (bundles × requests per bundle × diurnal) whether resampled or replayed: within 5 % over 2 h.
            double expected = s.Users.Sum(u => u.BundlesPerSecond * u.RequestsPerBundle) * 2 * 3600;
            Assert.InRange(sum.Arrived / expected, 0.9, 1.1);
        }
    }
}
