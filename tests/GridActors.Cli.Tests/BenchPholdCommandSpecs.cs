using System.Text.Json;

namespace GridActors.Cli.Tests;

public class BenchPholdCommandSpecs
{
    private static readonly string[] Small = ["bench", "phold", "--lps", "64", "--population", "4", "--end", "30", "--seed", "3"];

    [Fact]
    public async Task Json_output_has_events_wall_seconds_rate_and_digest_and_both_executors_agree()
    {
        var digests = new List<string>();
        foreach (var executor in new[] { "sequential", "windowed", "actors" })
        {
            var r = await CliRunner.RunAsync([.. Small, "--executor", executor, "--json"]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            using var doc = JsonDocument.Parse(r.Stdout);
            var root = doc.RootElement;
            Assert.True(root.GetProperty("events").GetInt64() > 5000);
            Assert.True(root.GetProperty("wallSeconds").GetDouble() > 0);
            Assert.True(root.GetProperty("eventsPerSecond").GetDouble() > 0);
            var digest = root.GetProperty("digest").GetString()!;
            Assert.Matches("^[0-9a-f]{64}$", digest);
            digests.Add(digest);
        }
        Assert.Single(digests.Distinct());
    }

    [Fact]
    public async Task Table_output_prints_events_rate_and_digest()
    {
        var r = await CliRunner.RunAsync([.. Small, "--executor", "sequential"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("committed events", r.Stdout);
        Assert.Contains("events/s", r.Stdout);
        Assert.Matches("digest [0-9a-f]{64}", r.Stdout);
    }

    [Theory]
    [InlineData("--lookahead", "-0.5", "--lookahead must not be negative")]
    [InlineData("--lookahead", "2", "--lookahead (2) must not exceed --mean (1)")]
    [InlineData("--remote", "1.5", "--remote must be within [0, 1]")]
    [InlineData("--remote", "-1", "--remote must be within [0, 1]")]
    [InlineData("--lps", "0", "--lps must be at least 1")]
    [InlineData("--executor", "quantum", "--executor must be one of sequential, windowed, actors")]
    [InlineData("--lps", "many", "many")]
    [InlineData("--bogus", "1", "Unknown option 'bogus'")]
    public async Task Bad_values_exit_non_zero_with_a_one_line_message_and_no_stack_trace(string option, string value, string expected)
    {
        var r = await CliRunner.RunAsync("bench", "phold", option, value);
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotMatch(@"(?m)^\s+at \S+\(", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
        Assert.Equal("", r.Stdout.Trim());
    }

    [Fact]
    public async Task Help_describes_every_option()
    {
        var top = await CliRunner.RunAsync("--help");
        Assert.Equal(0, top.ExitCode);
        Assert.Contains("bench", top.Stdout);
        var r = await CliRunner.RunAsync("bench", "phold", "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var opt in new[] { "--lps", "--population", "--remote", "--mean", "--lookahead", "--end", "--seed", "--executor", "--json" })
            Assert.Contains(opt, r.Stdout);
    }
}
