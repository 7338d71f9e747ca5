using System.Diagnostics;
using System.Text.Json;

namespace GridActors.Cli.Tests;

/// <summary>
/// Clustered runs with real processes on loopback: the run process plus `gridactors node` workers it starts.
/// Every cross-node message goes through the binary serializer, and with GRIDACTORS_SERIALIZE_MESSAGES=on so does
/// every local message that could ever cross a node.
/// </summary>
public class ClusterProcessSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-cluster-").FullName;
    private static readonly Dictionary<string, string> Serialize = new() { ["GRIDACTORS_SERIALIZE_MESSAGES"] = "on" };

    private static string Scenario(string name) => Path.Combine(CliPaths.Repo(), "scenarios", name);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static JsonElement Json(CliRunner.Outcome r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout.Trim().Split('\n').Last()).RootElement;
    }

    [Fact]
    public async Task Phold_gives_the_sequential_digest_on_1_2_and_3_nodes()
    {
        string[] phold = ["bench", "phold", "--lps", "300", "--population", "4", "--end", "20", "--remote", "0.5", "--json"];
        var reference = Json(await CliRunner.RunAsync([.. phold, "--executor", "sequential"])).GetProperty("digest").GetString();
        foreach (var n in new[] { 1, 2, 3 })
        {
            var r = Json(await CliRunner.RunWithEnvAsync(Serialize, [.. phold, "--nodes", n.ToString()]));
            Assert.Equal(reference, r.GetProperty("digest").GetString());
            Assert.Equal(n, r.GetProperty("nodes").GetInt32());
            var placement = r.GetProperty("placement").EnumerateArray().ToList();
            Assert.Equal(n, placement.Select(p => p.GetProperty("pid").GetInt32()).Distinct().Count()); // one process per node
            Assert.Equal(300, placement.Sum(p => p.GetProperty("entities").GetInt32()));
            if (n > 1) Assert.True(r.GetProperty("crossNode").GetProperty("events").GetInt64() > 0, "events crossed nodes");
        }
    }

    [Fact]
    public async Task Small_scenario_gives_the_sequential_digest_on_1_2_and_3_nodes()
    {
        string[] run = ["run", Scenario("small.yaml"), "--until", "12min", "--checkpoint-every", "5min", "--json", "--db", Path.Combine(_dir, "g.db")];
        var reference = Json(await CliRunner.RunAsync([.. run, "--executor", "sequential"])).GetProperty("digest").GetString();
        foreach (var n in new[] { 1, 2, 3 })
        {
            var r = Json(await CliRunner.RunWithEnvAsync(Serialize, [.. run, "--nodes", n.ToString()]));
            Assert.Equal(reference, r.GetProperty("digest").GetString());
            Assert.Equal(n, r.GetProperty("nodes").GetInt32());
            var runJson = JsonDocument.Parse(File.ReadAllText(Path.Combine("runs", r.GetProperty("runId").GetString()!, "run.json"))).RootElement;
            Assert.Equal(n, runJson.GetProperty("nodes").GetInt32());
            Assert.Equal(n, runJson.GetProperty("placement").GetArrayLength());
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_run_is_replaced_by_the_survivors_from_the_last_checkpoint_with_the_same_digest()
    {
        string[] run = ["run", Scenario("small.yaml"), "--until", "40min", "--checkpoint-every", "5min", "--json", "--db", Path.Combine(_dir, "k.db")];
        var reference = Json(await CliRunner.RunAsync([.. run, "--executor", "sequential"])).GetProperty("digest").GetString();
        using var p = new LiveProcess([], [.. run, "--nodes", "3"]);
        int worker = int.Parse(p.WaitFor(@"worker 2 started: pid (\d+)", TimeSpan.FromSeconds(120)).Groups[1].Value);
        p.WaitFor(@"checkpoint #2 complete", TimeSpan.FromMinutes(3));
        Process.GetProcessById(worker).Kill(); // SIGKILL, like kill -9
        var lostLine = p.WaitFor(@"node (\S+) lost \(", TimeSpan.FromMinutes(3)).Groups[1].Value;
        p.WaitFor(@"resuming from checkpoint #[2-9]", TimeSpan.FromMinutes(3));
        var r = Json(await p.ExitAsync(TimeSpan.FromMinutes(5)));
        // What happened, not how long it took: one fail-over from checkpoint ≥ 2 that lost exactly the killed worker's
        // node, a run finished on the two survivors, and the digest of an uninterrupted run.
        Assert.Equal(reference, r.GetProperty("digest").GetString());
        var failover = Assert.Single(r.GetProperty("failovers").EnumerateArray());
        Assert.True(failover.GetProperty("fromCheckpoint").GetInt32() >= 2);
        var lost = Assert.Single(failover.GetProperty("lost").EnumerateArray()).GetString()!;
        Assert.Equal(lostLine, lost);
        var survivors = r.GetProperty("placement").EnumerateArray().ToList();
        Assert.Equal(2, r.GetProperty("nodes").GetInt32());
        Assert.Equal(2, survivors.Count);
        Assert.DoesNotContain(worker, survivors.Select(n => n.GetProperty("pid").GetInt32()));
        Assert.DoesNotContain(lost, survivors.Select(n => n.GetProperty("address").GetString()));
        // The run folder records the same fail-over and placement.
        var folder = Path.Combine("runs", r.GetProperty("runId").GetString()!);
        foreach (var file in new[] { "run.json", "summary.json" })
        {
            var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file))).RootElement;
            var recorded = Assert.Single(written.GetProperty("failovers").EnumerateArray());
            Assert.Equal(failover.GetProperty("fromCheckpoint").GetInt32(), recorded.GetProperty("fromCheckpoint").GetInt32());
            Assert.Equal(lost, Assert.Single(recorded.GetProperty("lost").EnumerateArray()).GetString());
            Assert.Equal(2, written.GetProperty("nodes").GetInt32());
        }
    }

    [Fact]
    public async Task Killing_the_coordinator_leaves_the_run_interrupted_and_resume_on_a_cluster_completes_it_identically()
    {
        var db = Path.Combine(_dir, "c.db");
        string[] run = ["run", Scenario("small.yaml"), "--until", "30min", "--checkpoint-every", "5min", "--json", "--db", db];
        var reference = Json(await CliRunner.RunAsync([.. run, "--executor", "sequential"])).GetProperty("digest").GetString();
        using var p = new LiveProcess(new() { ["GRIDACTORS_CRASH_AT"] = "checkpoint:2:after" }, [.. run, "--nodes", "2"]);
        int worker = int.Parse(p.WaitFor(@"worker 1 started: pid (\d+)", TimeSpan.FromSeconds(60)).Groups[1].Value);
        var crashed = await p.ExitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(137, crashed.ExitCode); // killed like kill -9
        // The worker notices that its coordinator is gone and stops (it was started for this run).
        using (var w = TryGet(worker))
            if (w is not null) Assert.True(w.WaitForExit(TimeSpan.FromMinutes(2)), "worker outlived its coordinator"); // a bound, not an expected time
        var runs = JsonDocument.Parse((await CliRunner.RunAsync("runs", "--json", "--db", db)).Stdout).RootElement.EnumerateArray()
            .Where(x => x.GetProperty("executor").GetString() == "actors").ToList();
        var interrupted = Assert.Single(runs);
        Assert.Equal("interrupted", interrupted.GetProperty("status").GetString());
        Assert.Equal(2, interrupted.GetProperty("lastCheckpoint").GetInt32());
        var resumed = Json(await CliRunner.RunAsync("resume", interrupted.GetProperty("runId").GetString()!, "--json", "--db", db, "--nodes", "2"));
        Assert.Equal(reference, resumed.GetProperty("digest").GetString());
    }

    private static Process? TryGet(int pid)
    {
        try { return Process.GetProcessById(pid); }
        catch (ArgumentException) { return null; }
    }

    [Fact]
    public async Task A_run_without_store_keeps_no_checkpoints_and_gives_the_same_digest()
    {
        var db = Path.Combine(_dir, "n.db");
        string[] run = ["run", Scenario("small.yaml"), "--until", "15min", "--json", "--db", db];
        var reference = Json(await CliRunner.RunAsync([.. run, "--executor", "sequential"])).GetProperty("digest").GetString();
        var r = Json(await CliRunner.RunAsync([.. run, "--no-store", "--nodes", "2"]));
        Assert.Equal(reference, r.GetProperty("digest").GetString());
        var runs = JsonDocument.Parse((await CliRunner.RunAsync("runs", "--json", "--db", db)).Stdout).RootElement.EnumerateArray();
        var record = runs.Single(x => x.GetProperty("runId").GetString() == r.GetProperty("runId").GetString());
        Assert.Equal("completed", record.GetProperty("status").GetString());
        Assert.Equal(0, record.GetProperty("lastCheckpoint").GetInt32());
        var inspect = await CliRunner.RunAsync("inspect", r.GetProperty("runId").GetString()!, "--db", db, "--json");
        Assert.DoesNotContain("checkpoint-complete", inspect.Stdout);
    }

    [Fact]
    public async Task Bad_cluster_options_get_one_line_errors()
    {
        var r = await CliRunner.RunAsync("run", Scenario("small.yaml"), "--nodes", "0");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--nodes must be between 1 and 64", r.Stderr);
        r = await CliRunner.RunAsync("run", Scenario("small.yaml"), "--seed-nodes", "tcp://x:1");
        Assert.Contains("is not an address like akka.tcp://gridactors@", r.Stderr);
        r = await CliRunner.RunAsync("node");
        Assert.Contains("--seed-nodes is required", r.Stderr);
        r = await CliRunner.RunAsync("run", Scenario("small.yaml"), "--nodes", "2", "--executor", "sequential");
        Assert.Contains("need the actors executor", r.Stderr);
        // A node that cannot listen stops at once with the address it tried (instead of waiting for ever).
        const string seed = "akka.tcp://gridactors@127.0.0.1:1";
        r = await CliRunner.RunAsync("node", "--host", "nosuchhost.invalid", "--seed-nodes", seed);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("cannot listen on nosuchhost.invalid:0", r.Stderr);
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
            r = await CliRunner.RunAsync("node", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed-nodes", seed);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains($"cannot listen on 127.0.0.1:{port}", r.Stderr);
        }
        finally
        {
            taken.Stop();
        }
    }
}
