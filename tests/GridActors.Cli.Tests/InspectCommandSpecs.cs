using System.Security.Cryptography;
using System.Text.Json;

namespace GridActors.Cli.Tests;

public class InspectCommandSpecs
{
    private static string Small => Path.Combine(CliPaths.Repo(), "scenarios", "small.yaml");

    private static JsonElement Json(CliRunner.Outcome r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    private static async Task<string> Run(string db, string dir, params string[] extra) =>
        Json(await CliRunner.RunAsync(["run", Small, "--db", db, "--out", dir, "--json", .. extra])).GetProperty("runId").GetString()!;

    [Fact]
    public async Task Inspect_at_a_time_agrees_with_the_state_of_a_fresh_run_that_ended_there()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gridactors-inspect-" + Guid.NewGuid().ToString("N"));
        var db = Path.Combine(dir, "g.db");
        var fresh = await Run(db, Path.Combine(dir, "a"), "--until", "2h");
        var longer = await Run(db, Path.Combine(dir, "b"), "--until", "3h", "--checkpoint-every", "1h");
        foreach (var entity in new[] { "plant/ningxia-solar", "plant/zhejiang-coal", "region/zhejiang", "link/lingzhou-shaoxing", "hub/yrd", "cable/apg", "users/cn_east" })
        {
            var a = Json(await CliRunner.RunAsync("inspect", fresh, "--entity", entity, "--db", db, "--json"));
            var b = Json(await CliRunner.RunAsync("inspect", longer, "--entity", entity, "--at", "2h", "--db", db, "--json"));
            Assert.Equal(a.GetProperty("state").ToString(), b.GetProperty("state").ToString());
            Assert.Equal(7_200_000_000, b.GetProperty("checkpointMicros").GetInt64());
            Assert.True(a.GetProperty("state").GetProperty("eventsHandled").GetInt64() > 0);
        }
        var overview = Json(await CliRunner.RunAsync("inspect", longer, "--db", db, "--json"));
        Assert.Equal(3, overview.GetProperty("checkpoints").GetArrayLength());

        var same = Json(await CliRunner.RunAsync("diff", fresh, fresh, "--db", db, "--json"));
        Assert.Equal(0, same.GetProperty("differingEntities").GetArrayLength());
        Assert.Equal(0, same.GetProperty("differingMetrics").GetArrayLength());
        var diff = Json(await CliRunner.RunAsync("diff", fresh, longer, "--db", db, "--json"));
        Assert.True(diff.GetProperty("differingEntities").GetArrayLength() > 5);
        Assert.Contains(diff.GetProperty("differingMetrics").EnumerateArray(), m => m.GetProperty("metric").GetString() == "requests.arrived");
    }

    [Fact]
    public async Task Bad_requests_get_a_precise_message_and_never_modify_the_database()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gridactors-inspect-" + Guid.NewGuid().ToString("N"));
        var db = Path.Combine(dir, "g.db");
        var run = await Run(db, Path.Combine(dir, "a"), "--until", "1h");
        var foreign = Path.Combine(dir, "foreign.db");
        File.WriteAllText(foreign, "not a database");
        string Hash(string f) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)));
        var before = Hash(db);
        var cases = new (string[] Args, string Message)[]
        {
            (["inspect", "nope", "--db", db], "unknown run 'nope'"),
            (["inspect", run, "--entity", "hub/yrdd", "--db", db], "unknown entity 'hub/yrdd'"),
            (["inspect", run, "--entity", "hub/yrd", "--at", "5h", "--db", db], "is outside run"),
            (["inspect", run, "--db", Path.Combine(dir, "missing.db")], "database file not found"),
            (["runs", "--db", foreign], "is not a GridActors database"),
            (["diff", run, "other", "--db", db], "unknown run 'other'"),
            (["resume", run, "--db", db], "is already completed"),
        };
        foreach (var (args, message) in cases)
        {
            var r = await CliRunner.RunAsync(args);
            Assert.NotEqual(0, r.ExitCode);
            var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.Contains(message, lines[0]);
            Assert.DoesNotContain("Exception", r.Stderr);
        }
        Assert.Equal(before, Hash(db));
        Assert.Equal("not a database", File.ReadAllText(foreign));
        Assert.False(File.Exists(Path.Combine(dir, "missing.db")));
    }
}
