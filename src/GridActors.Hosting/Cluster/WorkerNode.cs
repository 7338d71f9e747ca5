using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using GridActors.Runtime.Cluster;

namespace GridActors.Hosting.Cluster;

/// <summary>What a standing worker node needs (each falls back to its <c>GRIDACTORS_*</c> environment variable in the command line).</summary>
public sealed record WorkerNodeOptions(string[] SeedNodes, string Host, int Port, int Threads, string? Db, string? Postgres, ClusterTlsOptions? Tls, int? ParentPid);

/// <summary>
/// <c>gridactors node</c>: a worker that joins the cluster and hosts entity actors for whichever run places them here, until
/// SIGTERM or cancellation (it then leaves the cluster and ends with 0), until its parent process ends (workers of
/// <c>run --nodes</c>), or until the cluster downs it or its own TLS handshake fails (1).
/// </summary>
public static class WorkerNode
{
    public const string SeedNodesVariable = "GRIDACTORS_SEED_NODES";
    public const string HostVariable = "GRIDACTORS_HOST";
    public const string PortVariable = "GRIDACTORS_PORT";
    public const string PostgresVariable = "GRIDACTORS_POSTGRES";
    public const string CertVariable = "GRIDACTORS_TLS_CERT";
    public const string CaVariable = "GRIDACTORS_TLS_CA";
    public const string PasswordVariable = "GRIDACTORS_TLS_PASSWORD";

    /// <summary>The port from <see cref="PortVariable"/>, or 0 (a free port).</summary>
    public static int PortFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(PortVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;

    /// <summary>Runs the node until it stops; returns the process exit code. <paramref name="log"/> gets one line per event.</summary>
    public static async Task<int> RunAsync(WorkerNodeOptions o, Action<string> log, CancellationToken cancellation)
    {
        var store = Stores.Resolve(o.Db, o.Postgres, create: true);
        var node = ClusterNode.Start(new ClusterNodeOptions(o.Host, o.Port, o.SeedNodes, [ClusterNodeOptions.WorkerRole], o.Tls), new ModelFactory(),
            o.Threads, store.AkkaConfig(), LocalCluster.SerializeAllMessages, log);
        log($"node {node.SelfAddress} started (pid {Environment.ProcessId}, store {store.Display}{(o.Tls is null ? "" : ", TLS")}); joining {string.Join(", ", o.SeedNodes)}");
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
        if (o.ParentPid is int parent) _ = WatchParent(parent, Stop);
        node.Cluster.RegisterOnMemberUp(() => log($"node {node.SelfAddress} is up"));
        await node.System.WhenTerminated.ConfigureAwait(false);
        // SIGTERM may reach Akka's own process-exit hook first; either way it is a requested stop.
        if (node.TlsHandshakeFailed)
        {
            log($"node {node.SelfAddress} stopped: {node.StopReason}");
            return 1;
        }
        log(node.Downed ? $"node {node.SelfAddress} was removed from the cluster (downed)" : $"node {node.SelfAddress} left the cluster");
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
