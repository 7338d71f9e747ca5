using System.Globalization;
using System.Text.Json;
using GridActors.Scenarios;

namespace GridActors.Cli.Tests;

/// <summary><c>gridactors trace synth</c> and <c>gridactors trace stats FILE</c> on the real executable.</summary>
public sealed class TraceCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-trace-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string Shipped => Path.Combine(CliPaths.Repo(), "scenarios", "traces", "synthetic-conversation.csv");

    [Fact]
    public async Task Synth_with_the_documented_options_rewrites_the_shipped_trace_byte_for_byte()
    {
        var out1 = Path.Combine(_dir, "conv.csv");
        var c = await CliRunner.RunAsync("trace", "synth", "--out", out1, "--rows", "2000", "--rate", "5", "--kind", "conversation", "--seed", "1");
        Assert.True(c.ExitCode == 0, c.Stderr);
        Assert.Equal(File.ReadAllBytes(Shipped), File.ReadAllBytes(out1));
        Assert.StartsWith($"{out1}: 2,000 requests over ", c.Stderr);
        Assert.False(File.Exists(out1 + ".partial"));
    }

    [Fact]
    public async Task Synth_without_out_prints_the_trace_and_the_kind_and_seed_change_it()
    {
        var code = await CliRunner.RunAsync("trace", "synth", "--kind", "code", "--rows", "50", "--seed", "4");
        Assert.True(code.ExitCode == 0, code.Stderr);
        var trace = TraceFile.Parse("stdout", code.Stdout);
        Assert.Equal(TraceSynth.Generate(TraceKind.Code, 50, 5, seed: 4), trace);
        var other = await CliRunner.RunAsync("trace", "synth", "--kind", "code", "--rows", "50", "--seed", "5");
        Assert.NotEqual(code.Stdout, other.Stdout);
    }

    [Theory]
    [InlineData("--rows", "0", "error: --rows must be at least 1, got 0")]
    [InlineData("--rate", "0", "error: --rate must be a positive number of requests per second, got 0")]
    [InlineData("--kind", "chat", "error: --kind must be conversation or code, got 'chat'")]
    public async Task Synth_refuses_bad_options_with_one_line_and_writes_nothing(string option, string value, string message)
    {
        var out1 = Path.Combine(_dir, "bad.csv");
        var c = await CliRunner.RunAsync("trace", "synth", "--out", out1, option, value);
        Assert.Equal(1, c.ExitCode);
        Assert.Equal(message, c.Stderr.Trim());
        Assert.False(File.Exists(out1));
    }

    [Fact]
    public async Task Stats_json_carries_the_traces_statistics_exactly()
    {
        var c = await CliRunner.RunAsync("trace", "stats", Shipped, "--json");
        Assert.True(c.ExitCode == 0, c.Stderr);
        var s = TraceFile.Load(Shipped).Stats;
        using var doc = JsonDocument.Parse(c.Stdout);
        var root = doc.RootElement;
        Assert.Equal(Shipped, root.GetProperty("file").GetString());
        Assert.Equal(2000, root.GetProperty("count").GetInt32());
        Assert.Equal(s.DurationSeconds, root.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(s.MeanRatePerSecond, root.GetProperty("meanRatePerSecond").GetDouble());
        foreach (var (name, l) in new[] { ("context", s.Context), ("generated", s.Generated) })
        {
            var e = root.GetProperty(name);
            Assert.Equal([l.Mean, l.Median, l.P90, l.P99], new[] { "mean", "median", "p90", "p99" }.Select(k => e.GetProperty(k).GetDouble()));
        }
    }

    [Fact]
    public async Task Stats_prints_a_table_of_both_lengths()
    {
        var c = await CliRunner.RunAsync("trace", "stats", Shipped);
        Assert.True(c.ExitCode == 0, c.Stderr);
        var s = TraceFile.Load(Shipped).Stats;
        string N(double v) => v.ToString("N1", CultureInfo.InvariantCulture);
        var lines = c.Stdout.TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"{Shipped}: 2,000 requests over {s.DurationSeconds.ToString("N1", CultureInfo.InvariantCulture)} s (", lines[0]);
        Assert.Equal(["tokens", "mean", "median", "p90", "p99"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["context", N(s.Context.Mean), N(s.Context.Median), N(s.Context.P90), N(s.Context.P99)], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["generated", N(s.Generated.Mean), N(s.Generated.Median), N(s.Generated.P90), N(s.Generated.P99)], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Stats_on_a_malformed_trace_lists_every_problem_located_and_exits_1()
    {
        var bad = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(bad, "TIMESTAMP,ContextTokens,GeneratedTokens\n0,10,5\n1,abc,5\n2,10,5\n0.5,10,5\n2,10\n");
        var c = await CliRunner.RunAsync("trace", "stats", bad, "--json");
        Assert.Equal(1, c.ExitCode);
        Assert.Equal("", c.Stdout);
        Assert.Equal(
        [
            $"{bad}:3:3: ContextTokens 'abc' is not a whole number of tokens",
            $"{bad}:5:1: TIMESTAMP goes backwards: '0.5' is 1.5 s before line 4's",
            $"{bad}:6:5: expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), got 2",
        ], c.Stderr.TrimEnd().Split('\n'));

        var missing = await CliRunner.RunAsync("trace", "stats", Path.Combine(_dir, "none.csv"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"{Path.Combine(_dir, "none.csv")}:0:0: file not found", missing.Stderr.Trim());
    }
}
