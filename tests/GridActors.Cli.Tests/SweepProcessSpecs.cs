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
        var outage = await CliRunner.RunAsync("run", file, "--outage", "cable-cut:atlantis", "--executor", "sequential", "--db", Path.Combine(_dir, "x.db"));
        Assert.Equal(2, outage.ExitCode);
        Assert.Contains("no cable named 'atlantis'", outage.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "x.db")), "nothing written for a bad outage");
    }
}
