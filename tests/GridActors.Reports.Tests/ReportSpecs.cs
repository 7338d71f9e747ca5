namespace GridActors.Reports.Tests;

public sealed class ReportSpecs : IDisposable
{
    private readonly RunFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    public static readonly string[] RunCharts =
    [
        "generation-mix", "link-utilisation", "hub-power", "hub-utilisation", "hub-queue", "hub-tokens",
        "latency-by-region", "ttft-by-region", "slo-violations", "cost-breakdown", "carbon-by-hub", "carbon-by-user-region", "topology-map",
    ];

    public static readonly string[] TimeCharts =
        ["generation-mix", "link-utilisation", "hub-power", "hub-utilisation", "hub-queue", "hub-tokens", "ttft-by-region", "slo-violations"];

    public static readonly string[] ComparisonCharts = ["cmp-waterfall", "cmp-generation", "cmp-tokens", "cmp-curtailment", "cmp-slo", "cmp-p99", "cmp-cost"];

    [Fact]
    public void Run_report_is_written_into_the_run_folder_with_every_chart_drawn()
    {
        var dir = _fx.Run();
        var path = ReportBuilder.WriteRunReport(dir);
        Assert.Equal(Path.GetFullPath(Path.Combine(dir, "report.html")), path);
        var html = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("20260101-000000-run-s7-abc123", html);
        Assert.Contains("d1g3strun", html);
        foreach (var name in RunCharts)
        {
            var svg = Page.Chart(html, name);
            Assert.Contains("class=\"chart", svg);
            Assert.DoesNotContain("data-nodata", svg);
            Assert.DoesNotContain("OxyPlot exception", svg);
            Assert.True(Page.Marks(svg) >= 3, $"{name} has {Page.Marks(svg)} marks");
        }
        foreach (var name in TimeCharts)
            Assert.True(Page.LongestSeries(Page.Chart(html, name)) >= 4, $"{name} draws no series");
        Assert.Equal(RunCharts.Length, Page.ChartNames(html).Distinct().Count());
        // Every chart sits in a figure with a caption.
        Assert.Equal(RunCharts.Length, System.Text.RegularExpressions.Regex.Matches(html, "<figure\\b[^>]*>\\s*<svg class=\"chart").Count);
        Assert.True(System.Text.RegularExpressions.Regex.Matches(html, "<figcaption>").Count >= RunCharts.Length);
    }

