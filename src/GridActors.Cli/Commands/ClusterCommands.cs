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

    [CommandOption("--tls-cert <PATH>")]
    [Description("Talk TLS to the other nodes with this PKCS#12 (.pfx) certificate and its private key; workers of --nodes get it too. Addresses become akka.ssl.tcp://….")]
    public string? TlsCert { get; init; }

    [CommandOption("--tls-password <PASSWORD>")]
    [Description("Password of the --tls-cert file. Prefer $GRIDACTORS_TLS_PASSWORD (a command line is visible to every user of the machine).")]
    public string? TlsPassword { get; init; }

    [CommandOption("--tls-ca <PATH>")]
    [Description("CA certificate (PEM or DER): peers must present a certificate signed by it. Without it, peers must present the --tls-cert certificate itself.")]
    public string? TlsCa { get; init; }

    public bool Clustered => Nodes is not null || SeedNodes is not null;

    public ClusterTlsOptions? Tls => TlsSettings.Options(TlsCert, TlsPassword, TlsCa);

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
        if ((TlsCert is not null || TlsPassword is not null || TlsCa is not null) && !Clustered)
            return ValidationResult.Error("--tls-cert, --tls-password and --tls-ca only apply with --nodes or --seed-nodes");
        if (SeedNodes is not null && ValidateSeeds(SeedNodes, TlsCert is not null) is { Successful: false } seeds) return seeds;
        return TlsSettings.Validate(TlsCert, TlsPassword, TlsCa);
    }

    /// <summary>Every comma-separated seed address must parse, with the scheme of the node's transport (shared by <c>run</c>, <c>resume</c> and <c>node</c>).</summary>
    public static ValidationResult ValidateSeeds(string seeds, bool tls)
    {
        foreach (var s in seeds.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            try { ClusterNodeOptions.ParseSeed(s, tls); }
            catch (FormatException ex) { return ValidationResult.Error("--seed-nodes: " + ex.Message); }
        }
        return ValidationResult.Success();
    }

    public ClusterLaunchOptions? ToLaunch(int threads) => !Clustered ? null : new ClusterLaunchOptions(
        Nodes ?? 0,
        SeedNodes?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => ClusterNodeOptions.ParseSeed(s, TlsCert is not null)).ToArray() ?? [],
        MinNodes ?? 1, Host ?? "127.0.0.1", Port ?? 0, threads, Tls);
}

/// <summary>The TLS options shared by <c>run</c>, <c>resume</c> and <c>node</c>: the password may come from
/// <c>GRIDACTORS_TLS_PASSWORD</c>, and the files are opened while the options are validated, so that a missing file, a wrong
/// password, a certificate without its key or an unreadable CA stops the command before it starts anything (no run is
/// registered, no process started). Option combinations are validation errors (exit 1, like every other option error);
/// files that cannot be used are bad input like a missing database file (<see cref="UserInputException"/>, exit 2).</summary>
public static class TlsSettings
{
    public const string PasswordVariable = "GRIDACTORS_TLS_PASSWORD";

    public static ClusterTlsOptions? Options(string? cert, string? password, string? ca) => cert is null ? null
        : new ClusterTlsOptions(Path.GetFullPath(cert), password ?? Environment.GetEnvironmentVariable(PasswordVariable), ca is null ? null : Path.GetFullPath(ca));

    public static ValidationResult Validate(string? cert, string? password, string? ca)
    {
        if (cert is null)
            return password is null && ca is null ? ValidationResult.Success() : ValidationResult.Error("--tls-password and --tls-ca need --tls-cert");
        try
        {
            using var loaded = ClusterTls.Load(Options(cert, password, ca)!);
            return ValidationResult.Success();
        }
        catch (ClusterTlsException ex)
        {
            throw new UserInputException(ex.Message);
        }
    }
}

