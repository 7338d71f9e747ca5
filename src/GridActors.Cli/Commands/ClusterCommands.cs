using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using GridActors.Kernel;
using GridActors.Model.Phold;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime.Cluster;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

/// <summary>Builds the CLI's model families on any node: scenarios (YAML text) and PHOLD (JSON parameters).</summary>
public sealed class CliModelFactory : IModelFactory
{
    public const string ScenarioKind = "scenario";
    public const string PholdKind = "phold";

    public const string ScenarioFileKind = "scenario-file";

    /// <summary>Scenarios over this size travel as a path (nodes read the file and check its hash) instead of as text.</summary>
    public const int InlineLimit = 8 << 20;

    public static ModelSpec ForScenario(Scenario scenario, string text) => text.Length <= InlineLimit
        ? new(ScenarioKind, scenario.Path, text, scenario.Hash)
        : new(ScenarioFileKind, Path.GetFullPath(scenario.Path), "", scenario.Hash);

    public static ModelSpec ForPhold(PholdParameters p)
    {
        var text = JsonSerializer.Serialize(p);
        return new ModelSpec(PholdKind, "phold", text, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))));
    }

    public ISimModel Build(ModelSpec spec) => spec.Kind switch
    {
        ScenarioKind => new SupplyChainModel(ScenarioLoader.Load(spec.Name, spec.Text).Spec),
        ScenarioFileKind => FromFile(spec),
        PholdKind => new PholdModel(JsonSerializer.Deserialize<PholdParameters>(spec.Text) ?? throw new InvalidDataException("empty PHOLD parameters")),
        _ => throw new InvalidDataException($"unknown model kind '{spec.Kind}' (this node runs GridActors {EngineInfo.Version})"),
    };

    private static SupplyChainModel FromFile(ModelSpec spec)
    {
        if (!File.Exists(spec.Name)) throw new FileNotFoundException($"scenario {spec.Name} is not readable on this node (large scenarios are shared by path)");
        var scenario = ScenarioLoader.LoadFile(spec.Name);
        if (scenario.Hash != spec.Hash) throw new InvalidDataException($"scenario {spec.Name} on this node differs from the coordinator's (hash {scenario.Hash[..12]} vs {spec.Hash[..12]})");
        return new SupplyChainModel(scenario.Spec);
    }
}

/// <summary>Options shared by the commands that run on a cluster (<c>run</c>, <c>resume</c>).</summary>
public class ClusterSettings : StoreSettings
{
    [CommandOption("--nodes <N>")]
    [Description("Run on a cluster of N nodes on this machine: this process plus N−1 worker processes on free loopback ports (stopped at the end).")]
    public int? Nodes { get; init; }

    [CommandOption("--seed-nodes <ADDRESSES>")]
    [Description("Join an existing cluster through these seed nodes (comma-separated, e.g. akka.tcp://gridactors@10.0.0.5:4053).")]
    public string? SeedNodes { get; init; }

    [CommandOption("--min-nodes <N>")]
    [Description("With --seed-nodes: wait until N worker nodes (this process included) are up before starting.")]
    public int? MinNodes { get; init; }

    [CommandOption("--host <HOST>")]
    [Description("Address this process binds and advertises in a cluster (default 127.0.0.1).")]
    public string? Host { get; init; }

    [CommandOption("--port <PORT>")]
    [Description("Cluster port of this process (default: a free port).")]
    public int? Port { get; init; }

    public bool Clustered => Nodes is not null || SeedNodes is not null;

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (Nodes is < 1 or > 64) return ValidationResult.Error($"--nodes must be between 1 and 64, got {Nodes}");
        if (Nodes is not null && SeedNodes is not null) return ValidationResult.Error("--nodes starts its own cluster; --seed-nodes joins an existing one — give one of them");
        if (MinNodes is not null && SeedNodes is null) return ValidationResult.Error("--min-nodes needs --seed-nodes (with --nodes N the run waits for its N nodes)");
        if (MinNodes is < 1) return ValidationResult.Error($"--min-nodes must be at least 1, got {MinNodes}");
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be between 0 and 65535, got {Port}");
        if ((Host is not null || Port is not null) && !Clustered) return ValidationResult.Error("--host and --port only apply with --nodes or --seed-nodes");
        return SeedNodes is null ? ValidationResult.Success() : ValidateSeeds(SeedNodes);
    }

    /// <summary>Every comma-separated seed address must parse (shared by <c>run</c>, <c>resume</c> and <c>node</c>).</summary>
    public static ValidationResult ValidateSeeds(string seeds)
    {
        foreach (var s in seeds.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            try { ClusterNodeOptions.ParseSeed(s); }
            catch (FormatException ex) { return ValidationResult.Error("--seed-nodes: " + ex.Message); }
        }
        return ValidationResult.Success();
    }

    public ClusterLaunchOptions? ToLaunch(int threads) => !Clustered ? null : new ClusterLaunchOptions(
        Nodes ?? 0,
        SeedNodes?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ClusterNodeOptions.ParseSeed).ToArray() ?? [],
        MinNodes ?? 1, Host ?? "127.0.0.1", Port ?? 0, threads);
}

