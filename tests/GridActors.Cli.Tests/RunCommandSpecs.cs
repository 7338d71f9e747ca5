using System.Text.Json;

namespace GridActors.Cli.Tests;

public class RunCommandSpecs
{
    private static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    private static string Small => Path.Combine(Repo(), "scenarios", "small.yaml");

    [Fact]
    public async Task Run_prints_the_summary_json_and_writes_the_run_folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gridactors-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var digests = new List<string>();
            foreach (var executor in new[] { "sequential", "actors" })
            {
                var r = await CliRunner.RunAsync("run", Small, "--until", "40min", "--executor", executor, "--out", dir, "--json");
                Assert.True(r.ExitCode == 0, r.Stderr);
                using var doc = JsonDocument.Parse(r.Stdout);
                var root = doc.RootElement;
                foreach (var key in new[] { "runId", "digest", "events", "wallSeconds", "simulatedSeconds", "energyPerTokenJ", "sloViolationRate" })
                    Assert.True(root.TryGetProperty(key, out _), key);
                foreach (var key in new[] { "generatedMWh", "consumedMWh", "lossesMWh", "curtailedMWh" })
                    Assert.True(root.GetProperty("energy").TryGetProperty(key, out _), key);
                foreach (var key in new[] { "arrived", "served", "queuedAtEnd", "dropped" })
                    Assert.True(root.GetProperty("requests").TryGetProperty(key, out _), key);
                foreach (var key in new[] { "total", "electricity", "capital", "network" })
                    Assert.True(root.GetProperty("costPerMillionTokensUsd").TryGetProperty(key, out _), key);
                foreach (var key in new[] { "p50", "p95", "p99" })
                    Assert.True(root.GetProperty("latencyMs").TryGetProperty(key, out _), key);
                var carbon = root.GetProperty("carbon");
                Assert.True(carbon.GetProperty("gPerMillionTokens").GetDouble() > 0);
                Assert.True(carbon.GetProperty("marginalGPerMillionTokens").GetDouble() > 0);
                foreach (var key in new[] { "gPerTokenByHub", "marginalGPerTokenByHub" })
                    Assert.Equal(["yrd", "zhongwei"], carbon.GetProperty(key).EnumerateObject().Select(p => p.Name));
                foreach (var key in new[] { "gPerTokenByUserRegion", "marginalGPerTokenByUserRegion" })
                    Assert.Equal(["cn_east", "ne_asia", "north_america"], carbon.GetProperty(key).EnumerateObject().Select(p => p.Name));
                Assert.True(carbon.GetProperty("attributedT").GetDouble() > 0);
                Assert.Equal(0, carbon.GetProperty("unattributedT").GetDouble());
                Assert.True(root.GetProperty("tokens").GetProperty("served").GetDouble() > 0);
                Assert.True(root.GetProperty("invariants").GetProperty("energyConserved").GetBoolean());
                Assert.True(root.GetProperty("invariants").GetProperty("requestsConserved").GetBoolean());
                Assert.Equal(2400, root.GetProperty("simulatedSeconds").GetDouble());
                digests.Add(root.GetProperty("digest").GetString()!);
                foreach (var file in new[] { "run.json", "summary.json", "plants.csv", "regions.csv", "links.csv", "hubs.csv", "users.csv", "faults.csv" })
                    Assert.True(File.Exists(Path.Combine(dir, file)), file);
                Assert.True(File.ReadAllLines(Path.Combine(dir, "plants.csv")).Length > 10);
            }
            Assert.Single(digests.Distinct());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Validate_lists_every_problem_as_file_line_column_and_run_writes_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), "bad-" + Guid.NewGuid().ToString("N") + ".yaml");
        var dir = file + ".run";
        File.WriteAllText(file, "name: x\nregions:\n  - {id: a, backgrund_load: 5 MW}\nplants:\n  - {id: p, region: b, type: coal, capacity: -3 GW}\n");
        try
        {
            var v = await CliRunner.RunAsync("validate", file);
            Assert.NotEqual(0, v.ExitCode);
            var lines = v.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.Equal($"{file}:3:13: unknown key 'backgrund_load' in a region; did you mean 'background_load'?", lines[0]);
            Assert.StartsWith($"{file}:5:21: 'region' refers to unknown region 'b'", lines[1]);
            Assert.StartsWith($"{file}:5:46: 'capacity' must be positive", lines[2]);
            var r = await CliRunner.RunAsync("run", file, "--out", dir);
            Assert.NotEqual(0, r.ExitCode);
            Assert.False(Directory.Exists(dir));
            var ok = await CliRunner.RunAsync("validate", Small);
            Assert.Equal(0, ok.ExitCode);
            Assert.Contains("5 plants, 2 regions, 1 links, 2 hubs, 2 cables, 3 user regions", ok.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public class GenerateCommandSpecs
{
    [Fact]
    public async Task Generate_writes_a_valid_scenario_with_k_copies()
    {
        var file = Path.Combine(Path.GetTempPath(), "gridactors-x4-" + Guid.NewGuid().ToString("N") + ".yaml");
        var from = Path.Combine(CliPaths.Repo(), "scenarios", "china-token-supply-chain.yaml");
        var r = await CliRunner.RunAsync("generate", "--scale", "4", "--from", from, "--out", file);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var v = await CliRunner.RunAsync("validate", file);
        Assert.Equal(0, v.ExitCode);
        // Every entity of the source appears four times (the counts come from validating the source itself).
        var source = await CliRunner.RunAsync("validate", from);
        Assert.Equal(0, source.ExitCode);
        var counts = System.Text.RegularExpressions.Regex.Matches(source.Stdout, @"(\d+) (plants|regions|links|hubs|cables|user regions|storages)");
        Assert.Equal(7, counts.Count);
        foreach (System.Text.RegularExpressions.Match m in counts)
            Assert.Contains($"{4 * int.Parse(m.Groups[1].Value)} {m.Groups[2].Value}", v.Stdout);
        var bad = await CliRunner.RunAsync("generate", "--scale", "0");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--scale must be at least 1", bad.Stderr);
        File.Delete(file);
    }
}
