using System.Diagnostics;
using System.Text.Json;
using GridActors.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridActors.Cli.Tests;

/// <summary>
/// A throwaway PostgreSQL server for the tests: the one <c>.ci/run</c> started (GRIDACTORS_TEST_POSTGRES),
/// or one this fixture starts with <c>scripts/postgres.sh</c> on a free port (other test runs on the machine may hold
/// any fixed one) and stops afterwards.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly bool _owned;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gridactors-pg-tests-" + Environment.ProcessId);

    public PostgresFixture()
    {
        var given = Environment.GetEnvironmentVariable("GRIDACTORS_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(given))
        {
            Connection = given;
            return;
        }
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("bash", [Path.Combine(CliPaths.Repo(), "scripts", "postgres.sh"), "start", port]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["GRIDACTORS_PG_DIR"] = _dir;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var log = Path.Combine(_dir, "log");
            var tail = File.Exists(log) ? "\n" + string.Join('\n', File.ReadLines(log).TakeLast(10)) : "";
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } // Dispose is not called when the constructor throws
            throw new InvalidOperationException($"could not start PostgreSQL on port {port}: {error}{tail}");
        }
        Connection = output.Trim().Split('\n').Last();
        _owned = true;
    }

    public string Connection { get; }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        try { return ((System.Net.IPEndPoint)l.LocalEndpoint).Port; }
        finally { l.Stop(); }
    }

    public void Dispose()
    {
        if (!_owned) return;
        var psi = new ProcessStartInfo("bash", [Path.Combine(CliPaths.Repo(), "scripts", "postgres.sh"), "stop"]);
        psi.Environment["GRIDACTORS_PG_DIR"] = _dir;
        Process.Start(psi)!.WaitForExit();
    }
}

public static class CliPaths
{
    public static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}