/// <summary>How <c>run</c>/<c>resume</c> form their cluster: <paramref name="LocalNodes"/> &gt; 0 starts that many nodes here
/// (this process and N−1 workers); otherwise this process joins <paramref name="SeedNodes"/> and waits for <paramref name="MinNodes"/>.</summary>
public sealed record ClusterLaunchOptions(int LocalNodes, string[] SeedNodes, int MinNodes, string Host, int Port, int Threads, ClusterTlsOptions? Tls = null)
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
            [ClusterNodeOptions.CoordinatorRole, ClusterNodeOptions.WorkerRole], o.Tls), new CliModelFactory(), threads, store?.AkkaConfig(), SerializeAllMessages, log);
        var launch = new ClusterLaunch(node, o.RequiredNodes, log);
        log($"node {node.SelfAddress} (this process, pid {Environment.ProcessId}) started with {threads} thread(s){(o.Tls is null ? "" : ", TLS")}");
        for (int i = 1; i < o.LocalNodes; i++)
        {
            try { launch.SpawnWorker(i, node.SelfAddress.ToString(), threads, store, o.Tls); }
            catch
            {
                launch.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
        }
        return launch;
    }

    private void SpawnWorker(int index, string seed, int threads, Store? store, ClusterTlsOptions? tls)
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
        // A worker uses exactly this process's TLS settings (none, or the same files): nothing from the environment. The
        // password travels in the worker's environment, never on its command line, which every user can read.
        foreach (var v in new[] { NodeSettings.CertVariable, NodeSettings.CaVariable, TlsSettings.PasswordVariable }) psi.Environment.Remove(v);
        if (tls is not null)
        {
            psi.ArgumentList.Add("--tls-cert");
            psi.ArgumentList.Add(tls.CertificatePath);
            if (tls.AuthorityPath is not null)
            {
                psi.ArgumentList.Add("--tls-ca");
                psi.ArgumentList.Add(tls.AuthorityPath);
            }
            if (!string.IsNullOrEmpty(tls.Password)) psi.Environment[TlsSettings.PasswordVariable] = tls.Password;
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

    [CommandOption("--tls-cert <PATH>")]
    [Description("Talk TLS with this PKCS#12 (.pfx) certificate and its private key (default $GRIDACTORS_TLS_CERT); seed addresses are then akka.ssl.tcp://….")]
    public string? TlsCert { get; init; }

    [CommandOption("--tls-password <PASSWORD>")]
    [Description("Password of the --tls-cert file (default $GRIDACTORS_TLS_PASSWORD, preferred: a command line is visible to every user of the machine).")]
    public string? TlsPassword { get; init; }

    [CommandOption("--tls-ca <PATH>")]
    [Description("CA certificate (PEM or DER) that signed every node's certificate (default $GRIDACTORS_TLS_CA). Without it, peers must present the --tls-cert certificate itself.")]
    public string? TlsCa { get; init; }

    [CommandOption("--parent-pid <PID>", IsHidden = true)]
    [Description("Stop when this process ends (used for the workers `run --nodes` starts).")]
    public int? ParentPid { get; init; }

    public const string CertVariable = "GRIDACTORS_TLS_CERT";
    public const string CaVariable = "GRIDACTORS_TLS_CA";

    public string? EffectiveSeeds => SeedNodes ?? Environment.GetEnvironmentVariable("GRIDACTORS_SEED_NODES");
    public string? EffectiveTlsCert => TlsCert ?? NonEmpty(Environment.GetEnvironmentVariable(CertVariable));
    public string? EffectiveTlsCa => TlsCa ?? NonEmpty(Environment.GetEnvironmentVariable(CaVariable));
    public ClusterTlsOptions? Tls => TlsSettings.Options(EffectiveTlsCert, TlsPassword, EffectiveTlsCa);

    /// <summary>An empty variable counts as unset (compose files pass <c>${VAR:-}</c>).</summary>
    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (string.IsNullOrWhiteSpace(EffectiveSeeds)) return ValidationResult.Error("--seed-nodes is required (or set GRIDACTORS_SEED_NODES)");
        var seeds = ClusterSettings.ValidateSeeds(EffectiveSeeds, EffectiveTlsCert is not null);
        if (!seeds.Successful) return seeds;
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be between 0 and 65535, got {Port}");
        if (Threads < 1) return ValidationResult.Error($"--threads must be at least 1, got {Threads}");
        return TlsSettings.Validate(EffectiveTlsCert, TlsPassword, EffectiveTlsCa);
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
        var seeds = settings.EffectiveSeeds!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => ClusterNodeOptions.ParseSeed(s, settings.Tls is not null)).ToArray();
        string host = settings.Host ?? Environment.GetEnvironmentVariable("GRIDACTORS_HOST") ?? "127.0.0.1";
        int port = settings.Port ?? (int.TryParse(Environment.GetEnvironmentVariable("GRIDACTORS_PORT"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0);
        string? postgres = settings.Postgres ?? Environment.GetEnvironmentVariable("GRIDACTORS_POSTGRES");
        var store = StoreOptions.Resolve(settings.Db, postgres, create: true);
        var node = ClusterNode.Start(new ClusterNodeOptions(host, port, seeds, [ClusterNodeOptions.WorkerRole], settings.Tls), new CliModelFactory(),
            settings.Threads, store.AkkaConfig(), ClusterLaunch.SerializeAllMessages, Console.Error.WriteLine);
        Console.Error.WriteLine($"node {node.SelfAddress} started (pid {Environment.ProcessId}, store {store.Display}{(settings.Tls is null ? "" : ", TLS")}); joining {string.Join(", ", seeds)}");
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
        if (node.TlsHandshakeFailed)
        {
            Console.Error.WriteLine($"node {node.SelfAddress} stopped: {node.StopReason}");
            return 1;
        }
        Console.Error.WriteLine(node.Downed ? $"node {node.SelfAddress} was removed from the cluster (downed)" : $"node {node.SelfAddress} left the cluster");
        return node.Downed ? 1 : 0;
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
