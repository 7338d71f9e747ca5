using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using static GridActors.TestSupport.SupplyChainSamples;

namespace GridActors.Model.Tests;

/// <summary>Thermal limits, storage, hydro modes, UHV schedules and export bases, regional price and carbon. The grids are
/// built from hydro and thermal plants only (no solar or wind), so that the expected numbers do not depend on weather.</summary>
public class GridPhysicsSpecs
{
    private const double Eps = 1e-6;
    private const double IntervalHours = 5.0 / 60;

    private static SupplyChainSummary Run(SupplyChainSpec spec, long horizon, ulong seed = 1)
    {
        var model = new SupplyChainModel(spec);
        return SupplyChainSummary.From(model, new SequentialExecutor().Run(model, Settings(horizon, seed)));
    }

    /// <summary>A grid whose regions read their load profiles as steps (each hour's value for the whole hour), so that the
    /// expected numbers are exact.</summary>
    private static SupplyChainSpec Grid(RegionSpec[] regions, PlantSpec[] plants, LinkSpec[]? links = null, StorageSpec[]? storage = null) =>
        Empty("grid") with { Regions = [.. regions.Select(r => r with { LoadShape = LoadShape.Step })], Plants = plants, Links = links ?? [], Storage = storage ?? [] };

    private static PlantSpec Hydro(string id, string region, double mw) => Plant(id, region, PlantType.Hydro, mw, 30, 105) with { CapacityFactor = 1 };

    private static PlantSpec Thermal(string id, string region, PlantType type, double mw, double cost, double carbon = 820) =>
        Plant(id, region, type, mw, 30, 105) with { MarginalCostUsdPerMWh = cost, CarbonKgPerMWh = carbon };

    /// <summary>A load profile (local time) that is <paramref name="low"/> in the hours [<paramref name="from"/>, <paramref name="to"/>) and 1 otherwise.</summary>
    private static double[] Profile(int from, int to, double low) => [.. Enumerable.Range(0, 24).Select(h => h >= from && h < to ? low : 1.0)];

    /// <summary>The interval a sample belongs to (samples are recorded a few seconds into their interval).</summary>
    private static int Interval(double hours) => (int)Math.Floor(hours / IntervalHours + 1e-9);

    /// <summary>Local hour (UTC+8, the regions' default) at the start of the interval of a sample.</summary>
    private static int LocalHour(double hours) => (int)Math.Floor((Interval(hours) * IntervalHours + 8) % 24 + 1e-9);

    [Fact]
    public void Must_run_output_is_taken_first_at_low_load_and_renewable_curtailment_rises_by_it()
    {
        // June (the default start day): must_run 80 % × the June factor 0.75 = 60 % of 900 MW available (1,000 × 0.9) = 540 MW.
        double[] byMonth = [1.5, 1.5, 1, 1, 1, 0.75, 1, 1, 1, 1, 1.5, 1.5];
        SupplyChainSpec Spec(double mustRun, double load) => Grid([Region("r", load)],
            [Hydro("hydro", "r", 2000), Thermal("coal", "r", PlantType.Coal, 1000, 40) with { MustRun = mustRun, MustRunByMonth = byMonth }]);
        var free = Run(Spec(0, 1500), 2 * Hour);
        var forced = Run(Spec(0.8, 1500), 2 * Hour);

        Assert.All(free.SeriesOf<PlantSample>("plant/coal"), r => Assert.Equal(0, r.DispatchedMW, 6));
        Assert.All(forced.SeriesOf<PlantSample>("plant/coal"), r => Assert.Equal(540, r.DispatchedMW, 6));
        Assert.All(free.SeriesOf<PlantSample>("plant/hydro"), r => Assert.Equal(500, r.CurtailedMW, 6));
        Assert.All(forced.SeriesOf<PlantSample>("plant/hydro"), r => Assert.Equal(1040, r.CurtailedMW, 6));
        double hours = free.CompleteIntervals * IntervalHours;
        Assert.Equal(540 * hours, forced.HydroSpillMWh - free.HydroSpillMWh, 3);
        Assert.Equal(0, forced.UnservedMWh, 6);
        Assert.True(forced.EnergyConserved, forced.EnergyImbalance);

        // Below the must-run output nothing can absorb the floor: the plant is backed down to the load, hydro spills entirely.
        var tiny = Run(Spec(0.8, 300), 1 * Hour);
        Assert.All(tiny.SeriesOf<PlantSample>("plant/coal"), r => Assert.Equal(300, r.DispatchedMW, 6));
        Assert.All(tiny.SeriesOf<PlantSample>("plant/hydro"), r => Assert.Equal(0, r.DispatchedMW, 6));
        Assert.True(tiny.EnergyConserved, tiny.EnergyImbalance);
    }

