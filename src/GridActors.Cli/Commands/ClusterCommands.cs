using System.ComponentModel;
using GridActors.Hosting;
using GridActors.Hosting.Cluster;
using GridActors.Runtime.Cluster;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

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
    public static ClusterTlsOptions? Options(string? cert, string? password, string? ca) => cert is null ? null
        : new ClusterTlsOptions(Path.GetFullPath(cert), password ?? Environment.GetEnvironmentVariable(WorkerNode.PasswordVariable), ca is null ? null : Path.GetFullPath(ca));

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

    public string? EffectiveSeeds => SeedNodes ?? Environment.GetEnvironmentVariable(WorkerNode.SeedNodesVariable);
    public string? EffectiveTlsCert => TlsCert ?? NonEmpty(Environment.GetEnvironmentVariable(WorkerNode.CertVariable));
    public string? EffectiveTlsCa => TlsCa ?? NonEmpty(Environment.GetEnvironmentVariable(WorkerNode.CaVariable));
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

/// <summary><c>gridactors node</c>: a standing worker (see <see cref="WorkerNode"/>).</summary>
public sealed class NodeCommand : AsyncCommand<NodeSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken cancellation) =>
        WorkerNode.RunAsync(new WorkerNodeOptions(
            settings.EffectiveSeeds!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => ClusterNodeOptions.ParseSeed(s, settings.Tls is not null)).ToArray(),
            settings.Host ?? Environment.GetEnvironmentVariable(WorkerNode.HostVariable) ?? "127.0.0.1",
            settings.Port ?? WorkerNode.PortFromEnvironment(), settings.Threads, settings.Db,
            settings.Postgres ?? Environment.GetEnvironmentVariable(WorkerNode.PostgresVariable), settings.Tls, settings.ParentPid),
            Console.Error.WriteLine, cancellation);
}
