using System.Diagnostics;
using System.Globalization;
using GridActors.Persistence;
using GridActors.Runtime;
using GridActors.Runtime.Cluster;

namespace GridActors.Hosting.Cluster;

/// <summary>How a run forms its cluster: <paramref name="LocalNodes"/> &gt; 0 starts that many nodes here (this process and N−1
/// workers); otherwise this process joins <paramref name="SeedNodes"/> and waits for <paramref name="MinNodes"/>.</summary>
public sealed record ClusterLaunchOptions(int LocalNodes, string[] SeedNodes, int MinNodes, string Host, int Port, int Threads, ClusterTlsOptions? Tls = null)
{
    public int RequiredNodes => LocalNodes > 0 ? LocalNodes : MinNodes;

    /// <summary>Dispatcher threads per process unless given: what a single process would use (one thread for small models),
    /// at most the cores shared by the local nodes.</summary>
    public int ThreadsPerNode(int entities) => Threads > 0 ? Threads
        : LocalNodes > 0 ? Math.Min(ActorExecutor.DefaultThreads(entities), Math.Max(1, Environment.ProcessorCount / LocalNodes))
        : ActorExecutor.DefaultThreads(entities);
}

/// <summary>
/// This process as a cluster node with the coordinator role, plus — for <c>--nodes N</c> — N−1 local <c>gridactors node</c>
/// worker processes joined to it. Disposing leaves the cluster and stops the workers (SIGTERM, then kill after 10 s).
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public ClusterNode Node { get; }
    public int MinNodes { get; }
    private readonly List<Process> _workers = [];
    private readonly Action<string> _log;

    private LocalCluster(ClusterNode node, int minNodes, Action<string> log)
    {
        Node = node;
        MinNodes = minNodes;
        _log = log;
    }

    /// <summary>Tests run clusters with every message serialised (<c>GRIDACTORS_SERIALIZE_MESSAGES=on</c>).</summary>
    public static bool SerializeAllMessages => Environment.GetEnvironmentVariable("GRIDACTORS_SERIALIZE_MESSAGES") is "on" or "1" or "true";

    public static LocalCluster Start(ClusterLaunchOptions o, Store? store, int entities, Action<string> log)
    {
        int threads = o.ThreadsPerNode(entities);
        var node = ClusterNode.Start(new ClusterNodeOptions(o.Host, o.Port, o.SeedNodes,
            [ClusterNodeOptions.CoordinatorRole, ClusterNodeOptions.WorkerRole], o.Tls), new ModelFactory(), threads, store?.AkkaConfig(), SerializeAllMessages, log);
        var launch = new LocalCluster(node, o.RequiredNodes, log);
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
        foreach (var v in new[] { WorkerNode.CertVariable, WorkerNode.CaVariable, WorkerNode.PasswordVariable }) psi.Environment.Remove(v);
        if (tls is not null)
        {
            psi.ArgumentList.Add("--tls-cert");
            psi.ArgumentList.Add(tls.CertificatePath);
            if (tls.AuthorityPath is not null)
            {
                psi.ArgumentList.Add("--tls-ca");
                psi.ArgumentList.Add(tls.AuthorityPath);
            }
            if (!string.IsNullOrEmpty(tls.Password)) psi.Environment[WorkerNode.PasswordVariable] = tls.Password;
        }
        psi.Environment.Remove(CrashHook.Variable); // crash points are meant for the process they were given to
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start a worker process");
        string prefix = $"[worker {index}] ";
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log(prefix + e.Data); };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) _log(prefix + e.Data); };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        _workers.Add(p);
        _log($"worker {index} started: pid {p.Id}");
    }

    public async ValueTask DisposeAsync()
    {
        // Leave while the workers are still there to acknowledge it (a leave after they vanished waits ~10 s for gossip
        // convergence), then stop the workers: SIGTERM, killed if not gone within 10 s.
        await Node.DisposeAsync().ConfigureAwait(false);
        foreach (var p in _workers.Where(p => !p.HasExited)) SelfProcess.Terminate(p);
        foreach (var p in _workers)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await p.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
            p.Dispose();
        }
    }
}
