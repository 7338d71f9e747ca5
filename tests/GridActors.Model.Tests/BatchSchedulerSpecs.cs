using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using Xunit.Abstractions;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>The batch scheduler (<see cref="BatchScheduler"/>): batch work held to its deadline and released by policy.</summary>
public class BatchSchedulerSpecs(ITestOutputHelper output)
{
    private const long Hour = SimTime.MicrosPerHour, Day = 24 * Hour;

    /// <summary>The small topology on replicas with Ningxia's solar grown until it curtails at noon, batch work to the
    /// western hub (zhongwei, Ningxia) under latency-first routing, and a batch scheduler.</summary>
    private static SupplyChainSpec Surplus(BatchSchedulerSpec batch)
    {
        var s = ServingHubSpecs.SmallOnReplicas(cohort: 200, replicas: 32, simulated: 2);
        return s with
        {
            Plants = [.. s.Plants.Select(p => p.Id == "ningxia-solar" ? p with { CapacityMW = 6000 } : p)],
            Batch = batch,
        };
    }

    private static (SupplyChainSummary Summary, RunResult Result, SupplyChainModel Model) Run(SupplyChainSpec spec, long horizon)
    {
        var model = new SupplyChainModel(spec);
        var result = new SequentialExecutor().Run(model, Settings(horizon, 7));
        return (SupplyChainSummary.From(model, result), result, model);
    }

    /// <summary>IT energy (MWh) hub <paramref name="hub"/> drew in the hours of the day (UTC) <paramref name="from"/> ≤ h &lt; <paramref name="to"/>.</summary>
    private static double HubMWhBetween(SupplyChainModel model, RunResult result, string hub, double from, double to)
    {
        var report = HubReport.Read(new BinaryReader(new MemoryStream(result.Reports[model.HubId(hub)])));
        // A sample at hour h closes the interval that ended then.
        return report.Series.Rows.Where(r => r.Hours % 24 > from && r.Hours % 24 <= to).Sum(r => r.ItMWh);
    }

    [Fact]
    public void Green_aware_time_shifting_moves_batch_work_into_the_noon_surplus_with_no_deadline_miss()
    {
        var latencyFirst = Run(Surplus(BatchSchedulerSpec.Default), 2 * Day);
        var green = Run(Surplus(BatchSchedulerSpec.Default with { Policy = BatchPolicy.GreenAware, Shift = BatchShift.Time }), 2 * Day);
        foreach (var (name, (s, _, _)) in new[] { ("latency-first", latencyFirst), ("green-aware", green) })
        {
            Assert.True(s.RequestsConserved, $"{name}: {s.RequestImbalance}");
            Assert.True(s.EnergyConserved, $"{name}: {s.EnergyImbalance}");
            Assert.Equal(0, s.BatchDropped);
            Assert.Equal(0, s.BatchLate);
            Assert.Equal(s.BatchHeld, s.BatchReleased + s.BatchHeldAtEnd, 6);
        }
        // Noon in Ningxia (UTC+8): 10:00–16:00 local is 02:00–08:00 UTC, on the second day (the first noon has no held work yet).
        double noonLf = HubMWhBetween(latencyFirst.Model, latencyFirst.Result, "zhongwei", 2, 8);
        double noonGreen = HubMWhBetween(green.Model, green.Result, "zhongwei", 2, 8);
        double moved = noonGreen - noonLf;
        double absorbed = latencyFirst.Summary.CurtailedMWh - green.Summary.CurtailedMWh;
        output.WriteLine($"zhongwei IT energy 02–08 UTC: latency-first {noonLf:0.000} MWh, green-aware {noonGreen:0.000} MWh (+{moved:0.000}); " +
            $"curtailment {latencyFirst.Summary.CurtailedMWh:0.0} → {green.Summary.CurtailedMWh:0.0} MWh; batch held at end {green.Summary.BatchHeldAtEnd:0} requests");
        Assert.True(moved > 0.05 * noonLf, $"batch work moved into the noon hours: {moved:0.000} MWh of {noonLf:0.000}");
        Assert.True(green.Summary.SchedulerSeries!.Rows.Sum(r => r.GreenReleasedTokens) > 0);
        // First principles: curtailment can only be absorbed by load that was added, and the only load that differs
        // between the runs is the hubs' (the grid serves what they ask for): the curtailment avoided is at most the sum,
        // over intervals, of the power the hubs were granted beyond latency-first's (zhongwei's, and any other hub whose load
        // moved with the serving counts).
        double bound = latencyFirst.Model.Spec.Hubs.Sum(h => ExtraGrantMWh(latencyFirst, green, h.Id));
        output.WriteLine($"curtailment absorbed {absorbed:0.000} MWh ≤ extra grants {bound:0.000} MWh");
        // To 1 %: the links' flows and losses (and any storage) answer the moved load too (0.244 against 0.243 MWh, seed 7).
        Assert.True(absorbed <= bound * 1.01 + 1e-6, $"absorbed {absorbed:0.000} MWh > the hubs' extra grants {bound:0.000} MWh");
    }

