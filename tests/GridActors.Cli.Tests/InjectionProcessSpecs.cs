using System.Text.Json;
using GridActors.Persistence;

namespace GridActors.Cli.Tests;

/// <summary>Live fault injection into a running run (real processes): precise refusals, a journal, and a replay with the same digest.</summary>
public class InjectionProcessSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-inject-").FullName;
    private string Db => Path.Combine(_dir, "g.db");
    private static string Default => Path.Combine(CliPaths.Repo(), "scenarios", "china-token-supply-chain.yaml");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static JsonElement LastJson(string stdout) => JsonDocument.Parse(stdout.Trim().Split('\n').Last()).RootElement;

    [Fact]
    public async Task A_fault_injected_into_a_running_run_is_journaled_and_replay_reproduces_the_digest()
    {
        string[] run = ["run", Default, "--until", "6h", "--json", "--db", Db];
        var plain = await CliRunner.RunAsync([.. run, "--executor", "sequential"]);
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var plainDigest = LastJson(plain.Stdout).GetProperty("digest").GetString();

        // 900 simulated seconds per wall second: the 6 h run takes ≥ 24 s, time enough to inject (and be refused) on a loaded machine.
        using var p = new LiveProcess([], [.. run, "--pace", "900", "--checkpoint-every", "1h"]);
        string runId = p.WaitFor(@"run (\S+) takes fault injections", TimeSpan.FromSeconds(60)).Groups[1].Value;

        var ok = await CliRunner.RunAsync("inject", runId, "hub-failure", "yrd-demo-zone", "--at", "+20min", "--duration", "1h", "--json", "--db", Db);
        Assert.True(ok.ExitCode == 0, ok.Stdout + ok.Stderr);
        var accepted = LastJson(ok.Stdout);
        Assert.Equal(0, accepted.GetProperty("index").GetInt32());
        double at = accepted.GetProperty("atSeconds").GetDouble();
        Assert.True(at >= accepted.GetProperty("safeHorizonSeconds").GetDouble() + 1200, "takes effect 20 min after the safe horizon");

        // Once checkpoint #1 (1 h) is complete the safe horizon is past 0 s, so "--at 0s" is in the past whatever the
        // machine's speed (the run still has ≥ 20 s to go at this pace).
        await RegistryProbe.WaitUntil(Store.Sqlite(Db), runId, p, r => r.LastCheckpoint >= 1, "past checkpoint #1");
        var unknownTarget = await CliRunner.RunAsync("inject", runId, "hub-failure", "atlantis", "--db", Db);
        Assert.Equal(2, unknownTarget.ExitCode);
        Assert.Contains("no hub named 'atlantis'", unknownTarget.Stderr);
        var past = await CliRunner.RunAsync("inject", runId, "cable-cut", "sjc2", "--at", "0s", "--db", Db);
        Assert.Equal(2, past.ExitCode);
        Assert.Contains("has already passed", past.Stderr);
        var badKind = await CliRunner.RunAsync("inject", runId, "meteor-strike", "sjc2", "--db", Db);
        Assert.Equal(2, badKind.ExitCode);
        Assert.Contains("unknown fault kind 'meteor-strike'", badKind.Stderr);
        var unknownRun = await CliRunner.RunAsync("inject", "no-such-run", "cable-cut", "sjc2", "--db", Db);
        Assert.Equal(2, unknownRun.ExitCode);
        Assert.Contains("unknown run 'no-such-run'", unknownRun.Stderr);

        var done = await p.ExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(done.ExitCode == 0, done.Stderr);
        var summary = LastJson(done.Stdout);
        var digest = summary.GetProperty("digest").GetString();
        Assert.NotEqual(plainDigest, digest); // the hub failure changed the run
        var injections = summary.GetProperty("injections").EnumerateArray().ToList();
        Assert.Single(injections); // the refused ones left nothing behind
        Assert.Equal("yrd-demo-zone", injections[0].GetProperty("target").GetString());
        var folder = Path.Combine("runs", runId);
        Assert.Contains(",hub-failure,yrd-demo-zone,begin", File.ReadAllText(Path.Combine(folder, "faults.csv")));
        Assert.Contains("\"injected\"", File.ReadAllText(Path.Combine(folder, "topology.json")));

        foreach (var executor in new[] { "sequential", "actors" })
        {
            var replay = await CliRunner.RunAsync("replay", runId, "--executor", executor, "--json", "--db", Db);
            Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr);
            var r = LastJson(replay.Stdout);
            Assert.Equal(digest, r.GetProperty("digest").GetString());
            Assert.True(r.GetProperty("matches").GetBoolean());
        }

        var finished = await CliRunner.RunAsync("inject", runId, "cable-cut", "sjc2", "--db", Db);
        Assert.Equal(2, finished.ExitCode);
        Assert.Contains("is completed", finished.Stderr);
    }

    [Fact]
    public async Task Injection_reaches_the_coordinator_of_a_clustered_run_and_replays_identically()
    {
        using var p = new LiveProcess([], ["run", Default, "--until", "4h", "--nodes", "2", "--pace", "1200", "--json", "--db", Db]);
        string runId = p.WaitFor(@"run (\S+) takes fault injections", TimeSpan.FromSeconds(60)).Groups[1].Value;
        p.WaitFor(@"worker 1 started", TimeSpan.FromSeconds(60));
        var ok = await CliRunner.RunAsync("inject", runId, "cable-cut", "sjc2", "--at", "+10min", "--duration", "1h", "--db", Db);
        Assert.True(ok.ExitCode == 0, ok.Stdout + ok.Stderr);
        Assert.Contains("injected #0", ok.Stdout);
        var done = await p.ExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(done.ExitCode == 0, done.Stderr);
        var summary = LastJson(done.Stdout);
        Assert.Equal(2, summary.GetProperty("nodes").GetInt32());
        Assert.Single(summary.GetProperty("injections").EnumerateArray());
        var replay = await CliRunner.RunAsync("replay", runId, "--json", "--db", Db);
        Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr);
        Assert.Equal(summary.GetProperty("digest").GetString(), LastJson(replay.Stdout).GetProperty("digest").GetString());
    }

    [Theory]
    [InlineData("crash after a checkpoint that holds the injection")]
    [InlineData("kill right after the injection, before a checkpoint holds it")]
    public async Task A_resumed_run_has_each_injection_exactly_once(string when)
    {
        bool crashHook = when.StartsWith("crash", StringComparison.Ordinal);
        var env = crashHook ? new Dictionary<string, string> { ["GRIDACTORS_CRASH_AT"] = "checkpoint:3:after" } : [];
        using var p = new LiveProcess(env, ["run", Default, "--until", "3h", "--pace", "600", "--checkpoint-every", "30min", "--json", "--db", Db]);
        string runId = p.WaitFor(@"run (\S+) takes fault injections", TimeSpan.FromSeconds(60)).Groups[1].Value;
        var ok = await CliRunner.RunAsync("inject", runId, "demand-spike", "all", "--at", crashHook ? "2h" : "+20min", "--multiplier", "3", "--duration", "30min", "--db", Db);
        Assert.True(ok.ExitCode == 0, ok.Stdout + ok.Stderr);
        if (!crashHook) System.Diagnostics.Process.GetProcessById(p.Id).Kill(); // SIGKILL
        var crashed = await p.ExitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(137, crashed.ExitCode);

        var resumed = await CliRunner.RunAsync("resume", runId, "--json", "--db", Db);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var summary = LastJson(resumed.Stdout);
        Assert.Single(summary.GetProperty("injections").EnumerateArray());
        var replay = await CliRunner.RunAsync("replay", runId, "--json", "--db", Db);
        Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr); // same digest as an uninterrupted run with that injection
        Assert.Equal(summary.GetProperty("digest").GetString(), LastJson(replay.Stdout).GetProperty("digest").GetString());
    }
}
