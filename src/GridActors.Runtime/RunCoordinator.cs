using System.Diagnostics;
using Akka.Actor;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;

namespace GridActors.Runtime;

/// <summary>Checkpoints of a persistent actor run: the plan, the actor that journals "checkpoint k complete" markers, and who
/// to tell when a checkpoint is complete.</summary>
public sealed record CheckpointSetup(CheckpointPlan Plan, IActorRef Journal, Action<int, long>? OnComplete);

/// <summary>
/// The actor host of a <see cref="CoordinatorProtocol"/>: it hands the protocol the nodes' reports, captures, writes and
/// final states, the journal's markers and the pace timer, and carries out what the protocol asks for as messages to the
/// node schedulers and the checkpoint journal. The protocol decides the windows, leases, checkpoints, injections and the
/// end of the run; wall time (for pace, leases and progress) comes from this actor's stopwatch.
/// </summary>
public sealed class RunCoordinator : UntypedActor, IWithTimers, ICoordinatorOutput
{
    public ITimerScheduler Timers { get; set; } = null!;

    private readonly ISimModel _model;
    private readonly IActorRef[] _nodes;
    private readonly TaskCompletionSource<RunResult> _completion;
    private readonly Action<RunProgress>? _progress;
    private readonly CheckpointSetup? _checkpoints;
    private readonly CoordinatorProtocol _protocol;
    private readonly Stopwatch _clock = new();

    public sealed record Begin : INoSerializationVerificationNeeded
    {
        public static readonly Begin Instance = new();
    }

    private sealed record Paced : INoSerializationVerificationNeeded
    {
        public static readonly Paced Instance = new();
    }

    /// <param name="crossLookahead">Width of a global window: the smallest delay of a link between nodes (<see cref="Placement.CrossLookahead"/>).</param>
    public RunCoordinator(ISimModel model, RunSettings settings, IActorRef[] nodes, int[] nodeOf, long crossLookahead,
        TaskCompletionSource<RunResult> completion, Action<RunProgress>? progress, CheckpointSetup? checkpoints = null,
        RunControl? control = null, bool leases = false)
    {
        _model = model;
        _nodes = nodes;
        _completion = completion;
        _progress = progress;
        _checkpoints = checkpoints;
        _protocol = new CoordinatorProtocol(model, settings, nodeOf, nodes.Length, crossLookahead,
            new CoordinatorOptions(checkpoints?.Plan, leases, control?.PaceSimSecondsPerSecond ?? 0, control?.Injections), this, () => _clock.Elapsed.TotalSeconds);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Begin:
                _clock.Start();
                _protocol.Begin();
                break;
            case NodeWindowReport r:
                _protocol.Report(r);
                break;
            case NodeCheckpointCaptured c:
                _protocol.Captured(c.Node, c.K);
                break;
            case NodeCheckpointDone c:
                _protocol.Saved(c.Node, c.K);
                break;
            case CheckpointJournal.Marked m:
                _protocol.Marked(m.K, m.TimeMicros);
                break;
            case Paced:
                _protocol.PaceElapsed();
                break;
            case NodeFinalReport f:
                _protocol.Finals(f);
                break;
            case RunFailed f:
                _protocol.Fail(f.Reason);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // --- what the protocol asks for ---

    void ICoordinatorOutput.InitializeNodes(int[] nodeOf, long crossLookahead, bool resume)
    {
        foreach (var n in _nodes) n.Tell(new NodeScheduler.Peers(_nodes));
        for (int i = 0; i < _nodes.Length; i++) _nodes[i].Tell(new InitializeNode(i, _nodes.Length, nodeOf, resume, crossLookahead));
    }

    void ICoordinatorOutput.Send(int node, IProtocolMessage request) => _nodes[node].Tell(request);

    void ICoordinatorOutput.Deliver(int node, List<SimEvent> events)
    {
        using var buffer = new MemoryStream();
        _nodes[node].Tell(new ExternalBatch(events.Count, EventBatchCodec.Encode(events, _model.Codec, buffer)));
    }

    void ICoordinatorOutput.Mark(int k, long timeMicros, long window) =>
        (_checkpoints?.Journal ?? throw new InvalidOperationException("a checkpoint was written in a run without a checkpoint journal"))
            .Tell(new CheckpointJournal.Mark(k, timeMicros, window));

    void ICoordinatorOutput.CheckpointComplete(int k, long timeMicros)
    {
        _checkpoints?.OnComplete?.Invoke(k, timeMicros);
        CrashHook.At($"checkpoint:{k}:after");
    }

    void ICoordinatorOutput.WaitForPace(double seconds) => Timers.StartSingleTimer("pace", Paced.Instance, TimeSpan.FromSeconds(seconds));

    void ICoordinatorOutput.Progress(RunProgress progress) => _progress?.Invoke(progress);

    void ICoordinatorOutput.Completed(RunResult result) => _completion.TrySetResult(result);

    void ICoordinatorOutput.Failed(string reason) => _completion.TrySetException(new SimulationFailedException(reason));
}

/// <summary>Live control of a run: fault injections and an optional pace (simulated seconds per wall second; 0 = as fast as possible).</summary>
public sealed record RunControl(InjectionGate? Injections = null, double PaceSimSecondsPerSecond = 0);

/// <summary>A run stopped because the model or the protocol failed; the message says why.</summary>
public sealed class SimulationFailedException(string message) : Exception(message);
