using GridActors.Model.SupplyChain;
using GridActors.Scenarios;

namespace GridActors.Scenarios.Tests;

/// <summary>The <c>calibration:</c> section: targets load with their bounds in the metric's unit, and every bad entry is a
/// located error.</summary>
public class CalibrationSchemaSpecs
{
    private static string SmallText => File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "small.yaml"));

    private static string WithTargets(params string[] targets) => SmallText.TrimEnd() + "\ncalibration:\n" + string.Concat(targets.Select(t => "  - " + t + "\n"));

    /// <summary>Line (1-based) and column of the '^' in <paramref name="needle"/>, found in <paramref name="text"/> without it
    /// (the last occurrence: the targets are at the end of the file).</summary>
    private static (int Line, int Column) Where(string text, string needle)
    {
        int at = text.LastIndexOf(needle.Replace("^", ""), StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{needle}' not in the file");
        at += needle.IndexOf('^');
        int line = text[..at].Count(c => c == '\n') + 1;
        return (line, at - text.LastIndexOf('\n', at - 1));
    }

    private static string AllMetrics => string.Join(", ", Calibration.Metrics.SkipLast(1).Select(m => m.Name)) + " or " + Calibration.Metrics[^1].Name;

    public static TheoryData<string, string, string> BadTargets => new()
    {
        // the entry, where the error is located ('^'), the message
        { "{id: a, metric: unserved_shar, high: 0.01 %, source: \"[R4]\"}", "metric: ^unserved_shar",
          $"'metric' must be {AllMetrics}, got 'unserved_shar'" },
        { "{id: a, metric: unserved_share, region: ningxai, high: 0.01 %, source: \"[R4]\"}", "region: ^ningxai",
          "'region' refers to unknown region 'ningxai'; did you mean 'ningxia'?" },
        { "{id: a, metric: p99_ttft_ms, region: ningxia, high: 900 ms, source: ESTIMATE from the SLO}", "region: ^ningxia",
          "'region' refers to unknown user region 'ningxia' (p99_ttft_ms is scoped by user region)" },
        { "{id: a, metric: link_mean_flow_mw, link: lingzhou, low: 100 MW, source: \"[U8]\"}", "link: ^lingzhou",
          "'link' refers to unknown UHV link 'lingzhou'" },
        { "{id: a, metric: hub_throttled_hours, hub: yrdd, high: 0 h, source: ESTIMATE}", "hub: ^yrdd",
          "'hub' refers to unknown hub 'yrdd'; did you mean 'yrd'?" },
        { "{id: a, metric: unserved_share, source: \"[R4]\"}", "^{id: a, metric: unserved_share",
          "calibration target 'a' needs 'low', 'high' or both" },
        { "{id: a, metric: curtailment_share, low: 10 %, high: 3 %, source: \"[R4]\"}", "low: ^10 %",
          "'low' (0.1) must not be more than 'high' (0.03)" },
        { "{id: a, metric: unserved_share, high: 0.01 %}", "^{id: a, metric: unserved_share",
          "a calibration target is missing 'source' (where the band comes from: a fact tag of the facts files ([K39]) or a text starting with ESTIMATE)" },
        { "{id: a, metric: unserved_share, high: 0.01 %, source: a blog}", "source: ^a blog",
          "'source' must cite a fact tag such as [K39] or start with ESTIMATE, got 'a blog'" },
        { "{id: a, metric: link_mean_flow_mw, low: 1 GW, source: ESTIMATE}", "metric: ^link_mean_flow_mw",
          "metric 'link_mean_flow_mw' needs a 'link'" },
        { "{id: a, metric: unserved_share, hub: yrd, high: 0.01 %, source: ESTIMATE}", "hub: ^yrd",
          "metric 'unserved_share' takes no 'hub' (its scope: region)" },
        { "{id: a, metric: curtailment_share, plant_type: coal, high: 10 %, source: ESTIMATE}", "plant_type: ^coal",
          "'plant_type' must be wind or solar, got 'coal'" },
        { "{id: a, metric: curtailment_share, high: 5, source: ESTIMATE}", "high: ^5",
          "'high' of a share must be within [0, 1] (3 % or 0.03), got 5" },
        { "{id: a, metric: link_mean_flow_mw, link: lingzhou-shaoxing, low: 3 h, source: ESTIMATE}", "low: ^3 h",
          "'low': 'h' is not a unit of power in '3 h': use one of W, kW, MW, GW, TW" },
        { "{id: a b, metric: unserved_share, high: 0.01 %, source: ESTIMATE}", "id: ^a b",
          "calibration target id 'a b' may only contain letters, digits, '_', '-' and '.'" },
        { "{id: a, metric: tokens_per_day, users: abroad, low: 1e12, source: ESTIMATE}", "users: ^abroad",
          "'users' must be domestic or foreign, got 'abroad'" },
        { "{id: a, metric: tokens_served, users: foreign, low: 1, source: ESTIMATE}", "users: ^foreign",
          "metric 'tokens_served' takes no 'users' (its scope: region)" },
        { "{id: a, metric: tokens_per_day, region: ningxia, low: 1e12, source: ESTIMATE}", "region: ^ningxia",
          "'region' refers to unknown user region 'ningxia' (tokens_per_day is scoped by user region)" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public void A_bad_calibration_target_is_a_located_error(string target, string at, string message)
    {
        var text = WithTargets(target);
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", text)).Errors);
        Assert.Equal(message, e.Message);
        Assert.Equal(Where(text, at), (e.Line, e.Column));
        Assert.StartsWith($"s.yaml:{e.Line}:{e.Column}: ", e.ToString());
    }

    [Fact]
    public void Two_targets_with_one_id_are_refused_at_the_second()
    {
        var text = WithTargets("{id: same, metric: unserved_share, high: 0.01 %, source: \"[R4]\"}", "{id: same, metric: tokens_served, low: 1, source: ESTIMATE}");
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", text)).Errors);
        Assert.Equal("duplicate calibration target id 'same'", e.Message);
        Assert.Equal(Where(text, "{id: ^same, metric: tokens_served"), (e.Line, e.Column));
    }

    [Fact]
    public void Targets_load_with_their_bounds_in_the_metric_unit_and_change_nothing_else()
    {
        var text = WithTargets(
            "{id: unserved, metric: unserved_share, high: 0.01 %, source: \"[R4] national\"}",
            "{id: qinghai-solar, metric: curtailment_share, region: ningxia, plant_type: solar, low: 8 %, source: \"[R4]\"}",
            "{id: flow, metric: link_mean_flow_mw, link: lingzhou-shaoxing, low: 0.5 GW, high: 1100, source: \"[U8][K40]\"}",
            "{id: pinned, metric: link_hours_at_capacity, link: lingzhou-shaoxing, high: 20 h, source: \"ESTIMATE: no source pins it\"}",
            "{id: yrd, metric: hub_throttled_hours, hub: yrd, high: 30 min, source: ESTIMATE}",
            "{id: ept, metric: energy_per_token_j, region: zhejiang, low: 1 kJ, source: ESTIMATE}",
            "{id: p99, metric: p99_ttft_ms, region: ne_asia, high: 1.5 s, source: ESTIMATE}",
            "{id: tokens, metric: tokens_served, low: 1e9, source: ESTIMATE}",
            "{id: foreign, metric: tokens_per_day, users: foreign, low: 4e11, high: 5.4e12, source: ESTIMATE}",
            "{id: peak, metric: serving_peak_to_mean, low: 1.16, high: 1.3, source: \"[A5]\"}");
        var with = ScenarioLoader.Load("s.yaml", text).Spec;
        var t = with.Calibration;
        Assert.Equal(["unserved", "qinghai-solar", "flow", "pinned", "yrd", "ept", "p99", "tokens", "foreign", "peak"], t.Select(x => x.Id));
        Assert.Equal((null, 0.0001), (t[0].Low, t[0].High));
        Assert.Equal(("ningxia", PlantType.Solar, 0.08), (t[1].Region, t[1].PlantType, t[1].Low));
        Assert.Equal(("lingzhou-shaoxing", 500.0, 1100.0), (t[2].Link, t[2].Low, t[2].High));
        Assert.Equal(20.0, t[3].High);
        Assert.Equal(("yrd", 0.5), (t[4].Hub, t[4].High));
        Assert.Equal(1000.0, t[5].Low!.Value, 9);
        Assert.Equal(1500.0, t[6].High);
        Assert.Equal(1e9, t[7].Low);
        Assert.Equal("national", t[0].ScopeText);
        Assert.Equal("region=ningxia, plant_type=solar", t[1].ScopeText);
        Assert.Equal((Calibration.Foreign, 4e11, 5.4e12, "users=foreign"), (t[8].Users, t[8].Low, t[8].High, t[8].ScopeText));
        Assert.Equal((1.16, 1.3), (t[9].Low, t[9].High));
        // The section changes nothing in the topology: the spec without it is the spec of the file without it.
        SchemaSpecs.AssertDeepEqual(ScenarioLoader.Load("s.yaml", SmallText).Spec, with with { Calibration = [] }, "spec");
    }

    [Fact]
    public void Every_metric_has_a_unit_a_bound_dimension_and_a_scope_and_the_readme_lists_them()
    {
        Assert.Equal(Calibration.Metrics.Count, Calibration.Metrics.Select(m => m.Name).Distinct().Count());
        Assert.Equal(
            ["unserved_share", "curtailment_share", "hydro_spill_share", "link_mean_flow_mw", "link_hours_at_capacity", "hub_throttled_hours",
             "tokens_served", "energy_per_token_j", "cost_per_million_tokens_usd", "p99_ttft_ms",
             "prefill_tokens_per_node_s", "decode_tokens_per_node_s", "stream_tokens_per_s", "it_energy_per_output_token_j",
             "tokens_per_day", "serving_peak_to_mean"],
            Calibration.Metrics.Select(m => m.Name));
        var readme = File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "README.md"));
        const string begin = "<!-- calibration-metrics:begin (generated from ScenarioSchema.CalibrationMetricsMarkdown(); CalibrationSchemaSpecs checks it) -->\n";
        const string end = "<!-- calibration-metrics:end -->";
        int i = readme.IndexOf(begin, StringComparison.Ordinal), j = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(i >= 0 && j > i, "README.md has no calibration-metrics block");
        var expected = ScenarioSchema.CalibrationMetricsMarkdown();
        if (readme[(i + begin.Length)..j] != expected)
        {
            var path = Path.Combine(AppContext.BaseDirectory, "calibration-metrics.md");
            File.WriteAllText(path, expected);
            Assert.Fail($"README.md's calibration metrics differ from ScenarioSchema.CalibrationMetricsMarkdown(); the expected block is in {path}");
        }
    }

    [Fact]
    public void The_readme_example_is_a_valid_calibration_section_of_the_default_scenario()
    {
        var readme = File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "README.md"));
        int at = readme.IndexOf("### Calibration targets", StringComparison.Ordinal);
        int begin = readme.IndexOf("```yaml\n", at, StringComparison.Ordinal) + "```yaml\n".Length;
        var section = readme[begin..readme.IndexOf("```", begin, StringComparison.Ordinal)];
        Assert.StartsWith("calibration:\n", section);
        var text = File.ReadAllText(Path.Combine(ScenarioLoaderSpecs.Repo(), "scenarios", "china-token-supply-chain.yaml"));
        // The default scenario's own targets, if any, are replaced (the section is the file's last).
        if (text.IndexOf("\ncalibration:", StringComparison.Ordinal) is int own and >= 0) text = text[..own];
        var spec = ScenarioLoader.Load("default+readme.yaml", text.TrimEnd() + "\n" + section).Spec;
        Assert.Equal(5, spec.Calibration.Count);
    }

    [Fact]
    public void A_scaled_copy_of_a_topology_keeps_no_calibration_targets()
    {
        var spec = ScenarioLoader.Load("s.yaml", WithTargets("{id: a, metric: unserved_share, region: ningxia, high: 1 %, source: ESTIMATE}")).Spec;
        Assert.Single(ScenarioWriter.Scale(spec, 1).Calibration);
        Assert.Empty(ScenarioWriter.Scale(spec, 2).Calibration);
    }
}