    [Fact]
    public void The_cables_section_charts_hourly_utilisation_and_added_latency_and_tabulates_each_cables_losses()
    {
        var dir = _fx.Run("cables");
        var csv = new System.Text.StringBuilder("entity,hour,background_tbps,rerouted_tbps,ai_gbps,utilisation,peak_utilisation,added_latency_ms,requests,dropped_congestion,lost_to_cut,dropped_path_down,cut\n");
        for (int h = 0; h < 4; h++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"ncp,{h},14,0,5,{0.2 + 0.01 * h},{0.21 + 0.01 * h},1.2,1000,0,0,0,0\n");
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"aag,{h},2,{(h >= 2 ? 15 : 0)},1,{(h >= 2 ? 1.7 : 0.2)},{(h >= 2 ? 1.8 : 0.2)},{(h >= 2 ? 400 : 0.5)},500,{(h >= 2 ? 321 : 0)},0,0,0\n");
        }
        File.WriteAllText(Path.Combine(dir, "cables.csv"), csv.ToString());
        var summary = File.ReadAllText(Path.Combine(dir, "summary.json"));
        summary = summary.Replace("\"aNewSection\"", """
            "network": { "bytesSent": 2e12, "bytesCarried": 1.9e12, "bytesDropped": 1e11, "foreignTokens": 1e11, "foreignTokensIntoChinaShare": 0.75,
              "cables": { "aag": { "meanUtilisation": 0.95, "peakUtilisation": 1.8, "maxAddedLatencyMs": 400, "requests": 2000, "droppedCongestion": 642, "lostToCut": 0, "droppedPathDown": 0, "hoursCut": 0 },
                          "ncp": { "meanUtilisation": 0.215, "peakUtilisation": 0.24, "maxAddedLatencyMs": 1.2, "requests": 4000, "droppedCongestion": 0, "lostToCut": 0, "droppedPathDown": 0, "hoursCut": 0 } } },
            "aNewSection"
            """);
        File.WriteAllText(Path.Combine(dir, "summary.json"), summary);
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir));
        foreach (var name in new[] { "cable-utilisation", "cable-latency" })
            Assert.True(Page.LongestSeries(Page.Chart(html, name)) >= 4, $"{name} draws no series");
        Assert.Contains("12. Cables", html);
        Assert.Contains("75.0%", html);   // the share of foreign tokens that crossed into China
        int aag = html.IndexOf("<td>aag</td>", StringComparison.Ordinal), ncp = html.IndexOf("<td>ncp</td>", StringComparison.Ordinal);
        Assert.True(aag > 0 && ncp > aag, "cables ranked by peak utilisation, the congested one first");
        // An older folder without cables.csv or the network section still reports.
        Assert.Contains("no cable summary", File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run("older"))));
    }

    [Fact]
    public void A_failed_landing_station_is_crossed_on_the_map_and_the_routes_through_it_are_drawn_cut()
    {
        var dir = _fx.Run("stations");
        var topo = File.ReadAllText(Path.Combine(dir, "topology.json"))
            .Replace("\"cables\": [", "\"landingStations\": [ { \"id\": \"hk_tko\", \"lat\": 22.3, \"lon\": 114.3 }, { \"id\": \"sh_nanhui\", \"lat\": 30.9, \"lon\": 121.9 } ], \"segments\": [ { \"id\": \"hk_backhaul\", \"lengthKm\": 45 } ], \"cables\": [ { \"id\": \"cab2\", \"lengthKm\": 3000, \"capacityTbps\": 100 },")
            .Replace("{ \"hub\": \"hub-west\", \"cable\": \"cab1\" }", "{ \"hub\": \"hub-west\", \"cable\": \"cab2\", \"via\": [\"hk_tko\", \"hk_backhaul\"] }")
            .Replace("{ \"hub\": \"hub-east\", \"cable\": \"cab1\" }", "{ \"hub\": \"hub-east\", \"cable\": \"cab1\", \"via\": [\"sh_nanhui\"] }")
            .Replace("\"source\": \"injected\" }", "\"source\": \"injected\" }, { \"index\": 2, \"kind\": \"landing-station-failure\", \"target\": \"hk_tko\", \"startHours\": 0.5, \"durationHours\": 1, \"fraction\": 1, \"multiplier\": 1 }");
        File.WriteAllText(Path.Combine(dir, "topology.json"), topo);
        File.AppendAllText(Path.Combine(dir, "faults.csv"), "0.5,2,landing-station-failure,hk_tko,begin\n1.5,2,landing-station-failure,hk_tko,end\n");
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "class=\"landing-station( failed)?\"").Count);
        Assert.Contains("class=\"landing-station failed\"", html);
        Assert.Contains("landing station hk_tko (landing-station-failure)", html);   // in the map's list of failed elements
        Assert.Contains("cut at hk_tko in this run", html);                        // the route through it, drawn cut
    }

    [Fact]
    public void Faults_are_bands_labelled_on_every_time_chart_and_listed_in_a_table()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run()));
        foreach (var name in TimeCharts)
        {
            var svg = Page.Chart(html, name);
            Assert.Contains("hub-failure hub-west", svg);
            Assert.Contains("cable-cut cab1 (no end)", svg);
        }
        Assert.Contains("<section id=\"faults\">", html);
        Assert.Contains("injected", html);          // the topology's fault source
        Assert.Contains("until horizon", html);     // the cable cut never ends
    }

    [Fact]
    public void Elements_that_failed_are_marked_on_the_map_and_in_its_legend()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run()));
        var map = Page.Chart(html, "topology-map");
        Assert.Contains("class=\"hub failed\" data-failed=\"hub-failure hub-west\"", map);
        Assert.Contains("class=\"cable failed\" data-failed=\"cable-cut cab1\"", map);
        Assert.Contains("data-failed=\"hub-failure hub-west\"><path", map);     // the ✕
        Assert.Contains("stroke-dasharray", map);
        Assert.Contains("hub hub-west (hub-failure)", map);
        Assert.Contains("subsea cable cab1 (cable-cut)", map);
        Assert.DoesNotContain("data-failed=\"hub-failure hub-east\"", map);
        // Users without lat/lon are placed in a labelled row; the region without a place sits at its elements' mean.
        Assert.Contains(">overseas</text>", map);
        Assert.Contains(">cn_home</text>", map);
        Assert.Contains(">east</text>", map);
    }

    [Fact]
    public void A_run_without_faults_has_no_failed_marks()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run(faults: false)));
        Assert.DoesNotContain("class=\"hub failed\"", html);
        Assert.DoesNotContain("data-failed=", html);
        Assert.Contains("No fault began in this run", html);
    }

    [Fact]
    public void The_calibration_section_shows_each_target_against_its_band_with_pass_or_miss_and_its_source()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run()));
        var section = Page.Section(html, "calibration");
        Assert.Contains("<a href=\"#calibration\">Calibration</a>", html);
        Assert.Contains("<b>1 of 3</b> within their band", section);
        var rows = Page.TableRows(section, "calibration");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["no-unserved", "<code>unserved_share</code>", "national", "0 %", "≤ 0.01 %", "<span class=\"pass\">pass</span>", "[R4]"], rows[0]);
        Assert.Equal(["west-solar-curtailed", "<code>curtailment_share</code>", "region=west, plant_type=solar", "4.12 %", "≥ 8 %",
            "<span class=\"miss\">MISS</span>", "[R4] Qinghai &lt;15.2 %&gt;"], rows[1]);
        Assert.Equal(["tie-flow", "<code>link_mean_flow_mw</code>", "link=west-east", "— (no data)", "500 MW – 900 MW", "<span class=\"miss\">MISS</span>", "ESTIMATE"], rows[2]);
        // The key figures say it too.
        Assert.Contains("1 of 3 met", html);
        Assert.Contains("missed: west-solar-curtailed, tie-flow", html);
    }

    [Fact]
    public void A_run_without_calibration_targets_says_so_and_older_folders_without_the_list_load()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run("none", calibration: "[]")));
        Assert.Contains("data-calibration=\"none\"", Page.Section(html, "calibration"));
        Assert.DoesNotContain("of 3 met", html);
        var old = _fx.Run("old");
        var summary = Path.Combine(old, "summary.json");
        File.WriteAllText(summary, File.ReadAllText(summary).Replace("\"calibration\":", "\"notCalibration\":"));
        Assert.Contains("data-calibration=\"none\"", File.ReadAllText(ReportBuilder.WriteRunReport(old)));
    }

    [Fact]
    public void The_carbon_section_shows_grams_per_million_tokens_by_hub_and_by_user_region_in_tables_and_bars()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run()));
        var section = Page.Section(html, "carbon");
        Assert.Contains("<a href=\"#carbon\">Carbon</a>", html);
        Assert.Contains("<b>72.5 g CO₂ per million tokens</b>", section);
        Assert.Contains("131 g at the marginal intensity; 18.125 t attributed to 250G tokens (the grid's whole emissions: 9,000 t)", section);
        Assert.Contains("Hubs that served no token drew 1.5 t of it, spread over every user region's tokens.", section);
        Assert.DoesNotContain("reached no token", section);
        var hubs = Page.TableRows(section, "carbon-by-hub");
        Assert.Equal(2, hubs.Count);
        Assert.Equal(["hub-east", "91", "140", "9.1E-5"], hubs[0]);
        Assert.Equal(["hub-west", "32", "110", "3.2E-5"], hubs[1]);
        var users = Page.TableRows(section, "carbon-by-user-region");
        Assert.Equal(2, users.Count);
        Assert.Equal(["cn_home", "65", "120", "6.5E-5"], users[0]);
        Assert.Equal(["overseas", "82", "145", "8.2E-5"], users[1]);
        foreach (var chart in new[] { "carbon-by-hub", "carbon-by-user-region" })
        {
            var svg = Page.Chart(section, chart);
            Assert.Contains(">mean intensity</text>", svg);
            Assert.Contains(">marginal intensity</text>", svg);
            Assert.True(Page.Marks(svg) >= 4, $"{chart} has {Page.Marks(svg)} marks");
        }
        Assert.Contains("72.5 g CO₂", html);   // the key figures' tile
    }

    [Fact]
    public void A_folder_written_before_carbon_per_token_says_so_instead_of_charts()
    {
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run("old", carbon: null)));
        var section = Page.Section(html, "carbon");
        Assert.Contains("data-carbon=\"none\"", section);
        Assert.DoesNotContain("<svg", section);
        Assert.DoesNotContain("Carbon per M tokens", html);
    }

    [Fact]
    public void Pages_fetch_nothing_from_the_network()
    {
        var a = _fx.Run("a");
        var b = _fx.Run("b");
        var pages = new[]
        {
            ReportBuilder.WriteRunReport(a),
            ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "cmp", "compare.html")),
            ReportBuilder.WriteSweepReport(_fx.Sweep(), a),
        };
        foreach (var p in pages)
        {
            var html = File.ReadAllText(p);
            Assert.Empty(Page.NetworkReferences(html));
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("@font-face", html);
        }
        // The scanner itself finds what it is meant to find.
        Assert.NotEmpty(Page.NetworkReferences("<img src=\"https://cdn.example/x.png\">"));
        Assert.NotEmpty(Page.NetworkReferences("<link rel=\"stylesheet\" href=\"//fonts.example/css\">"));
        Assert.NotEmpty(Page.NetworkReferences("<style>body{background:url('http://x/y.png')}</style>"));
        Assert.Empty(Page.NetworkReferences("<a href=\"#links\">x</a><svg xmlns=\"http://www.w3.org/2000/svg\"></svg><link rel=\"icon\" href=\"data:,\">"));
    }

    [Theory]
    [InlineData("hubs.csv")]
    [InlineData("plants.csv")]
    [InlineData("links.csv")]
    [InlineData("users.csv")]
    [InlineData("faults.csv")]
    [InlineData("summary.json")]
    [InlineData("run.json")]
    public void A_missing_required_file_is_a_ReportException_naming_it(string file)
    {
        var dir = _fx.Run();
        File.Delete(Path.Combine(dir, file));
        var ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteRunReport(dir));
        Assert.Contains(file, ex.Message);
        Assert.Contains("not found", ex.Message);
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void Malformed_files_are_ReportExceptions_saying_what_is_wrong()
    {
        var dir = _fx.Run();
        File.WriteAllText(Path.Combine(dir, "summary.json"), "{ \"energy\": ");
        var ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteRunReport(dir));
        Assert.Contains("summary.json", ex.Message);
        Assert.Contains("malformed JSON", ex.Message);

        dir = _fx.Run("bad-csv");
        File.AppendAllText(Path.Combine(dir, "links.csv"), "west-east,4.5,lots,1,1,1200\n");
        ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteRunReport(dir));
        Assert.Contains("links.csv", ex.Message);
        Assert.Contains("'lots' is not a number", ex.Message);

        dir = _fx.Run("bad-header");
        File.WriteAllText(Path.Combine(dir, "hubs.csv"), "entity,hours,grant_mw\nhub-east,1,2\n");
        ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteRunReport(dir));
        Assert.Contains("hubs.csv", ex.Message);
        Assert.Contains("tokens_served", ex.Message);

        dir = _fx.Run("bad-event");
        File.AppendAllText(Path.Combine(dir, "faults.csv"), "3,0,hub-failure,hub-west,maybe\n");
        ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteRunReport(dir));
        Assert.Contains("faults.csv", ex.Message);
        Assert.Contains("maybe", ex.Message);
    }

    [Fact]
    public void A_missing_run_folder_is_a_ReportException()
    {
        var missing = Path.Combine(_fx.Root, "nope");
        var ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteRunReport(missing));
        Assert.Contains(missing, ex.Message);
        ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteComparison(_fx.Run(), missing, Path.Combine(_fx.Root, "c.html")));
        Assert.Contains(missing, ex.Message);
        ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteSweepReport(missing, _fx.Run("base")));
        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public void Without_topology_json_the_map_is_skipped_with_a_note()
    {
        var dir = _fx.Run(topology: false);
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir, Path.Combine(_fx.Root, "out", "r.html")));
        Assert.Contains("data-map=\"skipped\"", html);
        Assert.Contains("no topology.json", html);
        Assert.DoesNotContain("data-chart=\"topology-map\"", html);
        // Plant types are guessed from the ids, so the generation mix still has its layers.
        var gen = Page.Chart(html, "generation-mix");
        Assert.Contains(">solar</text>", gen);
        Assert.Contains(">coal</text>", gen);
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void Long_runs_are_downsampled_to_at_most_300_points_per_series()
    {
        // 60 hours at 5 minutes = 720 samples per entity.
        var dir = _fx.Run("long", horizonHours: 60);
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir));
        foreach (var name in TimeCharts.Where(n => n is not "ttft-by-region" and not "slo-violations"))
        {
            var n = Page.LongestSeries(Page.Chart(html, name));
            Assert.InRange(n, 100, 2 * 300 + 2); // an area polygon has its top and bottom edges
        }
    }

    [Fact]
    public void Comparison_of_runs_with_a_batch_scheduler_shows_absorbed_curtailment_waiting_work_and_missed_deadlines()
    {
        var a = _fx.Run("latency", batch: """{"policy": "latency-first", "shift": "time+space", "arrived": 3000, "released": 3000, "waiting": 0, "done": 2990, "missed": {"late": 0, "no-capacity": 10}}""");
        var b = _fx.Run("green", curtailedMWh: 640, batch: """{"policy": "green-aware", "shift": "time+space", "arrived": 3000, "released": 2800, "waiting": 200, "done": 2790, "missed": {"late": 4, "no-capacity": 0}}""");
        var html = File.ReadAllText(ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "compare-batch.html")));
        var rows = Page.TableRows(html, "comparison").ToDictionary(r => r[0], r => r);
        Assert.Equal(["0", "60"], rows["Curtailment absorbed by B (A − B, MWh)"].Skip(1).Take(2));
        Assert.Equal(["0", "200"], rows["Batch requests waiting at the end"].Skip(1).Take(2));
        Assert.Equal(["0", "4"], rows["Batch deadlines missed — late"].Skip(1).Take(2));
        Assert.Equal(["10", "0"], rows["Batch deadlines missed — no capacity"].Skip(1).Take(2));
        // Runs without a scheduler have no batch rows.
        var plain = File.ReadAllText(ReportBuilder.WriteComparison(_fx.Run("p1"), _fx.Run("p2"), Path.Combine(_fx.Root, "compare-plain.html")));
        Assert.DoesNotContain("Batch requests", plain);
    }

    [Fact]
    public void Run_report_shows_the_batch_account_and_the_work_held_and_released_over_time()
    {
        var dir = _fx.Run("batch-run", horizonHours: 8, batch: """{"policy": "green-aware", "shift": "time+space", "arrived": 3000, "released": 2800, "waiting": 200, "done": 2790, "missed": {"late": 4, "no-capacity": 10}}""");
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir));
        var section = Page.Section(html, "batch");
        Assert.Equal(["green-aware", "time+space", "3000", "2800", "2790", "200", "4", "10"], Page.TableRows(section, "batch")[0]);
        Assert.Contains("<b>14 missed their deadline</b>", section);
        // One point per hour of scheduler.csv, stamped at the end of its hour; the held work peaks at 4,000 requests.
        foreach (var name in new[] { "batch-held", "batch-green" })
        {
            var svg = Page.Chart(section, name);
            Assert.Equal(8, Page.LongestSeries(svg));
            Assert.DoesNotContain("data-nodata", svg);
        }
        Assert.Contains("held requests", Page.Chart(section, "batch-held"));
        Assert.Contains("released to surplus hubs (tokens)", Page.Chart(section, "batch-green"));
        // A run without a scheduler says so instead of drawing empty charts.
        var plain = Page.Section(File.ReadAllText(ReportBuilder.WriteRunReport(_fx.Run("no-batch"))), "batch");
        Assert.Contains("data-batch=\"none\"", plain);
        Assert.DoesNotContain("data-chart", plain);
    }

    [Fact]
    public void Comparison_figures_give_absorbed_curtailment_carbon_cost_and_both_batch_accounts()
    {
        var a = _fx.Run("fig-a", batch: """{"policy": "latency-first", "shift": "time+space", "arrived": 3000, "released": 3000, "waiting": 0, "done": 2990, "missed": {"late": 0, "no-capacity": 10}}""");
        var b = _fx.Run("fig-b", curtailedMWh: 640, carbon: 0.5, batch: """{"policy": "green-aware", "shift": "time", "arrived": 3000, "released": 2800, "waiting": 200, "done": 2790, "missed": {"late": 4, "no-capacity": 0}}""");
        var f = ReportBuilder.FiguresOf(a, b);
        Assert.Equal(new Pair(700, 640), f.CurtailedMWh);
        Assert.Equal(60, f.CurtailmentAbsorbedMWh!.Value, 9);
        Assert.Equal(new Pair(72.5, 36.25), f.CarbonGPerMillionTokens);
        Assert.Equal(new Pair(131, 65.5), f.MarginalCarbonGPerMillionTokens);
        Assert.Equal(new Pair(9000, 9000), f.GridCarbonT);
        Assert.Equal("latency-first", f.Batch.A!.Policy);
        Assert.Equal(("green-aware", "time", 200.0, 4.0), (f.Batch.B!.Policy, f.Batch.B.Shift, f.Batch.B.Waiting, f.Batch.B.Missed["late"]));
        // Runs without a scheduler have no batch accounts; the paired chart of held work is drawn only when one has.
        var plain = ReportBuilder.FiguresOf(_fx.Run("fig-p1"), _fx.Run("fig-p2"));
        Assert.Equal(new BatchPair(null, null), plain.Batch);
        var page = File.ReadAllText(ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "compare-fig.html")));
        var held = Page.Chart(page, "cmp-batch");
        Assert.True(held.Split("<polyline").Length - 1 >= 2, "A and B each draw their held work");
        Assert.Equal(4, Page.LongestSeries(held));
        Assert.DoesNotContain("cmp-batch", File.ReadAllText(ReportBuilder.WriteComparison(_fx.Run("fig-p1"), _fx.Run("fig-p2"), Path.Combine(_fx.Root, "compare-fig-plain.html"))));
    }

    [Fact]
    public void The_live_map_marks_the_faults_in_force_at_a_time_and_redraws_what_was_repaired()
    {
        // The fixture's faults: hub-west fails from 1 h to 2 h; cab1 is cut from 2.5 h to the horizon.
        var topology = System.Text.Json.JsonSerializer.Deserialize<GridActors.Reports.Format.TopologyFile>(
            File.ReadAllText(Path.Combine(_fx.Run("live"), "topology.json")), GridActors.Reports.Format.RunFolderJson.Compact)!;
        string Failed(double hours) => string.Join(",", System.Text.RegularExpressions.Regex.Matches(LiveView.Map(topology, hours), "data-failed=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("", Failed(0.5));
        Assert.Equal("hub-failure hub-west", Failed(1.5));
        Assert.Equal("", Failed(2.2));
        Assert.Equal("cable-cut cab1", Failed(3.5));
    }

    [Fact]
    public void Comparison_has_deltas_the_cost_ratio_and_the_electricity_share()
    {
        var a = _fx.Run("cn", costs: new RunFixture.Costs(1.0, 0.2, 0.7, 0.1));
        var b = _fx.Run("overseas", costs: new RunFixture.Costs(2.0, 0.8, 1.1, 0.1), faults: false, carbon: 2);
        var path = ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "compare.html"));
        var html = File.ReadAllText(path);
        Assert.Contains("data-table=\"comparison\"", html);
        Assert.Contains("B / A = 2×", html);
        Assert.Contains("Electricity explains 60% of the difference", html);
        Assert.Contains("capital 40%", html);
        Assert.Contains("network 0%", html);
        Assert.Contains("p99 overseas (ms)", html);
        Assert.Contains("Curtailed (MWh)", html);
        Assert.Contains("Energy per token (J)", html);
        Assert.Contains("+100.0%", html); // total cost delta %
        // Carbon per million tokens of both runs, overall, at the marginal intensity and by user region (B's is twice A's).
        var carbon = Page.TableRows(html, "comparison").Where(r => r[0].StartsWith("Carbon per M tokens", StringComparison.Ordinal) || r[0].StartsWith("… at marginal", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Carbon per M tokens (g CO₂)", "72.5", "145", "<span class=\"pos\">+72.5</span>", "+100.0%", "2×"], carbon[0]);
        Assert.Equal(4, carbon.Count);
        Assert.Equal(["… at marginal intensity (g CO₂)", "131", "262"], carbon[1].Take(3));
        Assert.Equal(["Carbon per M tokens cn_home (g CO₂)", "65", "130"], carbon[2].Take(3));
        Assert.Equal(["Carbon per M tokens overseas (g CO₂)", "82", "164"], carbon[3].Take(3));
        var ia = html.IndexOf("20260101-000000-cn-s7", StringComparison.Ordinal);
        var ib = html.IndexOf("20260101-000000-overseas-s7", StringComparison.Ordinal);
        Assert.True(ia >= 0 && ib > ia, "A comes first");
        foreach (var name in ComparisonCharts)
        {
            var svg = Page.Chart(html, name);
            Assert.DoesNotContain("data-nodata", svg);
            Assert.True(Page.Marks(svg) >= 2, $"{name} has no marks");
        }
        // Overlaid series share the axes: both A and B are in the time charts' legends.
        Assert.Contains(">A</text>", Page.Chart(html, "cmp-generation"));
        Assert.Contains(">B</text>", Page.Chart(html, "cmp-generation"));
    }

    [Fact]
    public void Comparison_has_a_cost_waterfall_whose_factors_multiply_to_the_ratio()
    {
        // The fixture's drivers differ only in the electricity price: 0.2 → 120 USD/MWh (A), 0.8 → 480 USD/MWh (B).
        var a = _fx.Run("cn", costs: new RunFixture.Costs(1.0, 0.2, 0.7, 0.1));
        var b = _fx.Run("overseas", costs: new RunFixture.Costs(2.0, 0.8, 1.1, 0.1), faults: false);
        var w = ReportBuilder.CostWaterfallOf(a, b);
        double expected = (480 * 1.2 * 1100 / 1e6 + 2.5) / (120 * 1.2 * 1100 / 1e6 + 2.5);
        Assert.Equal(expected, w.Ratio, 12);
        Assert.Equal(expected, w.Steps[0].Factor, 12);
        Assert.All(w.Steps.Skip(1), x => Assert.Equal(1.0, x.Factor, 12));
        Assert.Equal("cost", w.Basis);

        var html = File.ReadAllText(ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "waterfall.html")));
        var section = Page.Section(html, "waterfall");
        Assert.Contains("data-table=\"waterfall\"", section);
        Assert.Contains("data-chart=\"cmp-waterfall\"", section);
        Assert.Contains(expected.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) + "×", section);
        Assert.Contains("total (B ÷ A, cost)", section);
        Assert.Contains("Neither run has list prices", section);
        Assert.True(Page.Marks(Page.Chart(html, "cmp-waterfall")) >= 10, "A, eight steps and B are drawn");

        // With list prices the total is the price ratio and the margin is a factor.
        var priced = _fx.Run("priced");
        var summary = Path.Combine(priced, "summary.json");
        File.WriteAllText(summary, File.ReadAllText(summary).Replace("\"margin\": 1,", "\"margin\": 1.5,"));
        var wp = ReportBuilder.CostWaterfallOf(a, priced);
        Assert.Equal("price", wp.Basis);
        Assert.Equal(1.5, wp.Steps[^1].Factor, 12);
        Assert.Equal(wp.Ratio, wp.Steps.Aggregate(1.0, (p, x) => p * x.Factor), 9);
    }

    [Fact]
    public void Folders_without_cost_drivers_still_compare_and_the_waterfall_says_why_it_is_missing()
    {
        var a = _fx.Run("new");
        var old = _fx.Run("old", drivers: false);
        var html = File.ReadAllText(ReportBuilder.WriteComparison(a, old, Path.Combine(_fx.Root, "old.html")));
        Assert.Contains("data-callout=\"no-waterfall\"", html);
        Assert.Contains("run B has no cost drivers: summary.json has no costDrivers (written by a version before them)", html);
        Assert.DoesNotContain("data-chart=\"cmp-waterfall\"", html);
        Assert.Contains("data-table=\"comparison\"", html);
        var ex = Assert.Throws<ReportException>(() => ReportBuilder.CostWaterfallOf(old, a));
        Assert.Equal("run A has no cost drivers: summary.json has no costDrivers (written by a version before them)", ex.Message);

        // A run that had none says why (written by the run itself).
        var idle = _fx.Run("idle", drivers: false);
        var summary = Path.Combine(idle, "summary.json");
        File.WriteAllText(summary, File.ReadAllText(summary).Replace("\"energyPerTokenJ\"", "\"costDriversUnavailable\": \"no tokens served: cost per token is undefined\", \"energyPerTokenJ\""));
        ex = Assert.Throws<ReportException>(() => ReportBuilder.CostWaterfallOf(a, idle));
        Assert.Equal("run B has no cost drivers: no tokens served: cost per token is undefined", ex.Message);
    }

    [Fact]
    public void Sweep_report_ranks_contingencies_top_first_with_bars_and_a_heat_map()
    {
        var baseRun = _fx.Run("base");
        var sweep = _fx.Sweep();
        var path = ReportBuilder.WriteSweepReport(sweep, baseRun);
        Assert.Equal(Path.GetFullPath(Path.Combine(sweep, "report.html")), path);
        var html = File.ReadAllText(path);
        Assert.Contains("N−1 contingency ranking", html);
        var bars = Page.Chart(html, "sweep-impact");
        Assert.DoesNotContain("data-nodata", bars);
        Assert.True(Page.Marks(bars) >= 4);
        // Ranked top first whatever the row order in the file.
        var ranking = html[html.IndexOf("data-table=\"sweep-ranking\"", StringComparison.Ordinal)..];
        var i1 = ranking.IndexOf(">hub-east<", StringComparison.Ordinal);
        var i2 = ranking.IndexOf(">west-east<", StringComparison.Ordinal);
        var i3 = ranking.IndexOf(">cab1<", StringComparison.Ordinal);
        Assert.True(i1 >= 0 && i1 < i2 && i2 < i3, "ranking order");
        Assert.True(bars.IndexOf("1. hub-failure hub-east", StringComparison.Ordinal) >= 0);
        // Heat map: 4 components × 2 regions, coloured.
        var heat = html[html.IndexOf("data-table=\"sweep-heatmap\"", StringComparison.Ordinal)..];
        heat = heat[..heat.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.Equal(8, System.Text.RegularExpressions.Regex.Matches(heat, "<td class=\"num\" style=\"background:#").Count);
        Assert.Contains("+5,200", heat);
        Assert.Contains("−20", heat);
        // The base run's sections follow.
        foreach (var name in RunCharts) Page.Chart(html, name);
    }

    [Fact]
    public void Sweep_without_its_csv_is_a_ReportException_naming_it()
    {
        var baseRun = _fx.Run("base");
        var sweep = _fx.Sweep();
        File.Delete(Path.Combine(sweep, "sweep-regions.csv"));
        var ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteSweepReport(sweep, baseRun));
        Assert.Contains("sweep-regions.csv", ex.Message);
        File.Delete(Path.Combine(sweep, "sweep.csv"));
        ex = Assert.Throws<ReportException>(() => ReportBuilder.WriteSweepReport(sweep, baseRun));
        Assert.Contains("sweep.csv", ex.Message);
    }

    [Fact]
    public void Flat_zero_series_still_draw_on_a_sensible_axis()
    {
        var dir = _fx.Run();
        var hubs = File.ReadAllLines(Path.Combine(dir, "hubs.csv"));
        File.WriteAllLines(Path.Combine(dir, "hubs.csv"), hubs.Take(1).Concat(hubs.Skip(1).Select(l =>
        {
            var c = l.Split(',');
            c[5] = "0"; // queued_requests
            c[6] = "0"; // tokens_served
            return string.Join(',', c);
        })));
        File.WriteAllText(Path.Combine(dir, "plants.csv"), string.Join("\n", File.ReadAllLines(Path.Combine(dir, "plants.csv")).Select((l, i) =>
            i == 0 ? l : string.Join(',', l.Split(',').Take(4).Append("0")))) + "\n");
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir));
        foreach (var name in new[] { "hub-queue", "hub-tokens", "generation-mix" })
        {
            var svg = Page.Chart(html, name);
            Assert.DoesNotContain("data-nodata", svg);
            Assert.True(Page.LongestSeries(svg) >= 4, $"{name} draws no series");
        }
    }

    [Fact]
    public void Empty_series_show_a_visible_no_data_note()
    {
        var dir = _fx.Run();
        File.WriteAllText(Path.Combine(dir, "links.csv"), "entity,hours,sent_mw,delivered_mw,loss_mw,capacity_mw\n");
        var html = File.ReadAllText(ReportBuilder.WriteRunReport(dir));
        var svg = Page.Chart(html, "link-utilisation");
        Assert.Contains("data-nodata=\"true\"", svg);
        Assert.Contains("No data", svg);
    }
}