/// <summary>How <c>run</c>/<c>resume</c> form their cluster: <paramref name="LocalNodes"/> &gt; 0 starts that many nodes here
/// (this process and N−1 workers); otherwise this process joins <paramref name="SeedNodes"/> and waits for <paramref name="MinNodes"/>.</summary>
public sealed record ClusterLaunchOptions(int LocalNodes, string[] SeedNodes, int MinNodes, string Host, int Port, int Threads)
{
    public int RequiredNodes => LocalNodes > 0 ? LocalNodes : MinNodes;

    /// <summary>Dispatcher threads per process unless given: what a single process would use (one thread for
    /// small models), at most the cores shared by the local nodes.</summary>
    public int ThreadsPerNode(int entities) => Threads > 0 ? Threads
        : LocalNodes > 0 ? Math.Min(Runtime.ActorExecutor.DefaultThreads(entities), Math.Max(1, Environment.ProcessorCount / LocalNodes))
        : Runtime.ActorExecutor.DefaultThreads(entities);
}

/// <summary>
/// This process as a cluster node with the coordinator role, plus — for <c>--nodes N</c> — N−1 local
/// <c>gridactors node</c> worker processes joined to it. Disposing stops the workers (SIGTERM, then kill
/// after 10 s) and leaves the cluster.
/// </summary>
public sealed class ClusterLaunch : IAsyncDisposable
{
    public ClusterNode Node { get; }
    public int MinNodes { get; }
    private readonly List<Process> _workers = [];
    private readonly Action<string> _log;

    private ClusterLaunch(ClusterNode node, int minNodes, Action<string> log)
    {
        Node = node;
        MinNodes = minNodes;
        _log = log;
    }

    public static bool SerializeAllMessages => Environment.GetEnvironmentVariable("GRIDACTORS_SERIALIZE_MESSAGES") is "on" or "1" or "true";