    private static double ExtraGrantMWh((SupplyChainSummary, RunResult Result, SupplyChainModel Model) a, (SupplyChainSummary, RunResult Result, SupplyChainModel Model) b, string hub)
    {
        HubReport Read((SupplyChainSummary, RunResult Result, SupplyChainModel Model) x) =>
            HubReport.Read(new BinaryReader(new MemoryStream(x.Result.Reports[x.Model.HubId(hub)])));
        var ra = Read(a).Series.Rows;
        var rb = Read(b).Series.Rows;
        double hours = a.Model.IntervalHours;
        return ra.Zip(rb).Sum(x => Math.Max(0, x.Second.GrantMW - x.First.GrantMW) * hours);
    }

    [Fact]
    public void A_batch_class_deadline_tighter_than_the_schedulers_is_the_one_its_work_keeps()
    {
        // Green-aware holds work until its deadline less the slack unless surplus power frees it: with the scheduler's
        // 24 h nothing is released in the first 2 h of a night-time start; with the batch class's 1 h deadline (slack 30 min)
        // everything that arrives is released within its hour, and none of it misses.
        var spec = Surplus(BatchSchedulerSpec.Default with { Policy = BatchPolicy.GreenAware, Shift = BatchShift.Time, SlackMicros = 30 * SimTime.MicrosPerMinute });
        var tight = spec with
        {
            Users = [.. spec.Users.Select(u => u with { Classes = [.. u.Classes.Select(c => c.RealTime ? c : c with { DeadlineMicros = Hour })] })],
        };
        var (loose, _, _) = Run(spec, 12 * Hour);
        var (strict, _, _) = Run(tight, 12 * Hour);
        Assert.True(strict.RequestsConserved, strict.RequestImbalance);
        Assert.Equal(0, strict.BatchLate + strict.BatchDropped);
        double heldLoose = loose.SchedulerSeries!.Rows.Max(r => r.HeldRequests), heldStrict = strict.SchedulerSeries!.Rows.Max(r => r.HeldRequests);
        output.WriteLine($"most batch requests held: deadline 24 h {heldLoose:0}, class deadline 1 h {heldStrict:0}");
        Assert.True(heldStrict < 0.25 * heldLoose, $"held {heldStrict} with a 1 h class deadline vs {heldLoose} with 24 h");
        // Work arriving in the last hour is held at the end; nothing older than the class deadline is.
        Assert.True(strict.BatchHeldAtEnd <= heldStrict);
    }

    [Fact]
    public void Held_batch_work_gives_the_sequential_digest_windowed_and_on_several_nodes()
    {
        var model = new SupplyChainModel(Surplus(BatchSchedulerSpec.Default with { Policy = BatchPolicy.PriceAware }));
        var settings = Settings(30 * Hour, 3);
        var a = new SequentialExecutor().Run(model, settings);
        var b = new WindowedExecutor(new WindowedOptions(Nodes: 3, ShuffleSeed: 4, EncodeBatches: true)).Run(model, settings);
        Assert.Equal(a.Digest, b.Digest);
        var s = SupplyChainSummary.From(model, a);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.BatchHeld > 0);
    }

    [Fact]
    public void Work_no_hub_can_take_is_dropped_at_its_deadline_with_the_reason()
    {
        var spec = Surplus(BatchSchedulerSpec.Default with { Policy = BatchPolicy.GreenAware, DeadlineMicros = 2 * Hour, SlackMicros = 30 * SimTime.MicrosPerMinute });
        spec = spec with { Faults = [new FaultSpec("hub-failure", "zhongwei", 0, 10 * Hour, Fraction: 1), new FaultSpec("hub-failure", "yrd", 0, 10 * Hour, Fraction: 1)] };
        var (s, _, _) = Run(spec, 6 * Hour);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.BatchDropped > 0, "batch work dropped at its deadline");
        Assert.Equal(s.BatchDropped, s.DroppedBy["deadline-missed"]);
    }
}
