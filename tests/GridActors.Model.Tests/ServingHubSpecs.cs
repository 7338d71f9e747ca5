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

    public static SupplyChainSpec SmallOnReplicas(int cohort = 16, int replicas = 4, params FaultSpec[] faults)
    {
        var s = Small(faults: faults);
        RequestClassSpec[] classes =
        [
            new("chat") { Share = 0.7, CacheHit = 0.5, CohortSize = cohort, SloTtftMs = 2000, SloTpotMs = 100 },
            new("batch") { Share = 0.3, PromptMedian = 1469, PromptP90 = 5188, OutputMedian = 13, OutputP90 = 55, RealTime = false, CohortSize = cohort },
        ];
        return s with
        {
            Accelerators = [H100],
            Hubs = [.. s.Hubs.Select(h => h with { Accelerator = "h100", Replicas = replicas })],
            Users = [.. s.Users.Select(u => u with { RequestsPerBundle = 10, Classes = classes })],
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
        // TTFT includes the round trip (2 × 2 ms terrestrial to yrd) and at least one iteration.
        Assert.True(chat.Ttft.Percentile(0.05) >= 4 + H100.StepBaseMicros / 1000 * 0.98);
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
        var model = new SupplyChainModel(SmallOnReplicas(faults: faults));
        var settings = Settings(2 * Hour, 9);
        var a = new SequentialExecutor().Run(model, settings);
        var b = new WindowedExecutor(shuffleSeed: 5).Run(model, settings);
        Assert.Equal(a.Digest, b.Digest);
        var s = SupplyChainSummary.From(model, a);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void Cohorts_of_16_give_the_class_percentiles_of_a_request_by_request_run_within_5_percent()
    {
        SupplyChainSummary Run(int cohort)
        {
            var model = new SupplyChainModel(SmallOnReplicas(cohort));
            return SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(2 * Hour, 4)));
        }
        var one = Run(1);
        var sixteen = Run(16);
        var misses = new List<string>();
        foreach (var key in new[] { "cn_east/chat", "north_america/chat" })
            foreach (var (name, p) in new[] { ("TTFT p50", 0.5), ("TTFT p95", 0.95), ("TPOT p50", 0.5), ("TPOT p95", 0.95) })
            {
                var h1 = name.StartsWith("TTFT") ? one.ByClass[key].Ttft : one.ByClass[key].Tpot;
                var h16 = name.StartsWith("TTFT") ? sixteen.ByClass[key].Ttft : sixteen.ByClass[key].Tpot;
                double x = h1.Percentile(p), y = h16.Percentile(p);
                output.WriteLine($"{key} {name}: request by request {x:0.00} ms, cohorts of 16 {y:0.00} ms ({(y / x - 1) * 100:+0.0;-0.0} %); requests {h1.Total} vs {h16.Total}");
                if (y / x is < 0.95 or > 1.05) misses.Add($"{key} {name} {y / x:0.000}");
            }
        Assert.Empty(misses);
        output.WriteLine($"events: request by request {one.Served} served; hub energy {one.HubMWh:0.000} vs {sixteen.HubMWh:0.000} MWh");
        Assert.InRange(sixteen.HubMWh / one.HubMWh, 0.97, 1.03);
    }
}