    public static ClusterLaunch Start(ClusterLaunchOptions o, Store? store, int entities, Action<string> log)
    {
        int threads = o.ThreadsPerNode(entities);
        var node = ClusterNode.Start(new ClusterNodeOptions(o.Host, o.Port, o.SeedNodes,
            [ClusterNodeOptions.CoordinatorRole, ClusterNodeOptions.WorkerRole]), new CliModelFactory(), threads, store?.AkkaConfig(), SerializeAllMessages);
        var launch = new ClusterLaunch(node, o.RequiredNodes, log);
        log($"node {node.SelfAddress} (this process, pid {Environment.ProcessId}) started with {threads} thread(s)");
        for (int i = 1; i < o.LocalNodes; i++)
        {
            try { launch.SpawnWorker(i, node.SelfAddress.ToString(), threads, store); }
            catch
            {
                launch.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
        return launch;
    }

    private void SpawnWorker(int index, string seed, int threads, Store? store)
    {
        var psi = SelfProcess.StartInfo();
        foreach (var a in new[] { "node", "--seed-nodes", seed, "--host", "127.0.0.1", "--port", "0", "--threads", threads.ToString(CultureInfo.InvariantCulture),
                     "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (store is not null)
        {
            psi.ArgumentList.Add(store.IsSqlite ? "--db" : "--postgres");
            psi.ArgumentList.Add(store.IsSqlite ? Path.GetFullPath(store.Display) : store.ConnectionString);
        }
        psi.Environment.Remove("GRIDACTORS_CRASH_AT"); // crash points are meant for the process they were given to
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a worker process");
        string prefix = $"[worker {index}] ";
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log(prefix + e.Data); };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) _log(prefix + e.Data); };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        _workers.Add(p);
        _log($"worker {index} started: pid {p.Id}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Asks a process to stop cleanly (SIGTERM).</summary>
    public static void Terminate(Process p)
    {
        if (OperatingSystem.IsWindows()) p.Kill();
        else _ = SysKill(p.Id, 15);
    }

    public async ValueTask DisposeAsync()
    {
        // Leave while the workers are still there to acknowledge it (a leave after they vanished waits
        // ~10 s for gossip convergence), then stop the workers: SIGTERM, killed if not gone within 10 s.
        await Node.DisposeAsync().ConfigureAwait(false);
        foreach (var p in _workers.Where(p => !p.HasExited)) Terminate(p);
        foreach (var p in _workers)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await p.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
            p.Dispose();
        }
    }
}

public sealed class NodeSettings : StoreSettings
{
    [CommandOption("--seed-nodes <ADDRESSES>")]
    [Description("Seed nodes to join (comma-separated), e.g. akka.tcp://gridactors@127.0.0.1:4053. Default: $GRIDACTORS_SEED_NODES.")]
    public string? SeedNodes { get; init; }

    [CommandOption("--host <HOST>")]
    [Description("Address to bind and advertise (default $GRIDACTORS_HOST or 127.0.0.1).")]
    public string? Host { get; init; }

    [CommandOption("--port <PORT>")]
    [Description("TCP port (default $GRIDACTORS_PORT or 0 = a free port).")]
    public int? Port { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Dispatcher threads for the entity actors hosted here (default 1).")]
    [DefaultValue(1)]
    public int Threads { get; init; } = 1;

    [CommandOption("--parent-pid <PID>", IsHidden = true)]
    [Description("Stop when this process ends (used for the workers `run --nodes` starts).")]
    public int? ParentPid { get; init; }

    public string? EffectiveSeeds => SeedNodes ?? Environment.GetEnvironmentVariable("GRIDACTORS_SEED_NODES");

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (string.IsNullOrWhiteSpace(EffectiveSeeds)) return ValidationResult.Error("--seed-nodes is required (or set GRIDACTORS_SEED_NODES)");
        var seeds = ClusterSettings.ValidateSeeds(EffectiveSeeds);
        if (!seeds.Successful) return seeds;
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be between 0 and 65535, got {Port}");
        if (Threads < 1) return ValidationResult.Error($"--threads must be at least 1, got {Threads}");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>gridactors node</c>: a worker that joins the cluster and hosts entity actors for whichever run places
/// them here, until SIGTERM or Ctrl-C (it then leaves the cluster and exits) or until the cluster downs it.
/// </summary>
public sealed class NodeCommand : AsyncCommand<NodeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken cancellation)
    {
        var seeds = settings.EffectiveSeeds!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ClusterNodeOptions.ParseSeed).ToArray();
        string host = settings.Host ?? Environment.GetEnvironmentVariable("GRIDACTORS_HOST") ?? "127.0.0.1";
        int port = settings.Port ?? (int.TryParse(Environment.GetEnvironmentVariable("GRIDACTORS_PORT"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0);
        string? postgres = settings.Postgres ?? Environment.GetEnvironmentVariable("GRIDACTORS_POSTGRES");
        var store = StoreOptions.Resolve(settings.Db, postgres, create: true);
        var node = ClusterNode.Start(new ClusterNodeOptions(host, port, seeds, [ClusterNodeOptions.WorkerRole]), new CliModelFactory(),
            settings.Threads, store.AkkaConfig(), ClusterLaunch.SerializeAllMessages);
        Console.Error.WriteLine($"node {node.SelfAddress} started (pid {Environment.ProcessId}, store {store.Display}); joining {string.Join(", ", seeds)}");
        bool stopping = false;
        void Stop()
        {
            if (stopping) return;
            stopping = true;
            _ = node.LeaveAsync();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true; // leave the cluster, then exit normally
            Stop();
        });
        await using var onCancel = cancellation.Register(Stop);
        if (settings.ParentPid is int parent) _ = WatchParent(parent, Stop);
        node.Cluster.RegisterOnMemberUp(() => Console.Error.WriteLine($"node {node.SelfAddress} is up"));
        await node.System.WhenTerminated.ConfigureAwait(false);
        // SIGTERM may reach Akka's own process-exit hook first; either way it is a requested stop.
        bool downed = Akka.Actor.CoordinatedShutdown.Get(node.System).ShutdownReason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason;
        Console.Error.WriteLine(downed ? $"node {node.SelfAddress} was removed from the cluster (downed)" : $"node {node.SelfAddress} left the cluster");
        return downed ? 1 : 0;
    }

    private static async Task WatchParent(int pid, Action stop)
    {
        try
        {
            using var parent = Process.GetProcessById(pid);
            await parent.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (ArgumentException) { /* already gone */ }
        stop();
    }
}

/// <summary>Starts another gridactors process (a worker node, a sweep case) the way this one was started.</summary>
public static class SelfProcess
{
    public static ProcessStartInfo StartInfo()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the gridactors executable");
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            psi.ArgumentList.Add(typeof(SelfProcess).Assembly.Location); // started as `dotnet gridactors.dll`
        return psi;
    }
}
