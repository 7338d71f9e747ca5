using System.Text.Json;
using System.Text.Json.Nodes;
using GridActors.Reports.Tests;

namespace GridActors.Cli.Tests;

/// <summary>Every run ends with a report.html; report and compare render real runs; headless Chromium loads them cleanly
/// (the fixture installs it when it is missing).</summary>
public class ReportProcessSpecs(ChromiumFixture browser) : IClassFixture<ChromiumFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-report-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static async Task<JsonObject> Render(Chromium chromium, string file, int minCharts)
    {
        var r = await chromium.LoadAsync(new Uri(Path.GetFullPath(file)).AbsoluteUri, Chromium.ChartsProbe);
        Assert.True(!r.Problems.Any(), $"{file}:\n" + string.Join("\n", r.Problems));
        Assert.All(r.Requests, u => Assert.True(u.StartsWith("file://", StringComparison.Ordinal) || u.StartsWith("data:", StringComparison.Ordinal), $"network request {u}"));
        var value = Assert.IsType<JsonObject>(r.Value);
        var charts = value["charts"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.True(charts.Count >= minCharts, $"{file}: {charts.Count} charts");
        foreach (var c in charts)
        {
            var name = c["name"]!.GetValue<string>();
            Assert.False(c["nodata"]!.GetValue<bool>(), $"{name} says it has no data");
            Assert.True(c["marks"]!.GetValue<int>() >= 3 && c["width"]!.GetValue<double>() > 200, $"{name}: {c["marks"]} marks, {c["width"]} px wide");
        }
        return value;
    }

    [Fact]
    public async Task A_run_writes_a_report_that_renders_with_its_faults_and_compare_puts_two_runs_side_by_side()
    {
        string db = Path.Combine(_dir, "g.db");
        string cut = Path.Combine(_dir, "cut"), plain = Path.Combine(_dir, "plain");
        var a = await CliRunner.RunAsync("run", Path.Combine(CliPaths.Repo(), "scenarios", "cable-cuts-asian-evening-peak.yaml"), "--until", "14h",
            "--executor", "sequential", "--out", cut, "--db", db);
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.Contains("report " + Path.Combine(cut, "report.html"), a.Stdout);
        var b = await CliRunner.RunAsync("run", Path.Combine(CliPaths.Repo(), "scenarios", "china-token-supply-chain.yaml"), "--until", "14h",
            "--executor", "sequential", "--out", plain, "--db", db, "--json");
        Assert.True(b.ExitCode == 0, b.Stderr);
        Assert.True(File.Exists(Path.Combine(plain, "report.html")));

        var again = await CliRunner.RunAsync("report", cut, "--out", Path.Combine(_dir, "again.html"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        var cmp = await CliRunner.RunAsync("compare", plain, cut, "--out", Path.Combine(_dir, "cmp.html"));
        Assert.True(cmp.ExitCode == 0, cmp.Stderr);
        var html = File.ReadAllText(Path.Combine(_dir, "cmp.html"));
        Assert.Contains("B / A", html);

        await using var chromium = await Chromium.LaunchAsync(browser.Path);
        var report = await Render(chromium, Path.Combine(cut, "report.html"), 10);
        Assert.True(report["failedOnMap"]!.GetValue<int>() >= 2, "the cut cables are marked on the map");
        var clean = await Render(chromium, Path.Combine(plain, "report.html"), 10);
        Assert.Equal(0, clean["failedOnMap"]!.GetValue<int>());
        await Render(chromium, Path.Combine(_dir, "cmp.html"), 5);

        var missing = await CliRunner.RunAsync("report", "no-such-run");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no run folder for 'no-such-run'", missing.Stderr);
    }
}
