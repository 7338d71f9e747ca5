using System.Text.Json;

namespace GridActors.Cli.Tests;

/// <summary>N−1 sweeps in worker processes: a component planted as critical ranks first.</summary>
public class SweepProcessSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-sweep-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_planted_critical_cable_ranks_first_and_every_case_is_reported()
    {
        var fixture = Path.Combine(CliPaths.Repo(), "tests", "GridActors.Cli.Tests", "fixtures", "planted-critical-cable.yaml");
        var outDir = Path.Combine(_dir, "sweep");
        var r = await CliRunner.RunAsync("sweep", fixture, "--contingency", "n-1", "--kinds", "cable,hub,link", "--parallel", "2", "--until", "2h", "--out", outDir, "--json");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var result = JsonDocument.Parse(r.Stdout.Trim().Split('\n').Last()).RootElement;
        Assert.Equal(6, result.GetProperty("runs").GetInt32()); // base + 2 cables + 2 hubs + 1 link
        var ranking = result.GetProperty("ranking").EnumerateArray().ToList();
        Assert.Equal(5, ranking.Count);
        Assert.Equal("apg", ranking[0].GetProperty("component").GetString());
        Assert.Equal("cable-cut", ranking[0].GetProperty("kind").GetString());
        Assert.True(ranking[0].GetProperty("tokensLostShare").GetDouble() > 0.1, "cutting apg strands ne_asia");
        Assert.True(ranking[0].GetProperty("impactScore").GetDouble() > ranking[1].GetProperty("impactScore").GetDouble());
        for (int i = 1; i <= 6; i++) Assert.Contains($"[{i}/6]", r.Stderr); // progress: runs done / total

        var csv = File.ReadAllLines(Path.Combine(outDir, "sweep.csv"));
        Assert.StartsWith("rank,kind,component,impact_score,tokens_lost", csv[0]);
        Assert.StartsWith("1,cable-cut,apg,", csv[1]);
        Assert.Equal(6, csv.Length);
        var regions = File.ReadAllLines(Path.Combine(outDir, "sweep-regions.csv"));
        Assert.Equal(1 + 5 * 3, regions.Length); // every case × every user region
        var page = File.ReadAllText(Path.Combine(outDir, "report.html"));
        Assert.Contains("sweep-heatmap", page); // the ranking section of the report
        Assert.Contains("apg", page);
        // Each case is a real run with its outage journaled as an injection at time 0.
        var cut = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "runs", "cable-cut-apg", "summary.json"))).RootElement;
        Assert.Equal("apg", cut.GetProperty("injections")[0].GetProperty("target").GetString());
        Assert.Contains(",cable-cut,apg,begin", File.ReadAllText(Path.Combine(outDir, "runs", "cable-cut-apg", "faults.csv")));
    }

    private static string SharedLanding => Path.Combine(CliPaths.Repo(), "tests", "GridActors.Cli.Tests", "fixtures", "shared-landing.yaml");

    private static List<JsonElement> Ranking(CliRunner.Outcome r) =>
        [.. JsonDocument.Parse(r.Stdout.Trim().Split('\n').Last()).RootElement.GetProperty("ranking").EnumerateArray()];

    [Fact]
    public async Task A_landing_station_both_cables_land_at_ranks_above_each_of_them_in_an_N_1_sweep()
    {
        var outDir = Path.Combine(_dir, "n1");
        var r = await CliRunner.RunAsync("sweep", SharedLanding, "--contingency", "n-1", "--kinds", "cable,landing-station", "--parallel", "2", "--until", "1h", "--out", outDir, "--json");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var ranking = Ranking(r);
        Assert.Equal(4, ranking.Count);   // apg, ncp, shared_landing, spare_landing
        Assert.Equal("landing-station-failure", ranking[0].GetProperty("kind").GetString());
        Assert.Equal("shared_landing", ranking[0].GetProperty("component").GetString());
        double station = ranking[0].GetProperty("tokensLost").GetDouble();
        Assert.True(station > 0);
        foreach (var cable in ranking.Where(x => x.GetProperty("kind").GetString() == "cable-cut"))
        {
            Assert.True(ranking[0].GetProperty("impactScore").GetDouble() > cable.GetProperty("impactScore").GetDouble());
            Assert.True(station > cable.GetProperty("tokensLost").GetDouble());
        }
        var spare = ranking.Single(x => x.GetProperty("component").GetString() == "spare_landing");
        Assert.Equal(0, spare.GetProperty("tokensLost").GetDouble());   // no route passes it
    }

    [Fact]
    public async Task An_N_2_sweep_among_the_top_K_runs_N_1_first_then_every_pair_and_ranks_the_pairs()
    {
        var outDir = Path.Combine(_dir, "n2");
        var r = await CliRunner.RunAsync("sweep", SharedLanding, "--contingency", "n-2", "--kinds", "cable,landing-station", "--top", "3", "--parallel", "2", "--until", "1h", "--out", outDir, "--json");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var result = JsonDocument.Parse(r.Stdout.Trim().Split('\n').Last()).RootElement;
        Assert.Equal("n-2", result.GetProperty("contingency").GetString());
        Assert.Equal(5 + 3, result.GetProperty("runs").GetInt32());   // base + 4 singles, then the 3 pairs of the top 3
        var ranking = Ranking(r);
        Assert.Equal(3, ranking.Count);
        var pairs = ranking.Select(x => x.GetProperty("component").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["apg+ncp", "shared_landing+apg", "shared_landing+ncp"], pairs);   // spare_landing ranks last in N−1: not paired
        Assert.Equal("cable-cut+cable-cut", ranking.Single(x => x.GetProperty("component").GetString() == "apg+ncp").GetProperty("kind").GetString());
        // Every pair takes both foreign regions' ways in: each loses as much as the station alone (N−1), more than either cable.
        var n1 = File.ReadAllLines(Path.Combine(outDir, "sweep-n1.csv"));
        Assert.StartsWith("1,landing-station-failure,shared_landing,", n1[1]);
        double station = double.Parse(n1[1].Split(',')[4], System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(ranking, x => Assert.True(x.GetProperty("tokensLost").GetDouble() >= station * 0.999));
        for (int i = 1; i <= 3; i++) Assert.Contains($"[{i}/3]", r.Stderr);   // progress of the pairs
        Assert.True(File.Exists(Path.Combine(outDir, "sweep.csv")) && File.Exists(Path.Combine(outDir, "sweep-regions.csv")));
        Assert.Contains("N−2 contingency ranking", File.ReadAllText(Path.Combine(outDir, "report.html")));
        Assert.True(Directory.Exists(Path.Combine(outDir, "runs", "cable-cut-apg+cable-cut-ncp")));
    }

    [Fact]
    public async Task Bad_sweep_options_are_refused_with_the_reason()
    {
        var file = Path.Combine(CliPaths.Repo(), "scenarios", "small.yaml");
        var noSet = await CliRunner.RunAsync("sweep", file);
        Assert.NotEqual(0, noSet.ExitCode);
        Assert.Contains("--contingency is required", noSet.Stderr + noSet.Stdout);
        var kind = await CliRunner.RunAsync("sweep", file, "--contingency", "n-1", "--kinds", "cable,volcano");
        Assert.NotEqual(0, kind.ExitCode);
        Assert.Contains("unknown kind 'volcano'", kind.Stderr + kind.Stdout);
        var top = await CliRunner.RunAsync("sweep", file, "--contingency", "n-1", "--top", "3");
        Assert.NotEqual(0, top.ExitCode);
        Assert.Contains("--top applies to --contingency n-2 only", top.Stderr + top.Stdout);
        var n3 = await CliRunner.RunAsync("sweep", file, "--contingency", "n-3");
        Assert.Contains("--contingency must be n-1 or n-2", n3.Stderr + n3.Stdout);
        var outage = await CliRunner.RunAsync("run", file, "--outage", "cable-cut:atlantis", "--executor", "sequential", "--db", Path.Combine(_dir, "x.db"));
        Assert.Equal(2, outage.ExitCode);
        Assert.Contains("no cable named 'atlantis'", outage.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "x.db")), "nothing written for a bad outage");
    }
}
