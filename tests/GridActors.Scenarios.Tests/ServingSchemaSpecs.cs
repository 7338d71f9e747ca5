using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios.Tests;

/// <summary>The serving keys of a scenario: accelerators, hubs on replicas, request classes and traces.</summary>
public class ServingSchemaSpecs
{
    private static string Repo => ScenarioLoaderSpecs.Repo();

    private static string SmallText => File.ReadAllText(Path.Combine(Repo, "scenarios", "small.yaml"));

    /// <summary>small.yaml with cn_east's requests following <paramref name="userKeys"/> (inserted under its id).</summary>
    private static string WithUserKeys(string userKeys) =>
        SmallText.Replace("  - id: cn_east\n", "  - id: cn_east\n" + userKeys, StringComparison.Ordinal);

    private static (int Line, int Column) Where(string text, string marked)
    {
        int i = text.IndexOf(marked.Replace("^", ""), StringComparison.Ordinal) + marked.IndexOf('^');
        int line = text[..i].Count(c => c == '\n') + 1;
        return (line, i - text.LastIndexOf('\n', Math.Max(0, i - 1)));
    }

    [Fact]
    public void A_region_takes_a_trace_relative_to_the_scenario_file_resampled_or_replayed()
    {
        var dir = Directory.CreateTempSubdirectory("ga-trace-").FullName;
        File.Copy(Path.Combine(Repo, "scenarios", "traces", "synthetic-conversation.csv"), Path.Combine(dir, "t.csv"));
        var file = Path.Combine(dir, "s.yaml");
        var resample = ScenarioLoader.Load(file, WithUserKeys("    trace: t.csv\n    trace_cache_hit: 0.4\n"));
        var u = resample.Spec.Users[0];
        Assert.Equal("t.csv", u.TracePath);
        Assert.Equal(2000, u.TraceRows!.Count);
        Assert.False(u.TraceReplay);
        var cls = Assert.Single(u.ServedClasses);
        Assert.Equal("trace", cls.Name);
        Assert.Equal(0.4, cls.CacheHit);
        Assert.Equal(u.TraceRows.Average(r => (double)r.ContextTokens), cls.MeanPrompt, 9);
        var replay = ScenarioLoader.Load(file, WithUserKeys("    trace: t.csv\n    trace_mode: replay\n"));
        Assert.True(replay.Spec.Users[0].TraceReplay);
        Assert.True(replay.Spec.Users[0].ServedClasses[0].Replay);
        // The writer keeps the path, so the written file loads to the same spec (next to the same trace).
        var w = new StringWriter();
        ScenarioWriter.Write(replay.Spec, replay.HorizonMicros, replay.Seed, w, "test");
        var again = ScenarioLoader.Load(file, w.ToString());
        SchemaSpecs.AssertDeepEqual(replay.Spec, again.Spec, "spec");
    }