    [Fact]
    public void Nuclear_with_must_run_100_percent_runs_flat_at_its_available_capacity()
    {
        var s = Run(Grid([Region("r", 3000) with { LoadProfile = Profile(0, 12, 0.5) }],
            [Thermal("nuclear", "r", PlantType.Nuclear, 1000, 10, 12) with { MustRun = 1 }, Thermal("coal", "r", PlantType.Coal, 3000, 40)]), 8 * Hour);
        Assert.All(s.SeriesOf<PlantSample>("plant/nuclear"), r => Assert.Equal(1000 * SupplyChain.Plant.NuclearAvailability, r.DispatchedMW, 6));
    }

    [Fact]
    public void Ramp_down_limits_are_respected_and_the_excess_is_curtailed_renewable_output()
    {
        // Load 2,500 MW, then 2,000 MW from local noon (04:00 UTC): coal (1,500 MW) may fall only 10 MW/min = 50 MW per interval.
        var spec = Grid([Region("r", 2500) with { LoadProfile = Profile(12, 24, 0.8) }],
        [
            Hydro("hydro", "r", 1000),
            Thermal("coal", "r", PlantType.Coal, 2000, 40) with { RampMWPerMinute = 100, RampDownMWPerMinute = 10 },
        ]);
        var s = Run(spec, 6 * Hour);
        var coal = s.SeriesOf<PlantSample>("plant/coal");
        var hydro = s.SeriesOf<PlantSample>("plant/hydro");
        for (int k = 1; k < coal.Count; k++)
            Assert.True(coal[k].DispatchedMW >= coal[k - 1].DispatchedMW - 50 - Eps, $"interval {k}: {coal[k - 1].DispatchedMW} → {coal[k].DispatchedMW} MW");
        int drop = coal.ToList().FindIndex(r => r.Hours >= 4);
        Assert.Equal(1500, coal[drop - 1].DispatchedMW, 6);
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(1450 - 50 * k, coal[drop + k].DispatchedMW, 6);
            Assert.Equal(450 - 50 * k, hydro[drop + k].CurtailedMW, 6);
        }
        Assert.All(coal.Skip(drop + 10), r => Assert.Equal(1000, r.DispatchedMW, 6));
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void Minimum_stable_output_holds_the_units_that_ran_for_a_peak_until_midnight()
    {
        // Load 2,500 MW from 08:00 to noon local (00:00–04:00 UTC), 1,200 MW otherwise; hydro (1,000 MW) is cheaper. The
        // 1,500 MW of coal online for the morning keep 40 % = 600 MW all afternoon; at local midnight (16:00 UTC) the units
        // idle beyond the 600 MW of the moment stop, so coal may fall to 40 % of 600 = 240 MW; the next morning it starts
        // 900 MW again (the first interval's units count as online: no start-up cost for them).
        var spec = Grid([Region("r", 2500) with { LoadProfile = [.. Enumerable.Range(0, 24).Select(h => h is >= 8 and < 12 ? 1.0 : 0.48)] }],
        [
            Hydro("hydro", "r", 1000),
            Thermal("coal", "r", PlantType.Coal, 2000, 40) with { MinStable = 0.4, StartupCostUsdPerMW = 100 },
        ]);
        var s = Run(spec, 26 * Hour);
        var coal = s.SeriesOf<PlantSample>("plant/coal");
        Assert.All(coal.Where(r => r.Hours < 4), r => Assert.Equal(1500, r.DispatchedMW, 6));
        Assert.All(coal.Where(r => r.Hours > 4.01 && r.Hours < 16), r => Assert.Equal(600, r.DispatchedMW, 6));
        Assert.All(coal.Where(r => r.Hours > 16.01 && r.Hours < 24), r => Assert.Equal(240, r.DispatchedMW, 6));
        Assert.All(coal.Where(r => r.Hours > 24.01), r => Assert.Equal(1500, r.DispatchedMW, 6));
        Assert.All(s.SeriesOf<PlantSample>("plant/hydro").Where(r => r.Hours > 4.01 && r.Hours < 16), r => Assert.Equal(400, r.CurtailedMW, 6));
        Assert.Equal(900 * 100, s.StartupCostUsd, 3);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void Storage_charges_from_surplus_discharges_against_dearer_plants_and_conserves_energy_with_its_losses()
    {
        // Hydro (1,000 MW) exceeds the load at night (500 MW) and falls short in the evening (1,600 MW, coal at 40 USD/MWh).
        double[] profile = [.. Enumerable.Range(0, 24).Select(h => h < 6 ? 0.5 : h >= 18 && h < 23 ? 1.6 : 1.0)];
        const double eta = 0.81, oneWay = 0.9, energy = 1600;
        SupplyChainSpec Spec(bool battery) => Grid([Region("r", 1000) with { LoadProfile = profile }],
            [Hydro("hydro", "r", 1000), Thermal("coal", "r", PlantType.Coal, 2000, 40)],
            storage: battery ? [Storage("battery", "r", StorageType.Battery, 400, energy) with { Efficiency = eta, InitialSoc = 0.5 }] : []);
        var with = Run(Spec(true), 48 * Hour);
        var without = Run(Spec(false), 48 * Hour);
        var rows = with.SeriesOf<StorageSample>("storage/battery");

        Assert.True(with.StorageChargedMWh > 1000 && with.StorageDischargedMWh > 1000, $"charged {with.StorageChargedMWh}, discharged {with.StorageDischargedMWh}");
        Assert.Equal(with.StorageChargedMWh * (1 - oneWay) + with.StorageDischargedMWh * (1 / oneWay - 1), with.StorageLossesMWh, 6);
        Assert.All(rows, r => Assert.InRange(r.StateOfChargeMWh, 0, energy));
        Assert.All(rows, r => Assert.True(r.ChargedMW == 0 || r.DischargedMW == 0));
        double stored = rows.Sum(r => (r.ChargedMW * oneWay - r.DischargedMW / oneWay) * IntervalHours);
        Assert.Equal(rows[^1].StateOfChargeMWh - 0.5 * energy, stored, 6);
        Assert.True(with.EnergyConserved, with.EnergyImbalance);
        // It absorbs curtailment and displaces coal.
        Assert.True(with.HydroSpillMWh < without.HydroSpillMWh - 1000, $"spill {with.HydroSpillMWh} vs {without.HydroSpillMWh} MWh without storage");
        Assert.True(with.CarbonT < without.CarbonT, $"carbon {with.CarbonT} vs {without.CarbonT} t");
        // It only charges from surplus: never while the region burns coal beyond a floor.
        var coal = with.SeriesOf<PlantSample>("plant/coal");
        for (int k = 0; k < rows.Count; k++) Assert.True(rows[k].ChargedMW == 0 || coal[k].DispatchedMW == 0, $"interval {k} charged while coal ran");
    }

    [Fact]
    public void A_storage_running_dry_tapers_its_output_instead_of_stopping_dead()
    {
        // Load 1,000 MW, hydro 600 MW: a full 400 MW / 300 MWh battery (lossless) covers the gap at full power until it
        // holds less than half an hour of it, then gives what it holds spread over half an hour: 5/6 of the previous
        // interval's output each interval, never a fall from full power to nothing.
        var s = Run(Grid([Region("r", 1000)], [Hydro("hydro", "r", 600)],
            storage: [Storage("battery", "r", StorageType.Battery, 400, 300) with { Efficiency = 1, InitialSoc = 1 }]), 2 * Hour);
        var rows = s.SeriesOf<StorageSample>("storage/battery");
        double fullHours = (300 - 400 * GridActors.Model.SupplyChain.Storage.DischargeTaperHours) / 400;   // 0.25 h at full power
        int full = (int)Math.Round(fullHours / IntervalHours);
        Assert.All(rows.Take(full), r => Assert.Equal(400, r.DischargedMW, 6));
        for (int k = full; k < rows.Count; k++)
        {
            Assert.True(rows[k].DischargedMW < 400 + Eps);
            Assert.Equal(rows[k - 1].StateOfChargeMWh / GridActors.Model.SupplyChain.Storage.DischargeTaperHours, rows[k].DischargedMW, 6);
            if (k > full) Assert.Equal(rows[k - 1].DischargedMW * (1 - IntervalHours / GridActors.Model.SupplyChain.Storage.DischargeTaperHours), rows[k].DischargedMW, 6);
        }
        Assert.True(rows[^1].DischargedMW > 10, $"still {rows[^1].DischargedMW} MW after 2 h");
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void A_scheduled_link_carries_its_schedule_within_the_deviation_band_whatever_the_receiver_prefers()
    {
        double[] schedule = [.. Enumerable.Range(0, 24).Select(h => h < 8 ? 0.5 : h < 16 ? 0.3 : 0.8)];
        const double cap = 2000, band = 0.1 * cap;
        SupplyChainSpec Spec(bool receiverHasCheapHydro) => Grid(
            [Region("west", 500), Region("east", 2500)],
            [
                Thermal("west-coal", "west", PlantType.Coal, 4000, 30),
                receiverHasCheapHydro ? Hydro("east-hydro", "east", 3000) : Thermal("east-coal", "east", PlantType.Coal, 4000, 50),
            ],
            [Link("w-e", "west", "east", cap, 1000) with { Schedule = schedule, Deviation = 0.1 }]);
        foreach (bool reluctant in new[] { false, true })
        {
            var s = Run(Spec(reluctant), 24 * Hour);
            var rows = s.SeriesOf<LinkSample>("link/w-e");
            Assert.Equal(288, rows.Count);
            foreach (var r in rows)
            {
                double target = schedule[LocalHour(r.Hours)] * cap;
                Assert.InRange(r.SentMW, target - band - Eps, target + band + Eps);
                // An eager receiver (its own coal is dearer) takes the upper band, a reluctant one (cheap hydro) the lower.
                Assert.Equal(reluctant ? target - band : Math.Min(cap, target + band), r.SentMW, 6);
            }
            Assert.True(s.EnergyConserved, s.EnergyImbalance);
            if (reluctant) Assert.True(s.HydroSpillMWh > 0, "the schedule pushes the receiver's hydro out");
        }
        // Without a schedule the same link re-dispatches on merit: at capacity while the receiver is dearer.
        var merit = Run(Spec(false) with { Links = [Link("w-e", "west", "east", cap, 1000)] }, 2 * Hour);
        Assert.All(merit.SeriesOf<LinkSample>("link/w-e"), r => Assert.Equal(cap, r.SentMW, 6));
    }

    [Fact]
    public void A_region_counts_its_scheduled_and_forecast_imports_before_it_offers_its_spare_output_to_a_neighbour()
    {
        // west → mid on a flat schedule (1,000 ± 200 MW, lossless), mid → east on merit. Mid's coal (3,000 MW × 0.9
        // available = 2,700) is short of its 3,000 MW load alone; with the scheduled 800 MW it counts on, it has 500 MW to
        // spare, which east (1,350 MW of dearer coal for 1,800 MW of load) needs. Without counting the plan, mid would
        // clear its coal for its whole load, offer east nothing, and east would be 450 MW short while mid's coal idled.
        // From the third interval mid also counts the 400 MW it took beyond the plan in each of the last two (its
        // persistence forecast), so it offers 900 MW, and east takes it all: mid's coal is cheaper than east's.
        var s = Run(Grid(
            [Region("west", 0), Region("mid", 3000), Region("east", 1800)],
            [Hydro("west-hydro", "west", 2000), Thermal("mid-coal", "mid", PlantType.Coal, 3000, 55), Thermal("east-coal", "east", PlantType.Coal, 1500, 80)],
            [Link("w-m", "west", "mid", 2000, 1000) with { LossPer1000Km = 0, Schedule = [.. Enumerable.Repeat(0.5, 24)], Deviation = 0.1 },
             Link("m-e", "mid", "east", 1000, 1000) with { LossPer1000Km = 0 }]), 1 * Hour);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
        Assert.Equal(0, s.UnservedMWh, 6);
        var me = s.SeriesOf<LinkSample>("link/m-e");
        Assert.All(me.Take(2), r => Assert.Equal(500, r.SentMW, 6));
        Assert.All(me.Skip(2), r => Assert.Equal(900, r.SentMW, 6));
        Assert.All(s.SeriesOf<LinkSample>("link/w-m"), r => Assert.Equal(1200, r.SentMW, 6));   // mid's coal is dearer: the upper band
        Assert.All(s.SeriesOf<RegionSample>("region/east"), r => Assert.Equal(1800, r.ServedMW, 6));
    }

    [Fact]
    public void A_dedicated_export_base_feeds_its_link_first_and_is_not_pooled_with_the_provincial_load()
    {
        SupplyChainSpec Spec(string? exportLink) => Grid(
            [Region("west", 2000), Region("east", 3000)],
            [
                Hydro("base", "west", 1500) with { ExportLink = exportLink },
                Thermal("west-coal", "west", PlantType.Coal, 1000, 40),
                Thermal("east-coal", "east", PlantType.Coal, 4000, 60),
            ],
            [Link("l", "west", "east", 1200, 1000)]);
        var pooled = Run(Spec(null), 2 * Hour);
        var bound = Run(Spec("l"), 2 * Hour);
        // Pooled, the hydro serves the west and the link carries the west's spare coal (2,400 − 2,000 MW).
        Assert.All(pooled.SeriesOf<LinkSample>("link/l"), r => Assert.Equal(400, r.SentMW, 6));
        // Bound to its link, the base sends 1,200 MW east whatever the west needs; its 300 MW beyond the link join the pool.
        Assert.All(bound.SeriesOf<LinkSample>("link/l"), r => Assert.Equal(1200, r.SentMW, 6));
        Assert.All(bound.SeriesOf<RegionSample>("region/west"), r => Assert.Equal(300 + 900, r.ServedMW, 6));
        Assert.True(bound.EnergyConserved, bound.EnergyImbalance);
    }

    [Fact]
    public void A_reservoir_keeps_unused_water_up_to_a_day_and_spills_the_rest_apart_from_curtailment()
    {
        // No load: nothing is released. The run starts at 08:00 local, so the first day brings 16/24 of the daily budget;
        // at the first midnight it is kept (≤ one day), at the second the reservoir is full and 2/3 of a day spills, at
        // the third a whole day.
        const double daily = 1000 * 0.5 * 24;
        var s = Run(Grid([Region("r", 0)], [Plant("dam", "r", PlantType.Hydro, 1000, 30, 105) with { HydroMode = HydroMode.Reservoir, CapacityFactor = 0.5 }]), 72 * Hour);
        Assert.Equal(daily * (2.0 / 3 + 1), s.HydroSpillMWh, 3);
        Assert.Equal(0, s.CurtailedWindMWh + s.CurtailedSolarMWh);
        var spills = s.SeriesOf<PlantSample>("plant/dam").Where(r => r.CurtailedMW > 0).Select(r => Math.Round(r.Hours)).ToList();
        Assert.Equal(new[] { 40.0, 64.0 }, spills);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void A_reservoir_never_releases_more_than_its_budget_and_releases_it_in_the_dearer_hours()
    {
        // Coal (3,150 MW available at 40 USD/MWh) serves the load but for the evening peak (18–23 h local, 3,900 MW), when
        // gas at 90 USD/MWh runs; the reservoir has 4 h of full output a day.
        double[] profile = [.. Enumerable.Range(0, 24).Select(h => h >= 18 && h < 23 ? 1.3 : h < 6 ? 0.7 : 1.0)];
        const double daily = 4000;
        var s = Run(Grid([Region("r", 3000) with { LoadProfile = profile }],
        [
            Plant("dam", "r", PlantType.Hydro, 1000, 30, 105) with { HydroMode = HydroMode.Reservoir, DailyEnergyMWh = daily, MarginalCostUsdPerMWh = 20 },
            Thermal("coal", "r", PlantType.Coal, 3500, 40),
            Thermal("gas", "r", PlantType.Gas, 2000, 90, 400),
        ]), 64 * Hour);
        var dam = s.SeriesOf<PlantSample>("plant/dam");
        double Released(double from, double to) => dam.Where(r => r.Hours >= from && r.Hours < to).Sum(r => r.DispatchedMW) * IntervalHours;
        // Local days start at 16:00 UTC; the first, partial day brings 16/24 of the budget.
        Assert.True(Released(0, 16) <= daily * 16 / 24 + Eps);
        Assert.True(Released(0, 40) <= daily * (16.0 / 24 + 1) + Eps);
        Assert.True(Released(0, 64) <= daily * (16.0 / 24 + 2) + Eps);
        // On the run's first day it knows no prices yet and releases its water (16/24 of a day's, 2,667 MWh) in the shape
        // of the load profile over the 16 h left: 10 h at 1.0, 5 h at 1.3, 1 h at 1.0, so the peak gets 6.5 of 17.5 parts
        // and the budget is used up by midnight.
        double firstPeak = dam.Where(r => r.Hours < 16 && LocalHour(r.Hours) is >= 18 and < 23).Sum(r => r.DispatchedMW) * IntervalHours;
        Assert.Equal(daily * 16 / 24 * 6.5 / 17.5, firstPeak, 3);
        Assert.Equal(daily * 16 / 24, Released(0, 16), 3);
        var morning = dam.First(r => LocalHour(r.Hours) is >= 9 and < 10).DispatchedMW;
        var evening = dam.First(r => r.Hours < 16 && LocalHour(r.Hours) is >= 19 and < 20).DispatchedMW;
        Assert.Equal(1.3, evening / morning, 6);
        // On the second full day it has learnt the prices: its water goes mostly to the evening peak (gas hours).
        double peak = dam.Where(r => r.Hours >= 40 && r.Hours < 64 && LocalHour(r.Hours) is >= 18 and < 23).Sum(r => r.DispatchedMW) * IntervalHours;
        Assert.True(peak > 0.6 * Released(40, 64), $"peak {peak} of {Released(40, 64)} MWh");
        Assert.Equal(0, s.HydroSpillMWh, 6);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
    }

    [Fact]
    public void Regions_record_the_price_of_their_marginal_supply_and_the_carbon_intensity_of_what_served_their_load()
    {
        // Local hours 0–11: load 2,000 MW (nuclear 920 at its must-run + coal 1,080); 12–23: 500 MW (nuclear backed down).
        var s = Run(Grid([Region("r", 2000) with { LoadProfile = Profile(12, 24, 0.25) }],
            [Thermal("nuclear", "r", PlantType.Nuclear, 1000, 10, 12) with { MustRun = 1 }, Thermal("coal", "r", PlantType.Coal, 3000, 40, 820)]), 8 * Hour);
        foreach (var r in s.SeriesOf<RegionSample>("region/r"))
        {
            bool high = LocalHour(r.Hours) < 12;
            Assert.Equal(high ? 40 : 0, r.PriceUsdPerMWh, 9);
            Assert.Equal(high ? (920 * 12 + 1080 * 820) / 2000.0 : 12, r.CarbonKgPerMWh, 9);
            Assert.Equal(high ? 820 : 0, r.MarginalCarbonKgPerMWh, 9);    // coal at the margin; nothing priced at low load
        }
        Assert.Equal(new[] { "hours", "load_mw", "served_mw", "import_mw", "export_mw", "curtailed_mw", "price_usd_per_mwh", "carbon_kg_per_mwh",
            "marginal_carbon_kg_per_mwh" }, RegionSample.Columns);
    }

    [Fact]
    public void A_linear_load_profile_is_interpolated_between_the_hours_midpoints_and_a_step_profile_is_not()
    {
        // Profile 1 + h/100 (local hour h, UTC+8): linear reads it at each interval's midpoint m (local hours) as
        // p(⌊m − ½⌋) + (m − ½ − ⌊m − ½⌋)·(p(⌊m − ½⌋ + 1) − p(⌊m − ½⌋)), wrapping at midnight; step reads p(hour of the start).
        double[] profile = [.. Enumerable.Range(0, 24).Select(h => 1 + h / 100.0)];
        double P(int h) => profile[((h % 24) + 24) % 24];
        SupplyChainSpec Spec(LoadShape shape) => Empty("grid") with
        {
            Regions = [Region("r", 1000) with { LoadProfile = profile, LoadShape = shape }],
            Plants = [Hydro("hydro", "r", 2000)],
        };
        var linear = Run(Spec(LoadShape.Linear), 24 * Hour).SeriesOf<RegionSample>("region/r");
        var step = Run(Spec(LoadShape.Step), 24 * Hour).SeriesOf<RegionSample>("region/r");
        Assert.Equal(288, linear.Count);
        for (int k = 0; k < linear.Count; k++)
        {
            double m = (k + 0.5) * IntervalHours + 8 - 0.5;
            int h = (int)Math.Floor(m);
            double expected = 1000 * (P(h) + (m - h) * (P(h + 1) - P(h)));
            Assert.Equal(expected, linear[k].LoadMW, 6);
            Assert.Equal(1000 * P(LocalHour(step[k].Hours)), step[k].LoadMW, 6);
        }
        // Linear changes by at most 1/12 of an hourly step per interval, except across midnight (23 → 0).
        for (int k = 1; k < linear.Count; k++)
            if (Math.Abs(linear[k].LoadMW - linear[k - 1].LoadMW) > 10.0 / 12 + Eps)
                Assert.InRange(k * IntervalHours + 8, 23.5, 24.6);
    }

    [Fact]
    public void A_region_west_of_greenwich_follows_its_load_profile_from_the_start()
    {
        // UTC−5: the run starts at 19:00 local of the day before; the profile used to be indexed with a negative hour.
        var s = Run(Grid([Region("r", 1000) with { UtcOffsetHours = -5, LoadProfile = Profile(19, 24, 0.5) }], [Hydro("hydro", "r", 2000)]), 6 * Hour);
        foreach (var r in s.SeriesOf<RegionSample>("region/r"))
            Assert.Equal(r.Hours < 5 ? 500 : 1000, r.LoadMW, 9);
    }

    [Fact]
    public void Imports_carry_the_carbon_intensity_of_the_exporters_block()
    {
        var s = Run(Grid([Region("west", 0), Region("east", 1000)],
            [Thermal("west-coal", "west", PlantType.Coal, 2000, 20, 1000), Thermal("east-gas", "east", PlantType.Gas, 2000, 80, 400)],
            [Link("l", "west", "east", 500, 1000) with { LossPer1000Km = 0.04 }]), 1 * Hour);
        foreach (var r in s.SeriesOf<RegionSample>("region/east"))
        {
            Assert.Equal(480, r.ImportMW, 6);                              // 500 MW sent, 4 % lost
            Assert.Equal((480 * 1000 / 0.96 + 520 * 400) / 1000, r.CarbonKgPerMWh, 6);
            Assert.Equal(80, r.PriceUsdPerMWh, 9);
            Assert.Equal(400, r.MarginalCarbonKgPerMWh, 9);                 // the gas plant sets the price
        }
    }

    [Fact]
    public void The_small_scenario_with_every_grid_feature_conserves_energy_and_gives_the_sequential_digest_windowed()
    {
        var faults = new FaultSpec[]
        {
            new("plant-outage", "ningxia-coal", 2 * Hour, 1 * Hour, Fraction: 0.5),
            new("link-trip", "lingzhou-shaoxing", 5 * Hour, 20 * Minute),
            new("demand-spike", "all", 3 * Hour, 2 * Hour, Multiplier: 2),
        };
        var model = new SupplyChainModel(SmallWithGridPhysics(faults));
        var settings = Settings(20 * Hour, 5);
        var a = new SequentialExecutor().Run(model, settings);
        var b = new WindowedExecutor().Run(model, settings);
        var c = new WindowedExecutor(shuffleSeed: 17).Run(model, settings);
        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.Digest, c.Digest);

        var s = SupplyChainSummary.From(model, a);
        Assert.True(s.EnergyConserved, s.EnergyImbalance);
        Assert.True(s.RequestsConserved, s.RequestImbalance);
        Assert.True(s.StorageChargedMWh > 0 && s.StorageDischargedMWh > 0 && s.StorageLossesMWh > 0);
        Assert.True(s.StartupCostUsd > 0);
        Assert.Equal(s.CurtailedMWh, s.CurtailedWindMWh + s.CurtailedSolarMWh + s.HydroSpillMWh, 6);
        Assert.Equal(new[] { "ningxia" }, s.CurtailmentShareByRegion.Keys);
        Assert.InRange(s.CurtailmentShareByRegion["ningxia"], 0, 1);
        Assert.True(s.SeriesOf<PlantSample>("plant/ningxia-reservoir").Sum(r => r.DispatchedMW) > 0);
        Assert.All(s.SeriesOf<PlantSample>("plant/zhejiang-nuclear"), r => Assert.Equal(1000 * SupplyChain.Plant.NuclearAvailability, r.DispatchedMW, 6));
        // The scheduled link stays within its band while it is up (the trip takes it to zero).
        foreach (var r in s.SeriesOf<LinkSample>("link/lingzhou-shaoxing").Where(r => r.CapacityMW > 0))
            Assert.True(r.SentMW <= (SmallLinkSchedule[LocalHour(r.Hours)] + 0.15) * 1200 + Eps, $"{r.Hours:F2} h: sent {r.SentMW} MW");
    }

    [Fact]
    public void The_grid_features_state_survives_a_checkpoint_and_resume_across_local_midnight_on_several_nodes()
    {
        // Checkpoints every 2 h; the resume starts from the one at 14 h, before local midnight (16:00 UTC), where
        // reservoirs start a new budget and thermal units idle at midnight stop: every new piece of state must round-trip.
        var model = new SupplyChainModel(SmallWithGridPhysics(new FaultSpec("plant-outage", "zhejiang-coal", 15 * Hour, 2 * Hour, Fraction: 0.4)));
        var settings = Settings(20 * Hour, 9);
        var reference = new SequentialExecutor().Run(model, settings);
        var first = new WindowedExecutor(new WindowedOptions(2, Leases: true, ShuffleSeed: 3, new CheckpointPlan(2 * Hour), EncodeBatches: true));
        Assert.Equal(reference.Digest, first.Run(model, settings).Digest);
        var cp = first.Checkpoints.First(c => c.TimeMicros >= 14 * Hour);
        Assert.True(cp.TimeMicros < 16 * Hour, $"checkpoint at {cp.TimeMicros} µs");
        var resumed = new WindowedExecutor(new WindowedOptions(2, Leases: true, ShuffleSeed: 4, new CheckpointPlan(2 * Hour, cp.K, cp.TimeMicros, Resume: true)));
        Assert.Equal(reference.Digest, resumed.Run(model, settings, cp).Digest);
    }
}
