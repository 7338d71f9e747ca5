using System.Text.Json;

namespace GridActors.Cli.Tests;

/// <summary><c>gridactors calibrate FILE</c>: exit 0 when every target is met, 5 when one misses (listing it), 1 on bad input;
/// nothing written without <c>--out</c>; the digest is the sequential run's.</summary>
public sealed class CalibrateCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-calibrate-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string SmallText => File.ReadAllText(Path.Combine(CliPaths.Repo(), "scenarios", "small.yaml"));

    /// <summary>Targets every run of small.yaml meets (no unserved load in 40 min, the tie carries power, the eastern hub is
    /// powered) — and, with <paramref name="miss"/>, one it cannot: Ningxia's solar never curtailed by 8 % (nothing curtails it).</summary>
    private string Scenario(bool miss)
    {
        var targets = new List<string>
        {
            "{id: no-unserved, metric: unserved_share, high: 0.01 %, source: \"[R4]\"}",
            "{id: tie-used, metric: link_mean_flow_mw, link: lingzhou-shaoxing, low: 1 MW, high: 1.2 GW, source: ESTIMATE}",
            "{id: yrd-powered, metric: hub_throttled_hours, hub: yrd, high: 0 h, source: ESTIMATE}",
        };
        if (miss) targets.Add("{id: ningxia-solar-curtailed, metric: curtailment_share, region: ningxia, plant_type: solar, low: 8 %, source: \"[R4]\"}");
        var path = Path.Combine(_dir, miss ? "miss.yaml" : "met.yaml");
        File.WriteAllText(path, SmallText.TrimEnd() + "\ncalibration:\n" + string.Concat(targets.Select(t => "  - " + t + "\n")));
        return path;
    }

    [Fact]
    public async Task Met_targets_exit_0_and_a_missed_one_exits_5_listing_it_and_nothing_is_written()
    {
        var met = await CliRunner.RunInAsync(_dir, "calibrate", Scenario(miss: false), "--until", "40min");
        Assert.True(met.ExitCode == 0, met.Stdout + met.Stderr);
        Assert.Contains("3 of 3 calibration targets met", met.Stdout);
        Assert.DoesNotContain("MISS", met.Stdout + met.Stderr);

        var missed = await CliRunner.RunInAsync(_dir, "calibrate", Scenario(miss: true), "--until", "40min");
        Assert.True(missed.ExitCode == 5, missed.Stdout + missed.Stderr);
        Assert.Contains("3 of 4 calibration targets met", missed.Stdout);
        Assert.Contains("MISS ningxia-solar-curtailed: curtailment_share (region=ningxia, plant_type=solar) = 0 %, band ≥ 8 % (source: [R4])", missed.Stderr);
        Assert.Single(missed.Stderr.Split('\n'), l => l.StartsWith("MISS ", StringComparison.Ordinal));

        // No store, no run folder: the directory holds the two scenario files it held before.
        Assert.Equal(["met.yaml", "miss.yaml"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Several_seeds_judge_each_target_on_its_mean_and_list_every_seeds_value()
    {
        // Three seeds at once (two in parallel): each target's values are the single-seed runs' values, the mean is
        // their mean, and the verdict is the mean's; a target nothing can meet misses on the mean with 0 of 3 seeds.
        var file = Scenario(miss: true);
        var c = await CliRunner.RunInAsync(_dir, "calibrate", file, "--until", "40min", "--seeds", "2-3,7", "--parallel", "2", "--json");
        Assert.True(c.ExitCode == 5, c.Stdout + c.Stderr);
        using var doc = JsonDocument.Parse(c.Stdout);
        var root = doc.RootElement;
        Assert.Equal([2UL, 3UL, 7UL], root.GetProperty("seeds").EnumerateArray().Select(e => e.GetUInt64()));
        Assert.Equal(["ningxia-solar-curtailed"], root.GetProperty("missed").EnumerateArray().Select(e => e.GetString()));
        var targets = root.GetProperty("calibration").EnumerateArray().ToList();
        var flow = targets.Single(t => t.GetProperty("id").GetString() == "tie-used");
        var values = flow.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(3, values.Count);
        Assert.Equal(values.Average(), flow.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(values.Min(), flow.GetProperty("min").GetDouble(), 9);
        Assert.Equal(3, flow.GetProperty("seedsPassed").GetInt32());
        var digests = root.GetProperty("digests").EnumerateArray().Select(d => d.GetString()).ToList();
        for (int i = 0; i < 3; i++)
        {
            ulong seed = new ulong[] { 2, 3, 7 }[i];
            var one = await CliRunner.RunInAsync(_dir, "calibrate", file, "--until", "40min", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
            using var single = JsonDocument.Parse(one.Stdout);
            Assert.Equal(single.RootElement.GetProperty("digest").GetString(), digests[i]);
            var v = single.RootElement.GetProperty("calibration").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "tie-used").GetProperty("value").GetDouble();
            Assert.Equal(v, values[i], 9);
        }
        var curtailed = targets.Single(t => t.GetProperty("id").GetString() == "ningxia-solar-curtailed");
        Assert.Equal(0, curtailed.GetProperty("seedsPassed").GetInt32());
        Assert.False(curtailed.GetProperty("pass").GetBoolean());

        var text = await CliRunner.RunInAsync(_dir, "calibrate", file, "--until", "40min", "--seeds", "1-2");
        Assert.True(text.ExitCode == 5, text.Stdout + text.Stderr);
        Assert.Contains("3 of 4 calibration targets met on the mean of 2 seeds", text.Stdout);
        Assert.Contains("MISS ningxia-solar-curtailed: curtailment_share (region=ningxia, plant_type=solar) mean = 0 %, band ≥ 8 % (0 of 2 seeds in band; source: [R4])", text.Stderr);
    }

    [Theory]
    [InlineData("3-1", "--seeds: '3-1': the range ends before it starts")]
    [InlineData("1,x", "--seeds: 'x' is not a seed or a range of seeds (e.g. 1-8 or 1,3,10-12)")]
    [InlineData("1-3,2", "--seeds: seed 2 is given twice")]
    [InlineData("1-5000", "--seeds: at most 1,000 seeds")]
    public async Task Bad_seed_lists_are_refused_with_a_precise_message(string seeds, string message)
    {
        var c = await CliRunner.RunInAsync(_dir, "calibrate", Scenario(miss: false), "--seeds", seeds);
        Assert.Equal(1, c.ExitCode);
        Assert.Contains(message, c.Stderr);
        var both = await CliRunner.RunInAsync(_dir, "calibrate", Scenario(miss: false), "--seeds", "1-2", "--seed", "3");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("--seeds and --seed do not go together", both.Stderr);
    }

    [Fact]
    public async Task Json_lists_every_target_and_the_digest_is_the_sequential_runs()
    {
        var file = Scenario(miss: true);
        var c = await CliRunner.RunInAsync(_dir, "calibrate", file, "--until", "40min", "--seed", "3", "--json");
        Assert.True(c.ExitCode == 5, c.Stderr);
        using var doc = JsonDocument.Parse(c.Stdout);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal(["ningxia-solar-curtailed"], root.GetProperty("missed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(2400, root.GetProperty("simulatedSeconds").GetDouble());
        var targets = root.GetProperty("calibration").EnumerateArray().ToList();
        Assert.Equal(["no-unserved", "tie-used", "yrd-powered", "ningxia-solar-curtailed"], targets.Select(t => t.GetProperty("id").GetString()));
        Assert.Equal([true, true, true, false], targets.Select(t => t.GetProperty("pass").GetBoolean()));
        var flow = targets[1].GetProperty("value").GetDouble();
        Assert.InRange(flow, 1, 1200);
        Assert.Equal("link=lingzhou-shaoxing", targets[1].GetProperty("scope").GetString());

        var run = await CliRunner.RunAsync("run", file, "--until", "40min", "--seed", "3", "--executor", "sequential", "--json",
            "--db", Path.Combine(_dir, "runs.db"), "--out", Path.Combine(_dir, "run"), "--no-report");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var r = JsonDocument.Parse(run.Stdout);
        Assert.Equal(root.GetProperty("digest").GetString(), r.RootElement.GetProperty("digest").GetString());
        // The run's summary.json carries the same evaluation.
        Assert.Equal(root.GetProperty("calibration").GetRawText(), r.RootElement.GetProperty("calibration").GetRawText());
    }

    [Fact]
    public async Task Out_writes_the_run_folder_with_its_calibration_and_report()
    {
        var out1 = Path.Combine(_dir, "folder");
        var c = await CliRunner.RunAsync("calibrate", Scenario(miss: true), "--until", "30min", "--out", out1);
        Assert.True(c.ExitCode == 5, c.Stderr);
        Assert.Contains("run folder " + out1, c.Stdout);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(out1, "summary.json")));
        Assert.Equal(4, summary.RootElement.GetProperty("calibration").GetArrayLength());
        var html = File.ReadAllText(Path.Combine(out1, "report.html"));
        Assert.Contains("<section id=\"calibration\">", html);
        Assert.Contains("ningxia-solar-curtailed", html);
        Assert.Contains("3 of 4 met", html);
    }

    [Fact]
    public async Task Bad_input_exits_1_with_located_errors_and_writes_nothing()
    {
        var bad = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(bad, SmallText.TrimEnd() + "\ncalibration:\n  - {id: x, metric: unserved_share, low: 5 %, high: 1 %, source: \"[R4]\"}\n");
        var r = await CliRunner.RunInAsync(_dir, "calibrate", bad, "--out", Path.Combine(_dir, "never"));
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"bad\.yaml:\d+:\d+: 'low' \(0\.05\) must not be more than 'high' \(0\.01\)", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "never")));

        var flag = await CliRunner.RunInAsync(_dir, "calibrate", Scenario(miss: false), "--until", "soon");
        Assert.Equal(1, flag.ExitCode);
        Assert.Contains("--until", flag.Stderr);

        var missing = await CliRunner.RunInAsync(_dir, "calibrate", Path.Combine(_dir, "nope.yaml"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("file not found", missing.Stderr);
        Assert.Equal(["bad.yaml", "met.yaml"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_scenario_without_targets_has_nothing_to_miss()
    {
        var r = await CliRunner.RunInAsync(_dir, "calibrate", Path.Combine(CliPaths.Repo(), "scenarios", "small.yaml"), "--until", "20min");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("0 of 0 calibration targets met", r.Stdout);
        Assert.Contains("has no calibration targets", r.Stderr);
    }
}