    [Fact]
    public void A_trace_with_malformed_rows_is_refused_at_the_key_and_at_each_row()
    {
        var dir = Directory.CreateTempSubdirectory("ga-trace-").FullName;
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\n0,100,20\n1,abc,20\n2,100,-5\n");
        var text = WithUserKeys("    trace: bad.csv\n");
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Path.Combine(dir, "s.yaml"), text)).Errors;
        Assert.Equal(3, e.Count);
        Assert.Equal((Where(text, "trace: ^bad.csv").Line, Where(text, "trace: ^bad.csv").Column), (e[0].Line, e[0].Column));
        Assert.Contains("2 problems", e[0].Message);
        Assert.Equal(("bad.csv", 3), (e[1].File, e[1].Line));
        Assert.Equal(("bad.csv", 4), (e[2].File, e[2].Line));
        var missing = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Path.Combine(dir, "s.yaml"), WithUserKeys("    trace: none.csv\n"))).Errors;
        Assert.Contains(missing, x => x.Message.Contains("file not found"));
    }

    [Fact]
    public void Trace_and_classes_exclude_each_other_and_an_unknown_accelerator_is_located()
    {
        var dir = Directory.CreateTempSubdirectory("ga-trace-").FullName;
        File.Copy(Path.Combine(Repo, "scenarios", "traces", "synthetic-conversation.csv"), Path.Combine(dir, "t.csv"));
        var both = WithUserKeys("    trace: t.csv\n    classes: [{name: chat, share: 1, prompt_median: 1020, prompt_p90: 2734, output_median: 129, output_p90: 424}]\n");
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Path.Combine(dir, "s.yaml"), both)).Errors);
        Assert.Contains("exclude each other", e.Message);

        var unknown = SmallText.Replace("servers: 40, tokens_per_second_per_server: 20000,\n     idle_power_per_server: 0.5 MW, full_power_per_server: 1.2 MW, pue: 1.25",
            "accelerator: h9000, replicas: 4, pue: 1.25", StringComparison.Ordinal);
        Assert.NotEqual(SmallText, unknown);
        var errors = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", unknown)).Errors;
        var u = Assert.Single(errors, x => x.Message.Contains("unknown accelerator"));
        Assert.Equal(Where(unknown, "accelerator: ^h9000"), (u.Line, u.Column));
        Assert.Contains("unknown accelerator 'h9000'", u.Message);
        Assert.Contains("no 'accelerators:' catalogue", u.Message);

        // With a known type, the user regions that send it plain bundles (which replicas cannot serve) are told at their routes.
        var known = unknown.Replace("accelerator: h9000", "accelerator: h100", StringComparison.Ordinal).Replace("hubs:\n",
            "accelerators:\n  - {id: h100, power_idle: 100 W, power_prefill: 630 W, power_decode_batch1: 300 W, power_decode_full: 600 W, hbm: 80, rental_per_hour: 1.78, " +
            "per_replica: 32, max_batch: 4248, step_base: 12000 us, step_per_prefill_token: 3.3 us, step_per_decode_sequence: 8.4 us, weights: 1503, kv_bytes_per_token: 70272}\nhubs:\n",
            StringComparison.Ordinal);
        var routes = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", known)).Errors;
        Assert.Equal(3, routes.Count);
        Assert.All(routes, x => Assert.Contains("hub 'yrd' serves on accelerators: a region it serves needs 'classes' or a 'trace'", x.Message));
    }

    [Fact]
    public void A_batch_class_takes_its_own_deadline_and_a_real_time_one_is_refused_at_the_key()
    {
        const string classes = "    classes:\n" +
            "      - {name: chat, share: 0.7, prompt_median: 1020, prompt_p90: 2734, output_median: 129, output_p90: 424}\n" +
            "      - {name: batch, kind: batch, deadline: 6 h, share: 0.3, prompt_median: 1469, prompt_p90: 5188, output_median: 13, output_p90: 55}\n";
        var s = ScenarioLoader.Load("s.yaml", WithUserKeys(classes));
        var cls = s.Spec.Users[0].Classes;
        Assert.Equal(6 * 3600_000_000L, cls.Single(c => c.Name == "batch").DeadlineMicros);
        Assert.Equal(0, cls.Single(c => c.Name == "chat").DeadlineMicros);

        var bad = WithUserKeys(classes.Replace("prompt_median: 1020,", "deadline: 2 h, prompt_median: 1020,", StringComparison.Ordinal));
        var errors = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("s.yaml", bad)).Errors;
        var e = Assert.Single(errors, x => x.Message.Contains("'deadline' applies to batch classes ('kind: batch')"));
        Assert.Equal(Where(bad, "share: 0.7, ^deadline: 2 h").Line, e.Line);
    }

    [Fact]
    public void The_shipped_deepseek_reference_loads_with_its_catalogue_and_targets()
    {
        var s = ScenarioLoader.LoadFile(Path.Combine(Repo, "scenarios", "deepseek-h800-reference.yaml"));
        Assert.Contains(s.Spec.Accelerators, a => a.Id == "h800-pd" && a.PrefillPerReplica == 112 && a.PerReplica == 256 && a.KvAdmission == Model.Serving.KvAdmission.Live);
        Assert.Equal(new[] { "ascend-910b", "ascend-910c", "h100", "h20", "h800", "h800-pd" }, s.Spec.Accelerators.Select(a => a.Id).Order(StringComparer.Ordinal));
        var hub = Assert.Single(s.Spec.Hubs);
        Assert.Equal("h800-pd", hub.Accelerator);
        Assert.Contains(s.Spec.Calibration, t => t.Metric == "prefill_tokens_per_node_s");
        Assert.Contains(s.Spec.Calibration, t => t.Metric == "stream_tokens_per_s" && t.Low == 20 && t.High == 22);
    }
}