public class PersistenceProcessSpecs(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    private static string Scenario(string name) => Path.Combine(CliPaths.Repo(), "scenarios", name);

    private string[] StoreArgs(string store, string dir) =>
        store == "sqlite" ? ["--db", Path.Combine(dir, "gridactors.db")] : ["--postgres", pg.Connection];

    private Store RegistryOf(string store, string dir) =>
        store == "sqlite" ? Store.Sqlite(Path.Combine(dir, "gridactors.db")) : Store.Postgres(pg.Connection);

    private static JsonElement Json(CliRunner.Outcome r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    private async Task<JsonElement> Run(string store, string dir, params string[] args) =>
        JsonDocument.Parse((await CliRunner.RunAsync([.. args, .. StoreArgs(store, dir), "--json"])).Stdout is var s && s.Length > 0 ? s : "null").RootElement.Clone();

    private async Task<JsonElement> RunRecord(string store, string dir, string runId)
    {
        var r = await CliRunner.RunAsync(["runs", .. StoreArgs(store, dir), "--json"]);
        return Json(r).EnumerateArray().Single(x => x.GetProperty("runId").GetString() == runId);
    }

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "gridactors-persist-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_run_killed_after_a_checkpoint_and_again_during_the_resume_finishes_with_the_uninterrupted_digest(string store)
    {
        var dir = TempDir();
        var small = Scenario("small.yaml");
        var reference = Json(await CliRunner.RunAsync("run", small, "--until", "3h", "--executor", "sequential", "--db", Path.Combine(dir, "ref.db"), "--out", Path.Combine(dir, "ref"), "--json"));

        // First attempt: killed (SIGKILL) right after checkpoint 1 is complete.
        var first = await CliRunner.RunWithEnvAsync(new() { ["GRIDACTORS_CRASH_AT"] = "checkpoint:1:after" },
            ["run", small, "--until", "3h", "--out", Path.Combine(dir, "out"), .. StoreArgs(store, dir), "--json"]);
        Assert.Equal(137, first.ExitCode);
        var runs = Json(await CliRunner.RunAsync(["runs", .. StoreArgs(store, dir), "--json"])).EnumerateArray()
            .Where(x => x.GetProperty("status").GetString() == "interrupted" && x.GetProperty("scenario").GetString() == small).ToList();
        var runId = runs.Last().GetProperty("runId").GetString()!;
        Assert.Equal(1, runs.Last().GetProperty("lastCheckpoint").GetInt32());

        // Second attempt: the resume is killed while checkpoint 2 is being written.
        var second = await CliRunner.RunWithEnvAsync(new() { ["GRIDACTORS_CRASH_AT"] = "checkpoint:2:partial" },
            ["resume", runId, "--out", Path.Combine(dir, "out"), .. StoreArgs(store, dir), "--json"]);
        Assert.Equal(137, second.ExitCode);
        Assert.Equal(1, (await RunRecord(store, dir, runId)).GetProperty("lastCheckpoint").GetInt32());

        var done = Json(await CliRunner.RunAsync(["resume", runId, "--out", Path.Combine(dir, "out"), .. StoreArgs(store, dir), "--json"]));
        Assert.Equal(reference.GetProperty("digest").GetString(), done.GetProperty("digest").GetString());
        var record = await RunRecord(store, dir, runId);
        Assert.Equal("completed", record.GetProperty("status").GetString());
        Assert.Equal(reference.GetProperty("digest").GetString(), record.GetProperty("digest").GetString());
        AssertHistoryHasNoGapsOrDuplicates(store, dir, runId, expectedCheckpoints: 3); // 1 h, 2 h and the final one at 3 h
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_run_killed_from_outside_after_its_first_checkpoint_resumes_to_the_same_digest(string store)
    {
        var dir = TempDir();
        var file = Scenario("china-token-supply-chain.yaml");
        var reference = Json(await CliRunner.RunAsync("run", file, "--until", "3h", "--executor", "sequential", "--db", Path.Combine(dir, "ref.db"), "--out", Path.Combine(dir, "ref"), "--json"));
        // Paced at 300 simulated seconds per wall second: checkpoint #1 (30 min) cannot come before 6 s and the end
        // (3 h) not before 36 s, so the kill lands between them however slowly the machine runs the test. The run id
        // comes from the run's own stderr, not from guessing in the registry.
        using var p = new LiveProcess([], ["run", file, "--until", "3h", "--checkpoint-every", "30min", "--pace", "300", "--out", Path.Combine(dir, "out"), .. StoreArgs(store, dir), "--json"]);
        var runId = p.WaitFor(@"run (\S+) takes fault injections", TimeSpan.FromMinutes(2)).Groups[1].Value;
        await RegistryProbe.WaitUntil(RegistryOf(store, dir), runId, p, r => r.Status == "running" && r.LastCheckpoint >= 1, "running with checkpoint #1 complete");
        p.Kill(); // SIGKILL, somewhere inside the run after checkpoint #1
        Assert.Equal(137, (await p.ExitAsync(TimeSpan.FromMinutes(1))).ExitCode);
        var record = await RunRecord(store, dir, runId);
        Assert.Equal("interrupted", record.GetProperty("status").GetString()); // its coordinating process is gone
        Assert.True(record.GetProperty("lastCheckpoint").GetInt32() >= 1);
        var done = Json(await CliRunner.RunAsync(["resume", runId, "--out", Path.Combine(dir, "out"), .. StoreArgs(store, dir), "--json"]));
        Assert.Equal(reference.GetProperty("digest").GetString(), done.GetProperty("digest").GetString());
        AssertHistoryHasNoGapsOrDuplicates(store, dir, runId, expectedCheckpoints: 6); // every 30 min to 2.5 h, and the final one at 3 h
    }

    private void AssertHistoryHasNoGapsOrDuplicates(string store, string dir, string runId, int expectedCheckpoints)
    {
        using System.Data.Common.DbConnection c = store == "sqlite"
            ? new SqliteConnection($"Data Source={Path.Combine(dir, "gridactors.db")}")
            : new NpgsqlConnection(pg.Connection);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT persistence_id, COUNT(*), COUNT(DISTINCT sequence_number), MIN(sequence_number), MAX(sequence_number) FROM journal WHERE persistence_id LIKE 'run-{runId}/%' GROUP BY persistence_id";
        using var r = cmd.ExecuteReader();
        int pids = 0;
        while (r.Read())
        {
            pids++;
            long count = Convert.ToInt64(r.GetValue(1)), distinct = Convert.ToInt64(r.GetValue(2)), min = Convert.ToInt64(r.GetValue(3)), max = Convert.ToInt64(r.GetValue(4));
            Assert.True(count == distinct && min == 1 && max == count, $"{r.GetString(0)}: {count} rows, {distinct} distinct, {min}..{max}");
            if (r.GetString(0).EndsWith("/coordinator")) Assert.Equal(expectedCheckpoints, count);
        }
        Assert.True(pids > 5);
    }
}
