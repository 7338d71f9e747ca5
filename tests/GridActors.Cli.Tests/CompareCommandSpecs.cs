using System.Text.Json.Nodes;

namespace GridActors.Cli.Tests;

/// <summary><c>compare --json</c> on two real runs: the small scenario and a copy whose eastern hub pays more for electricity.</summary>
public sealed class CompareCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-compare-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private async Task<string> Run(string scenario, string name)
    {
        var dir = Path.Combine(_dir, name);
        var r = await CliRunner.RunAsync("run", scenario, "--until", "2h", "--executor", "sequential", "--out", dir, "--db", Path.Combine(_dir, "g.db"), "--no-report");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return dir;
    }

    private static double CostOf(string runDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")))!["costDrivers"]!["costPerMillionTokens"]!.GetValue<double>();

    [Fact]
    public async Task Compare_json_prints_factors_whose_product_is_the_ratio_of_the_two_runs_cost_per_million_tokens()
    {
        var small = Path.Combine(CliPaths.Repo(), "scenarios", "small.yaml");
        var pricey = Path.Combine(_dir, "small-pricey.yaml");
        var text = File.ReadAllText(small);
        Assert.Contains("electricity_price: 90", text);
        File.WriteAllText(pricey, text.Replace("electricity_price: 90", "electricity_price: 150"));
        var a = await Run(small, "a");
        var b = await Run(pricey, "b");

        var r = await CliRunner.RunAsync("compare", a, b, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var o = JsonNode.Parse(r.Stdout)!.AsObject();
        double ca = CostOf(a), cb = CostOf(b);
        Assert.Equal(ca, o["costPerMillionTokens"]!["a"]!.GetValue<double>(), 9);
        Assert.Equal(cb, o["costPerMillionTokens"]!["b"]!.GetValue<double>(), 9);
        var factors = o["factors"]!.AsArray().Select(f => f!.AsObject()).ToList();
        Assert.Equal(["electricity price", "PUE", "accelerator power", "accelerator price", "tokens per accelerator-second", "utilisation", "cache hits", "margin"],
            factors.Select(f => f["name"]!.GetValue<string>()));
        double product = factors.Aggregate(1.0, (p, f) => p * f["factor"]!.GetValue<double>());
        Assert.True(Math.Abs(product / (cb / ca) - 1) < 1e-9, $"product {product} ≠ {cb} ÷ {ca}");
        Assert.True(Math.Abs(o["ratio"]!.GetValue<double>() / (cb / ca) - 1) < 1e-9);
        Assert.Equal("cost", o["basis"]!.GetValue<string>());
        Assert.True(cb > ca, "dearer electricity at the eastern hub costs more per token");
        // Only electricity prices differ; the routing ignores them (latency-first), so the whole ratio is in the first factor.
        Assert.True(Math.Abs(factors[0]["factor"]!.GetValue<double>() / (cb / ca) - 1) < 1e-9);
        Assert.All(factors.Skip(1), f => Assert.Equal(1.0, f["factor"]!.GetValue<double>(), 9));
        Assert.Equal(product, factors[^1]["cumulative"]!.GetValue<double>(), 12);

        // The figures beside the waterfall come from the two summaries: the same grid, so nothing absorbed; small has no scheduler.
        var figures = o["figures"]!;
        double Summary(string run, params string[] path) =>
            path.Aggregate(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!, (n, k) => n[k]!).GetValue<double>();
        Assert.Equal(Summary(a, "energy", "curtailedMWh"), figures["curtailedMWh"]!["a"]!.GetValue<double>(), 9);
        Assert.Equal(Summary(b, "carbon", "gPerMillionTokens"), figures["carbonGPerMillionTokens"]!["b"]!.GetValue<double>(), 9);
        Assert.Equal(Summary(a, "energy", "curtailedMWh") - Summary(b, "energy", "curtailedMWh"), figures["curtailmentAbsorbedMWh"]!.GetValue<double>(), 9);
        Assert.Null(figures["batch"]!["a"]);

        // Without --json the page is written and its path printed, as before.
        var page = await CliRunner.RunAsync("compare", a, b, "--out", Path.Combine(_dir, "cmp.html"));
        Assert.True(page.ExitCode == 0, page.Stderr);
        Assert.Equal(Path.Combine(_dir, "cmp.html"), page.Stdout.Trim());
        Assert.Contains("data-chart=\"cmp-waterfall\"", File.ReadAllText(Path.Combine(_dir, "cmp.html")));

        var both = await CliRunner.RunAsync("compare", a, b, "--json", "--out", Path.Combine(_dir, "x.html"));
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("--json prints to stdout and writes no page: it excludes --out", both.Stderr + both.Stdout);
    }
}
