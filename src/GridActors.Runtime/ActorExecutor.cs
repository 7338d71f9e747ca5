using Akka.Actor;
using Akka.Configuration;
using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>Tuning of the actor executor.</summary>
/// <param name="Threads">Threads of the dedicated fork-join dispatcher (0 = processor count).</param>
/// <param name="Throughput">Messages an actor handles before yielding its thread.</param>
/// <param name="ShuffleSeed">Test hook: randomise activation and delivery order (results must not change).</param>
public sealed record ActorExecutorOptions(int Threads = 0, int Throughput = 100, int? ShuffleSeed = null);

/// <summary>
/// Runs a model with one actor per entity in one ActorSystem: a coordinator opens windows, a node
/// scheduler drives its entity actors through them. The digest equals the sequential executor's.
/// </summary>
public sealed class ActorExecutor(ActorExecutorOptions? options = null)
{
    public const string Dispatcher = "gridactors.sim-dispatcher";
    private readonly ActorExecutorOptions _options = options ?? new ActorExecutorOptions();

    public static Config BaseConfig(int threads, int throughput) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          log-config-on-start = off
          actor.serialize-messages = off
        }
        gridactors.sim-dispatcher {
          type = ForkJoinDispatcher
          throughput = {{throughput}}
          dedicated-thread-pool {
            thread-count = {{threads}}
            threadtype = background
          }
        }
        """);

    public async Task<RunResult> RunAsync(ISimModel model, RunSettings settings,
        Action<RunCoordinator.RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        ModelChecks.MinLookahead(model);
        int threads = _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;
        using var system = ActorSystem.Create("gridactors", BaseConfig(threads, _options.Throughput));
        try
        {
            var completion = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var nodeOf = new int[model.EntityCount];
            var node = system.ActorOf(Props.Create(() => new NodeScheduler(model, settings, _options.ShuffleSeed, Dispatcher))
                .WithDispatcher(Dispatcher), "node-0");
            var coordinator = system.ActorOf(Props.Create(() => new RunCoordinator(model, settings, new[] { node }, nodeOf, completion, progress)), "coordinator");
            coordinator.Tell(new RunCoordinator.Begin());
            await using var reg = cancellation.Register(() => completion.TrySetCanceled(cancellation));
            return await completion.Task.ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }
}
