using System.Diagnostics;
using System.Text.Json;

namespace GridActors.Cli.Tests;

/// <summary>
/// What docker/docker-compose.yml does, with plain processes: standing `gridactors node` workers configured
/// through environment variables, a coordinator that is its own seed node and waits for --min-nodes, and
/// PostgreSQL as the shared store. And a real network partition between network namespaces.
/// </summary>
public class ClusterTopologySpecs(PostgresFixture pg) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-topology-").FullName;
    private readonly List<LiveProcess> _processes = [];

    private static string Scenario(string name) => Path.Combine(CliPaths.Repo(), "scenarios", name);

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static JsonElement Json(CliRunner.Outcome r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\nstdout: {r.Stdout}\nstderr: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout.Trim().Split('\n').Last()).RootElement;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task Standing_workers_configured_by_environment_join_a_coordinator_that_waits_for_min_nodes_on_postgres()
    {
        string[] scenario = ["run", Scenario("small.yaml"), "--until", "20min", "--checkpoint-every", "5min", "--json"];
        var reference = Json(await CliRunner.RunAsync([.. scenario, "--executor", "sequential", "--db", Path.Combine(_dir, "ref.db")])).GetProperty("digest").GetString();
        int port = FreePort();
        string seed = $"akka.tcp://gridactors@127.0.0.1:{port}";
        var env = new Dictionary<string, string> { ["GRIDACTORS_SEED_NODES"] = seed, ["GRIDACTORS_POSTGRES"] = pg.Connection, ["GRIDACTORS_HOST"] = "127.0.0.1" };
        var workers = Enumerable.Range(0, 2).Select(_ => new LiveProcess(env, "node")).ToList();
        _processes.AddRange(workers);
        var run = Json(await CliRunner.RunAsync([.. scenario, "--host", "127.0.0.1", "--port", port.ToString(), "--seed-nodes", seed, "--min-nodes", "3", "--postgres", pg.Connection]));
        Assert.Equal(reference, run.GetProperty("digest").GetString());
        Assert.Equal(3, run.GetProperty("nodes").GetInt32());
        var pids = run.GetProperty("placement").EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ToHashSet();
        Assert.Superset(workers.Select(w => w.Id).ToHashSet(), pids); // both standing workers hosted entities
        // The workers outlive the run (they serve the next one) and stop cleanly on SIGTERM.
        foreach (var w in workers)
        {
            w.WaitFor("is up", TimeSpan.FromMinutes(1)); // printed before the run started: found at once
            Process.Start("kill", ["-TERM", w.Id.ToString()])!.WaitForExit();
            var exit = await w.ExitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exit.ExitCode);
            Assert.Contains("left the cluster", exit.Stderr);
        }
        var runs = await CliRunner.RunAsync("runs", "--json", "--postgres", pg.Connection);
        var record = JsonDocument.Parse(runs.Stdout).RootElement.EnumerateArray().Single(r => r.GetProperty("runId").GetString() == run.GetProperty("runId").GetString());
        Assert.Equal("completed", record.GetProperty("status").GetString());
        Assert.Equal(3, record.GetProperty("nodes").GetInt32());
    }

    private static bool Sh(string command, out string output)
    {
        var psi = new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    private static void ShOrFail(string command)
    {
        Assert.True(Sh(command, out var output), $"`{command}` failed: {output}");
    }

    /// <summary>Three namespaces with addresses 10.77.0.1–3 on a bridge that lives in a fourth namespace (nothing changes on the host's own network).</summary>
    private sealed class Namespaces : IDisposable
    {
        public readonly string Tag = "ga" + (Environment.ProcessId % 10000);
        public string Ns(int i) => $"{Tag}-n{i}";
        public string Bridge => $"{Tag}-br";

        public Namespaces()
        {
            Dispose();
            ShOrFail($"ip netns add {Bridge} && ip -n {Bridge} link add br0 type bridge && ip -n {Bridge} link set br0 up");
            for (int i = 1; i <= 3; i++)
                ShOrFail($"ip netns add {Ns(i)} && ip link add v{i} netns {Ns(i)} type veth peer name p{i} netns {Bridge}"
                    + $" && ip -n {Ns(i)} addr add 10.77.0.{i}/24 dev v{i} && ip -n {Ns(i)} link set v{i} up && ip -n {Ns(i)} link set lo up"
                    + $" && ip -n {Bridge} link set p{i} master br0 && ip -n {Bridge} link set p{i} up");
        }

        public void Cut(int i) => ShOrFail($"ip -n {Bridge} link set p{i} down");

        public void Dispose()
        {
            for (int i = 1; i <= 3; i++) Sh($"ip netns del {Ns(i)}", out _);
            Sh($"ip netns del {Bridge}", out _);
        }
    }

    [SkippableFact]
    public async Task A_worker_cut_off_by_a_network_partition_is_downed_and_the_run_completes_identically()
    {
        Skip.IfNot(Environment.UserName == "root" || Sh("id -u | grep -qx 0", out _), "network namespaces need root (CAP_NET_ADMIN): run the tests as root to include the partition test");
        Skip.IfNot(Sh("ip netns add ga-probe && ip netns del ga-probe", out var why), "cannot create network namespaces here: " + why.Trim());
        using var ns = new Namespaces();
        var db = Path.Combine(_dir, "partition.db");
        string[] scenario = ["run", Scenario("small.yaml"), "--until", "40min", "--checkpoint-every", "5min", "--json"];
        var reference = Json(await CliRunner.RunAsync([.. scenario, "--executor", "sequential", "--db", Path.Combine(_dir, "ref.db")])).GetProperty("digest").GetString();
        var dll = Path.Combine(AppContext.BaseDirectory, "gridactors.dll");
        string seed = "akka.tcp://gridactors@10.77.0.1:4053";
        LiveProcess InNamespace(int i, params string[] args)
        {
            var p = new LiveProcess(new() { ["DOTNET_CLI_HOME"] = _dir }, ["--ns-exec", ns.Ns(i), .. args]);
            _processes.Add(p);
            return p;
        }
        var w2 = InNamespace(2, "node", "--host", "10.77.0.2", "--port", "4053", "--seed-nodes", seed, "--db", db);
        var w3 = InNamespace(3, "node", "--host", "10.77.0.3", "--port", "4053", "--seed-nodes", seed, "--db", db);
        var coordinator = InNamespace(1, [.. scenario, "--db", db, "--host", "10.77.0.1", "--port", "4053", "--seed-nodes", seed, "--min-nodes", "3"]);
        coordinator.WaitFor(@"checkpoint #2 complete", TimeSpan.FromSeconds(120));
        ns.Cut(3);
        var downed = await w3.ExitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(1, downed.ExitCode); // the isolated worker is downed (it is not on the oldest node's side) and exits
        Assert.Contains("downed", downed.Stderr);
        var r = Json(await coordinator.ExitAsync(TimeSpan.FromMinutes(5)));
        Assert.Equal(reference, r.GetProperty("digest").GetString());
        var failover = Assert.Single(r.GetProperty("failovers").EnumerateArray());
        Assert.Contains("10.77.0.3", failover.GetProperty("lost")[0].GetString());
        Assert.Equal(2, r.GetProperty("nodes").GetInt32());
        Process.Start("kill", ["-TERM", w2.Id.ToString()])!.WaitForExit();
        await w2.ExitAsync(TimeSpan.FromSeconds(30));
    }
}
