using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;

namespace GridActors.Runtime.Cluster;

/// <summary>
/// One GridActors cluster member in this process: an ActorSystem with remoting and clustering, the
/// simulation dispatcher, the store's persistence plugins (when given) and a <see cref="NodeHost"/> that
/// hosts entity actors for whichever run the coordinator places here.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    public ActorSystem System { get; }
    public Akka.Cluster.Cluster Cluster { get; }
    public Address SelfAddress => Cluster.SelfAddress;

    private ClusterNode(ActorSystem system)
    {
        System = system;
        Cluster = Akka.Cluster.Cluster.Get(system);
    }

    /// <summary>Starts the node and joins the seed nodes (or itself, when there are none: the first node of a new cluster).</summary>
    /// <param name="log">Where the node reports what its operator must see although Akka's log is off (TLS refusals).</param>
    /// <exception cref="ClusterTlsException">The TLS files cannot be used.</exception>
    /// <exception cref="ClusterStartException">The node cannot listen on its address.</exception>
    public static ClusterNode Start(ClusterNodeOptions options, IModelFactory factory, int threads, Config? storeConfig = null, bool serializeMessages = false,
        Action<string>? log = null)
    {
        // One simulation thread: the polling executor (see SimThreadExecutor); more: Akka's fork-join pool.
        var config = ClusterConfig.For(options, serializeMessages)
            .WithFallback(ActorExecutor.BaseConfig(Math.Max(1, threads), 100, threads <= 1 ? "sim-thread" : "fork-join"));
        if (storeConfig is not null) config = config.WithFallback(storeConfig);
        var tls = options.Tls is null ? null : ClusterTls.Load(options.Tls);
        ActorSystem system;
        try
        {
            var setup = BootstrapSetup.Create().WithConfig(config);
            system = tls is null ? ActorSystem.Create(ClusterNodeOptions.SystemName, setup)
                : ActorSystem.Create(ClusterNodeOptions.SystemName, setup.And(tls.Setup(log)));
        }
        catch (Exception ex) when (Bind(ex) is Exception cause)
        {
            tls?.Dispose();
            throw new ClusterStartException($"cannot listen on {options.Host}:{options.Port}: {cause.Message.ReplaceLineEndings(" ").Trim()}");
        }
        catch
        {
            tls?.Dispose();
            throw;
        }
        if (tls is not null) system.WhenTerminated.ContinueWith(_ => tls.Dispose(), TaskScheduler.Default);
        var node = new ClusterNode(system);
        if (options.SeedNodes.Count == 0) node.Cluster.Join(node.Cluster.SelfAddress);
        if (options.Roles.Contains(ClusterNodeOptions.WorkerRole))
            system.ActorOf(Props.Create(() => new NodeHost(factory, storeConfig != null)), NodeHost.Name);
        return node;
    }

    /// <summary>The socket or name-resolution error behind a failed start, if that is what failed (Akka wraps it in its
    /// own start-up exceptions).</summary>
    private static Exception? Bind(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is System.Net.Sockets.SocketException) return e;
        return null;
    }

    /// <summary>
    /// Runs <paramref name="plan"/> with this process as the coordinator: the supervisor is a cluster singleton
    /// of role <c>coordinator</c> (this process must have it), so one cluster runs one coordinator at a time.
    /// </summary>
    public async Task<ClusterRunResult> RunAsync(ClusterRunPlan plan, Action<Kernel.Protocol.RunProgress>? progress = null,
        Action<string>? log = null, CancellationToken cancellation = default)
    {
        var completion = new TaskCompletionSource<ClusterRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = ClusterSingletonManagerSettings.Create(System).WithRole(ClusterNodeOptions.CoordinatorRole).WithSingletonName("supervisor");
        var manager = System.ActorOf(ClusterSingletonManager.Props(
            Props.Create(() => new ClusterRunSupervisor(plan, completion, progress, log)), PoisonPill.Instance, settings), "coordinator");
        await using var reg = cancellation.Register(() => completion.TrySetCanceled(cancellation));
        // The node may stop before the coordinator singleton ever starts (e.g. its TLS handshake with the seed failed).
        _ = System.WhenTerminated.ContinueWith(_ => completion.TrySetException(
            new SimulationFailedException($"node {SelfAddress} stopped before the run finished: {StopReason}")), TaskScheduler.Default);
        try
        {
            return await completion.Task.ConfigureAwait(false);
        }
        finally
        {
            System.Stop(manager);
        }
    }

    /// <summary>The node was removed by the cluster (split-brain resolver or another member's decision).</summary>
    public bool Downed => CoordinatedShutdown.Get(System).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;

    /// <summary>
    /// The node stopped because one of its outbound TLS handshakes failed: Akka.Remote (1.5.73) then shuts the whole
    /// ActorSystem down (reason <c>TlsHandshakeFailureReason</c>, internal, exit code 79), since a node that cannot
    /// authenticate to its peers or does not accept theirs cannot be a member.
    /// </summary>
    public bool TlsHandshakeFailed => CoordinatedShutdown.Get(System).ShutdownReason?.GetType().Name == "TlsHandshakeFailureReason";

    /// <summary>Why the node's ActorSystem stopped, in words.</summary>
    public string StopReason => TlsHandshakeFailed
        ? "its TLS handshake with a peer failed (the peer refused this node's certificate, or this node the peer's; see the TLS line above)"
        : Downed ? "the cluster removed it (downed)" : "it was shut down";

    /// <summary>Leaves the cluster gracefully and terminates the ActorSystem.</summary>
    public async Task LeaveAsync()
    {
        try
        {
            await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await System.Terminate().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted) await LeaveAsync().ConfigureAwait(false);
    }
}

/// <summary>A cluster node could not start (its address cannot be bound); the message names the address.</summary>
public sealed class ClusterStartException(string message) : Exception(message);
