using Akka.Actor;
using Akka.Configuration;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Runtime.Checkpoints;

namespace GridActors.Runtime;

/// <summary>Tuning of the actor executor.</summary>
/// <param name="Threads">Threads of the dedicated fork-join dispatcher (0 = processor count).</param>
/// <param name="Throughput">Messages an actor handles before yielding its thread.</param>
/// <param name="ShuffleSeed">Test hook: randomise activation and delivery order (results must not change).</param>
/// <param name="Executor">Dispatcher executor: <c>fork-join</c> (dedicated threads), <c>thread-pool</c> or <c>channel</c>.</param>
/// <param name="Partitions">Node schedulers in this process, each driving a contiguous block of entities (0 = one per thread).</param>
/// <param name="Leases">Let the node schedulers run multi-window leases on each other's promises, as cluster nodes do (tests).</param>
public sealed record ActorExecutorOptions(int Threads = 0, int Throughput = 100, int? ShuffleSeed = null, string Executor = "fork-join", int Partitions = 0,
    PersistenceOptions? Persistence = null, RunControl? Control = null, bool Leases = false);

/// <summary>
/// A persistent run: entity actors and the coordinator's journal use persistence ids
/// <c>run-&lt;RunId&gt;/…</c> in the store <paramref name="StoreConfig"/> (journal and snapshot plugins).
/// Checkpoints every <paramref name="CheckpointEveryMicros"/> of simulated time (0 = none); with
/// <paramref name="Resume"/> the run continues from checkpoint <paramref name="ResumeK"/> at <paramref name="ResumeMicros"/>
/// (the store must hold nothing newer). <paramref name="OnCheckpoint"/> is told of each complete checkpoint.
/// </summary>
public sealed record PersistenceOptions(string RunId, Config StoreConfig, long CheckpointEveryMicros,
    bool Resume = false, int ResumeK = 0, long ResumeMicros = 0, Action<int, long>? OnCheckpoint = null)
{
    public string Prefix => PersistenceIds.Run(RunId);

    /// <summary>The checkpoint plan of this run (periodic checkpoints, or where a resumed run starts).</summary>
    public CheckpointPlan Plan => new(CheckpointEveryMicros, ResumeK, ResumeMicros, Resume);
}

/// <summary>
/// Runs a model with one actor per entity in one ActorSystem: a coordinator opens windows, a node
/// scheduler drives its entity actors through them. The digest equals the sequential executor's.
/// </summary>
public sealed class ActorExecutor(ActorExecutorOptions? options = null)
{
    public const string Dispatcher = "gridactors.sim-dispatcher";
    private readonly ActorExecutorOptions _options = options ?? new ActorExecutorOptions();

    /// <summary>
    /// The simulation dispatcher and Akka's log settings. <paramref name="executor"/>: <c>fork-join</c> (Akka's dedicated
    /// threads), <c>sim-thread</c> (one polling thread, <see cref="SimThreadExecutor"/>; cluster nodes on one thread),
    /// <c>thread-pool</c> or <c>channel</c> (the .NET thread pool).
    /// </summary>
    public static Config BaseConfig(int threads, int throughput, string executor = "fork-join")
    {
        string dispatcher = executor switch
        {
            "fork-join" => $$"""
                type = ForkJoinDispatcher
                dedicated-thread-pool {
                  thread-count = {{threads}}
                  threadtype = background
                }
                """,
            "sim-thread" => $$"""
                type = Dispatcher
                executor = "{{typeof(SimThreadExecutorConfigurator).FullName}}, {{typeof(SimThreadExecutorConfigurator).Assembly.GetName().Name}}"
                spin-before-sleep = {{(int)SimThreadExecutor.DefaultSpin.TotalMilliseconds}}ms
                """,
            _ => $$"""
                type = Dispatcher
                executor = {{(executor == "channel" ? "channel-executor" : "thread-pool-executor")}}
                """,
        };
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              log-config-on-start = off
              actor.serialize-messages = off
            }
            {{Dispatcher}} {
              throughput = {{throughput}}
              {{dispatcher}}
            }
            """);
    }

    /// <summary>
    /// Dispatcher threads when none are given: one per core for models with many entities, one for small
    /// models. With few entities a window rarely has more than one or two active, so a second thread only
    /// adds cross-thread wake-ups (measured on the default scenario: 1 thread 3.4 s, 2 threads 4.1 s, 2
    /// threads and 2 schedulers 5.3 s for the same 4 simulated hours).
    /// </summary>
    public static int DefaultThreads(int entities) => entities >= 512 ? Environment.ProcessorCount : 1;

    public async Task<RunResult> RunAsync(ISimModel model, RunSettings settings,
        Action<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        ModelChecks.MinLookahead(model);
        int threads = _options.Threads > 0 ? _options.Threads : DefaultThreads(model.EntityCount);
        var config = BaseConfig(threads, _options.Throughput, _options.Executor);
        var persistence = _options.Persistence;
        if (persistence is not null) config = config.WithFallback(persistence.StoreConfig);
        using var system = ActorSystem.Create("gridactors", config);
        try
        {
            var completion = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            int partitions = Math.Clamp(_options.Partitions > 0 ? _options.Partitions : threads, 1, model.EntityCount);
            var placement = Placement.Plan(model, partitions);
            var nodeOf = placement.NodeOf;
            var nodes = new IActorRef[partitions];
            for (int p = 0; p < partitions; p++)
            {
                int? shuffle = _options.ShuffleSeed is int s ? s + p : null;
                nodes[p] = system.ActorOf(Props.Create(() => new NodeScheduler(model, settings, shuffle, Dispatcher, persistence == null ? null : persistence.Prefix))
                    .WithDispatcher(Dispatcher), "node-" + p.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            CheckpointSetup? checkpoints = null;
            if (persistence is not null)
            {
                var journal = system.ActorOf(Props.Create(() => new CheckpointJournal(PersistenceIds.Coordinator(persistence.Prefix))), "checkpoint-journal");
                checkpoints = new CheckpointSetup(persistence.Plan, journal, persistence.OnCheckpoint);
            }
            var coordinator = system.ActorOf(Props.Create(() => new RunCoordinator(model, settings, nodes, nodeOf, placement.CrossLookahead, completion, progress,
                checkpoints, _options.Control, _options.Leases)).WithDispatcher(Dispatcher), "coordinator");
            coordinator.Tell(RunCoordinator.Begin.Instance);
            await using var reg = cancellation.Register(() => completion.TrySetCanceled(cancellation));
            return await completion.Task.ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }
}
