using System.Globalization;
using System.Text;

namespace GridActors.Reports.Tests;

/// <summary>Writes small synthetic run and sweep folders into a temp directory: two grid regions, three plants,
/// one UHV link, two hubs, one domestic and one overseas user region, one subsea cable, and two faults (a hub
/// failure that begins and ends, a cable cut that never ends).</summary>
public sealed class RunFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("gridactors-reports-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    public sealed record Costs(double Total, double Electricity, double Capital, double Network);

    /// <summary>The fixture's calibration list in summary.json: one met target, one missed, one without a value.</summary>
    public const string CalibrationJson = """
        [
          { "id": "no-unserved", "metric": "unserved_share", "scope": "national", "value": 0, "low": null, "high": 0.0001, "pass": true, "source": "[R4]" },
          { "id": "west-solar-curtailed", "metric": "curtailment_share", "scope": "region=west, plant_type=solar", "value": 0.0412, "low": 0.08, "high": null, "pass": false, "source": "[R4] Qinghai <15.2 %>" },
          { "id": "tie-flow", "metric": "link_mean_flow_mw", "scope": "link=west-east", "value": null, "low": 500, "high": 900, "pass": false, "source": "ESTIMATE" }
        ]
        """;

    /// <summary>The fixture's carbon per token in summary.json (grams per token ×<c>scale</c>).</summary>
    public static string CarbonJson(double scale = 1) => $$"""
        "carbon": { "gPerMillionTokens": {{F(72.5 * scale)}}, "marginalGPerMillionTokens": {{F(131 * scale)}},
          "gPerTokenByHub": { "hub-east": {{F(9.1e-5 * scale)}}, "hub-west": {{F(3.2e-5 * scale)}} },
          "marginalGPerTokenByHub": { "hub-east": {{F(1.4e-4 * scale)}}, "hub-west": {{F(1.1e-4 * scale)}} },
          "gPerTokenByUserRegion": { "cn_home": {{F(6.5e-5 * scale)}}, "overseas": {{F(8.2e-5 * scale)}} },
          "marginalGPerTokenByUserRegion": { "cn_home": {{F(1.2e-4 * scale)}}, "overseas": {{F(1.45e-4 * scale)}} },
          "attributedT": {{F(18.125 * scale)}}, "marginalAttributedT": {{F(32.75 * scale)}}, "unattributedT": 0, "tokens": 2.5e11, "idleHubsT": 1.5 },
        """;

    public string Run(string name = "run", double horizonHours = 4, bool topology = true, bool faults = true, Costs? costs = null, double intervalHours = 1.0 / 12,
        string calibration = CalibrationJson, bool drivers = true, double? carbon = 1, double curtailedMWh = 700, string? batch = null)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        costs ??= new Costs(0.5, 0.1, 0.35, 0.05);
        var runId = $"20260101-000000-{name}-s7-abc123";
        File.WriteAllText(Path.Combine(dir, "run.json"), $$"""
            { "runId": "{{runId}}", "scenario": "scenarios/{{name}}.yaml", "scenarioHash": "x", "seed": 7, "executor": "sequential",
              "nodes": 1, "engineVersion": "0.1.0", "horizonSeconds": {{F(horizonHours * 3600)}}, "entities": 11, "someFutureKey": [1, 2] }
            """);
        File.WriteAllText(Path.Combine(dir, "summary.json"), $$"""
            {
              "runId": "{{runId}}", "digest": "d1g3st{{name}}", "events": 12345, "simulatedSeconds": {{F(horizonHours * 3600)}},
              "energy": { "generatedMWh": 30000, "consumedMWh": 29000, "lossesMWh": 300, "curtailedMWh": {{F(curtailedMWh)}}, "unservedMWh": 0, "hubMWh": 500, "carbonT": 9000 },
              "requests": { "arrived": 1000000, "served": 990000, "dropped": 5000, "droppedBy": { "queue-overflow": 0, "hub-down": 4000, "no-route": 0, "cable-cut": 1000 } },
              "tokens": { "served": 2.5e11, "arrived": 2.6e11 },
              "energyPerTokenJ": { "facility": 7.2, "input": null, "output": null },
              "costPerMillionTokensUsd": { "total": {{F(costs.Total)}}, "electricity": {{F(costs.Electricity)}}, "capital": {{F(costs.Capital)}}, "network": {{F(costs.Network)}} },
              {{(drivers ? DriversJson(600 * costs.Electricity) : "")}}
              {{(carbon is double scale ? CarbonJson(scale) : "")}}
              "latencyMs": { "p50": 300, "p95": 1200, "p99": 2400 },
              "latencyMsByRegion": { "cn_home": { "p50": 150, "p95": 600, "p99": 900 }, "overseas": { "p50": 450, "p95": 1900, "p99": 3900 } },
              "sloViolationRate": 0.12,
              {{(batch is null ? "" : $"\"batch\": {batch},")}}
              "invariants": { "energyConserved": true, "requestsConserved": true, "energyImbalance": null },
              "calibration": {{calibration}},
              "aNewSection": { "whatever": 1 }
            }
            """);
        if (topology)
            File.WriteAllText(Path.Combine(dir, "topology.json"), $$"""
                {
                  "name": "{{name}}", "horizonHours": {{F(horizonHours)}}, "dispatchIntervalHours": {{F(intervalHours)}}, "policy": "latency-first",
                  "plants": [
                    { "id": "west-solar", "region": "west", "type": "solar", "capacityMW": 2000, "lat": 37.5, "lon": 105.7 },
                    { "id": "west-wind", "region": "west", "type": "wind", "capacityMW": 1500, "lat": 37.5, "lon": 105.7 },
                    { "id": "east-coal", "region": "east", "type": "coal", "capacityMW": 3000, "lat": 30.0, "lon": 120.6 }
                  ],
                  "regions": [ { "id": "west", "backgroundLoadMW": 800, "lat": 37.6, "lon": 105.8 }, { "id": "east", "backgroundLoadMW": 3500, "lat": null, "lon": null } ],
                  "links": [ { "id": "west-east", "from": "west", "to": "east", "capacityMW": 1200, "lengthKm": 1700 } ],
                  "hubs": [
                    { "id": "hub-west", "region": "west", "role": "west", "lat": 37.4, "lon": 105.2, "servers": 40 },
                    { "id": "hub-east", "region": "east", "role": "east", "lat": 31.1, "lon": 120.9, "servers": 60 }
                  ],
                  "cables": [ { "id": "cab1", "lengthKm": 10000, "capacityTbps": 20 } ],
                  "users": [
                    { "id": "cn_home", "lat": null, "lon": null, "sloTtftMs": 2000, "routes": [ { "hub": "hub-east", "cable": null }, { "hub": "hub-west", "cable": null } ] },
                    { "id": "overseas", "lat": null, "lon": null, "sloTtftMs": 2000, "routes": [ { "hub": "hub-east", "cable": "cab1" }, { "hub": "hub-west", "cable": "cab1" } ] }
                  ],
                  "faults": [
                    { "index": 0, "kind": "hub-failure", "target": "hub-west", "startHours": 1, "durationHours": 1, "fraction": 1, "multiplier": 1 },
                    { "index": 1, "kind": "cable-cut", "target": "cab1", "startHours": 2.5, "durationHours": 100, "fraction": 1, "multiplier": 1, "source": "injected" }
                  ]
                }
                """);

        var steps = (int)Math.Round(horizonHours / intervalHours);
        var plants = new StringBuilder("entity,hours,available_mw,dispatched_mw,curtailed_mw\n");
        foreach (var (id, cap) in new[] { ("east-coal", 3000.0), ("west-solar", 2000.0), ("west-wind", 1500.0) })
            for (var k = 0; k < steps; k++)
            {
                var t = k * intervalHours + 0.001111;
                var avail = id.Contains("solar") ? cap * Math.Max(0, Math.Sin(t / horizonHours * Math.PI)) : cap * (0.6 + 0.3 * Math.Sin(t));
                var disp = avail * 0.9;
                plants.Append(CultureInfo.InvariantCulture, $"{id},{F(t)},{F(avail)},{F(disp)},{F(avail - disp)}\n");
            }
        File.WriteAllText(Path.Combine(dir, "plants.csv"), plants.ToString());

        var regions = new StringBuilder("entity,hours,load_mw,served_mw,import_mw,export_mw,curtailed_mw\n");
        foreach (var id in new[] { "east", "west" })
            for (var k = 0; k < steps; k++)
                regions.Append(CultureInfo.InvariantCulture, $"{id},{F(k * intervalHours + 0.000833)},1000,1000,0,0,0\n");
        File.WriteAllText(Path.Combine(dir, "regions.csv"), regions.ToString());

        var links = new StringBuilder("entity,hours,sent_mw,delivered_mw,loss_mw,capacity_mw\n");
        for (var k = 0; k < steps; k++)
        {
            var sent = 600 + 500 * Math.Sin(k * intervalHours);
            links.Append(CultureInfo.InvariantCulture, $"west-east,{F(k * intervalHours + 0.001111)},{F(sent)},{F(sent * 0.95)},{F(sent * 0.05)},1200\n");
        }
        File.WriteAllText(Path.Combine(dir, "links.csv"), links.ToString());

        var hubs = new StringBuilder("entity,hours,grant_mw,usable_servers,busy_servers,queued_requests,tokens_served,it_mwh,prefill_accelerator_hours,busy_accelerator_hours,input_tokens,output_tokens\n");
        foreach (var (id, servers) in new[] { ("hub-east", 60), ("hub-west", 40) })
            for (var k = 1; k <= steps; k++)
            {
                var t = k * intervalHours;
                var down = faults && id == "hub-west" && t > 1 && t <= 2;
                var usable = down ? 0 : servers;
                var busy = down ? 0 : (int)(servers * (0.5 + 0.3 * Math.Sin(t)));
                hubs.Append(CultureInfo.InvariantCulture, $"{id},{F(t)},{F(down ? 0 : 20 + busy * 0.5)},{usable},{busy},{(down ? 0 : k % 7 * 10)},{F(down ? 0 : busy * 1.5e7)},0,0,0,0,0\n");
            }
        File.WriteAllText(Path.Combine(dir, "hubs.csv"), hubs.ToString());

        var users = new StringBuilder("entity,hour,arrived,completed,dropped,slo_violations,mean_ttft_ms\n");
        foreach (var id in new[] { "cn_home", "overseas" })
            for (var h = 0; h < (int)Math.Ceiling(horizonHours); h++)
                users.Append(CultureInfo.InvariantCulture, $"{id},{h},{100000 + h * 1000},{99000 + h * 1000},{(id == "overseas" && h >= 2 ? 500 : 0)},{(id == "overseas" ? 20000 + h * 3000 : 5000)},{(id == "overseas" ? 800 + h * 100 : 300 + h * 10)}\n");
        File.WriteAllText(Path.Combine(dir, "users.csv"), users.ToString());

        if (batch is not null)
        {
            // The scheduler's hours: work piles up for the first half, drains in the second; 10 requests miss at hour 2.
            var hours = (int)Math.Ceiling(horizonHours);
            var scheduler = new StringBuilder("entity,hour,held_requests,held_tokens,released_requests,green_released_tokens,missed_requests\n");
            for (var h = 0; h < hours; h++)
            {
                double held = h < hours / 2 ? 1000 * (h + 1) : 1000 * (hours - h - 1);
                scheduler.Append(CultureInfo.InvariantCulture, $"batch,{h},{F(held)},{F(held * 500)},{(h < hours / 2 ? 100 : 1200)},{F(2e5 * h)},{(h == 2 ? 10 : 0)}\n");
            }
            File.WriteAllText(Path.Combine(dir, "scheduler.csv"), scheduler.ToString());
        }

        File.WriteAllText(Path.Combine(dir, "faults.csv"), faults
            ? "hours,fault,kind,target,event\n1,0,hub-failure,hub-west,begin\n2,0,hub-failure,hub-west,end\n2.5,1,cable-cut,cab1,begin\n"
            : "hours,fault,kind,target,event\n");
        return dir;
    }

    /// <summary>summary.json's cost drivers (the electricity price follows the fixture's electricity cost, so runs with different
    /// costs differ in it), with the cost per million tokens they give.</summary>
    public static string DriversJson(double electricityUsdPerMWh, double margin = 1)
    {
        var d = new GridActors.Model.SupplyChain.CostDrivers(electricityUsdPerMWh, 1.2, 1100, 2.5, 1800, 0.55, 1.25, margin);
        return $$"""
            "costDrivers": { "electricityUsdPerMWh": {{F(d.ElectricityUsdPerMWh)}}, "pue": 1.2, "meanItWPerAccelerator": 1100, "acceleratorUsdPerHour": 2.5,
              "workTokensPerBusyAcceleratorSecond": 1800, "utilisation": 0.55, "cacheFactor": 1.25, "margin": {{F(margin)}}, "costPerMillionTokens": {{F(d.CostPerMillionTokens)}} },
            """;
    }

    /// <summary>A sweep folder whose sweep.csv rows are deliberately out of rank order.</summary>
    public string Sweep(string name = "sweep")
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "sweep.csv"),
            "rank,kind,component,impact_score,tokens_lost,tokens_lost_share,slo_violation_rate_base,slo_violation_rate,slo_violation_rate_change,max_p99_change_ms,max_p99_region,curtailed_mwh_change,cost_per_m_tokens_change_usd,digest,run_dir\n" +
            "2,link-trip,west-east,0.41,1.2e10,0.048,0.12,0.19,0.07,900,overseas,350,0.012,aaa,runs/sweep/link-trip-west-east\n" +
            "1,hub-failure,hub-east,0.87,9.5e10,0.38,0.12,0.55,0.43,5200,cn_home,10,0.2,bbb,runs/sweep/hub-failure-hub-east\n" +
            "3,cable-cut,cab1,0.22,3e9,0.012,0.12,0.14,0.02,1500,overseas,0,0.001,ccc,runs/sweep/cable-cut-cab1\n" +
            "4,plant-outage,west-solar,0.01,0,0,0.12,0.12,0,-20,cn_home,-120,-0.0005,ddd,runs/sweep/plant-outage-west-solar\n");
        File.WriteAllText(Path.Combine(dir, "sweep-regions.csv"),
            "component,kind,region,p99_base_ms,p99_ms,p99_change_ms\n" +
            "hub-east,hub-failure,cn_home,900,6100,5200\nhub-east,hub-failure,overseas,3900,7000,3100\n" +
            "west-east,link-trip,cn_home,900,1000,100\nwest-east,link-trip,overseas,3900,4800,900\n" +
            "cab1,cable-cut,cn_home,900,900,0\ncab1,cable-cut,overseas,3900,5400,1500\n" +
            "west-solar,plant-outage,cn_home,900,880,-20\nwest-solar,plant-outage,overseas,3900,3890,-10\n");
        return dir;
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
