using Akka.Actor;
using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>
/// Decides the windows. After every node reported window k, the next horizon is
/// <c>min(global earliest event + L, end)</c>, and each node is told how many events to expect from
/// each other node before it may start — so no window opens while an event is in flight. When the
/// earliest event is at or after the end, it collects every entity's final state and completes.
/// <para>
/// Between cluster nodes (<c>leases</c>) a window may be a <em>lease</em> (<see cref="LeasePolicy"/> decides): up to
/// <see cref="StartWindow.LeaseEnd"/> the nodes go on by themselves on each other's promises; the coordinator's global
/// minimum starts every lease, leases never cross a checkpoint, and injections are delivered between them. Node
/// schedulers sharing one process keep plain windows: a hop through the coordinator costs little there, and two
/// schedulers waiting on each other's promises on the same threads ran less steadily.
/// </para>
/// </summary>
public sealed class RunCoordinator : UntypedActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    private readonly ISimModel _model;
    private readonly RunSettings _settings;
    private readonly IActorRef[] _nodes;
    private readonly int[] _nodeOf;
    private readonly TaskCompletionSource<RunResult> _completion;
    private readonly Action<RunProgress>? _progress;
    private readonly long _lookahead;
    private readonly long _end;

    private long _window;
    private int _reports;
    private long _min = long.MaxValue;
    private long[,] _sent;
    private long _events;
    private long _activations;
    private long[] _crossEntityPerNode;
    private long _crossNodeEvents, _crossNodeBatches, _crossNodeBytes;
    private readonly List<EntityFinal> _finals = [];
    private int _finalNodes;
    private bool _done;
    private readonly System.Diagnostics.Stopwatch _clock = new();

    public sealed record Begin : INoSerializationVerificationNeeded;

    /// <summary>Checkpointing of a persistent run. <paramref name="EveryMicros"/> 0 disables checkpoints;
    /// a resumed run starts after checkpoint <paramref name="StartK"/> taken at <paramref name="StartMicros"/>.</summary>
    public sealed record CheckpointPlan(long EveryMicros, int StartK, long StartMicros, bool Resume, IActorRef Journal, Action<int, long>? OnComplete);

    private CheckpointPlan? _plan;
    private long _nextCheckpoint = long.MaxValue;
    private int _k;
    private int _checkpointReports;
    private long _pendingMin;
    private long[][]? _pendingExpected;
    private int _captureReports;
    private bool _saving;          // a captured checkpoint is still being written
    private long _savingTime;
    private bool _due;             // the next checkpoint is due but the previous one is still being written
    private bool _finalCheckpoint;
    private readonly System.Diagnostics.Stopwatch _checkpointClock = new();
    public sealed record RunProgress(SimTime Time, long Events, long Windows);

    private readonly InjectionGate? _gate;
    private readonly double _pace;
    private readonly long _paceOrigin;
    private long _safe;                                  // no event before this can still be delivered
    private readonly SortedSet<long> _externalTimes = []; // times of delivered external events (lower bound of pending work)
    private sealed record Paced(long Min, long[][] ExpectedBy) : INoSerializationVerificationNeeded;

    /// <summary>Longest global window when no link crosses nodes (keeps progress reports and cancellation responsive).</summary>
    public const long MaxUnboundedWindowMicros = 60_000_000;

    private readonly System.Diagnostics.Stopwatch _progressClock = System.Diagnostics.Stopwatch.StartNew();

    private readonly LeasePolicy? _leases;  // cluster nodes only: a hop through the coordinator costs there
    private long _openedAt, _openedEnd = long.MinValue;
    private int _maxSteps;
    private int _maxWaits;
    private long _rounds;            // synchronisation rounds: a window, plus each wait for promises within a lease
    private readonly System.Diagnostics.Stopwatch _windowClock = new();

    /// <param name="crossLookahead">Width of a global window: the smallest delay of a link between nodes
    /// (<see cref="Placement.CrossLookahead"/>); null = the model's lookahead.</param>
    public RunCoordinator(ISimModel model, RunSettings settings, IActorRef[] nodes, int[] nodeOf,
        TaskCompletionSource<RunResult> completion, Action<RunProgress>? progress, CheckpointPlan? plan = null, long? crossLookahead = null,
        RunControl? control = null, bool leases = false)
    {
        _plan = plan;
        _gate = control?.Injections;
        _pace = control?.PaceSimSecondsPerSecond ?? 0;
        _safe = plan?.Resume == true ? plan.StartMicros : 0;
        _paceOrigin = _safe;
        if (plan is { EveryMicros: > 0 })
        {
            _k = plan.StartK;
            _nextCheckpoint = plan.StartMicros + plan.EveryMicros;
        }
        _model = model;
        _settings = settings;
        _nodes = nodes;
        _nodeOf = nodeOf;
        _completion = completion;
        _progress = progress;
        _lookahead = Math.Min(crossLookahead ?? ModelChecks.MinLookahead(model), Math.Max(MaxUnboundedWindowMicros, ModelChecks.MinLookahead(model)));
        // Paced runs keep plain windows: a window opens no earlier than its start time allows.
        _leases = leases && nodes.Length > 1 && _pace <= 0 ? new LeasePolicy(_lookahead) : null;
        _end = settings.End.Micros;
        _sent = new long[nodes.Length, nodes.Length];
        _crossEntityPerNode = new long[nodes.Length];
    }

    protected override void OnReceive(object message)
    {
        if (_done) return;
        switch (message)
        {
            case Begin:
                _clock.Start();
                foreach (var n in _nodes) n.Tell(new NodeScheduler.Peers(_nodes));
                for (int i = 0; i < _nodes.Length; i++) _nodes[i].Tell(new InitializeNode(i, _nodes.Length, _nodeOf, _plan?.Resume ?? false, _lookahead));
                if (_gate is not null)
                {
                    Deliver(_gate.ToRedeliver(_plan?.Resume == true ? _plan.StartK : 0));
                    _gate.Advance(_safe);
                }
                break;
            case Paced p:
                OpenWindow(p.Min, p.ExpectedBy);
                break;
            case NodeWindowReport r:
                OnReport(r);
                break;
            case NodeFinalReport f:
                _finals.AddRange(f.Finals);
                if (++_finalNodes == _nodes.Length) Complete();
                break;
            case NodeCheckpointCaptured c when c.K == _k:
                if (++_captureReports < _nodes.Length) return;
                _captureReports = 0;
                _checkpointClock.Stop();
                _saving = true;
                _savingTime = _nextCheckpoint;
                if (_finalCheckpoint) return; // the run ends once the final checkpoint is written
                while (_nextCheckpoint <= _pendingMin) _nextCheckpoint = _plan!.EveryMicros > 0 ? _nextCheckpoint + _plan.EveryMicros : long.MaxValue;
                StartNext(_pendingMin, _pendingExpected!);
                break;
            case NodeCheckpointDone c when c.K == _k:
                if (++_checkpointReports < _nodes.Length) return;
                _checkpointReports = 0;
                _plan!.Journal.Tell(new CheckpointJournal.Mark(_k, _savingTime, _window));
                break;
            case CheckpointJournal.Marked m when m.K == _k:
                _saving = false;
                _plan!.OnComplete?.Invoke(m.K, m.TimeMicros);
                CrashHook.At($"checkpoint:{m.K}:after");
                if (_finalCheckpoint && !_due)
                {
                    CollectFinals(_pendingExpected!);
                    break;
                }
                if (_due)
                {
                    _due = false;
                    BeginCheckpoint(_pendingMin, _pendingExpected!);
                }
                break;
            case RunFailed f:
                _done = true;
                _gate?.Close("the run failed: " + f.Reason);
                _completion.TrySetException(new SimulationFailedException(f.Reason));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnReport(NodeWindowReport r)
    {
        if (r.Window != _window)
        {
            Self.Tell(new RunFailed($"node {r.Node} reported window {r.Window} while window {_window} is open"));
            return;
        }
        _reports++;
        if (r.LocalMin < _min) _min = r.LocalMin;
        for (int d = 0; d < r.SentTo.Length; d++)
        {
            _sent[r.Node, d] += r.SentTo[d];
            if (d != r.Node) _crossNodeEvents += r.SentTo[d];
        }
        _crossNodeBatches += r.BatchesSent;
        _crossNodeBytes += r.BytesSent;
        _events += r.Events;
        _activations += r.Activations;
        _crossEntityPerNode[r.Node] = r.CrossEntity;
        _maxSteps = Math.Max(_maxSteps, r.Steps);
        _maxWaits = Math.Max(_maxWaits, r.Waits);
        if (_reports < _nodes.Length) return;
        _rounds += 1 + _maxWaits;
        _maxWaits = 0;
        _windowClock.Stop();
        if (_window > 0) _leases?.Done(_openedAt, _openedEnd, _min, _maxSteps, _windowClock.Elapsed.TotalMilliseconds);
        _maxSteps = 0;

        if (_progress is not null && _progressClock.ElapsedMilliseconds >= 200)
        {
            _progressClock.Restart();
            _progress(new RunProgress(new SimTime(Math.Min(_min, _end)), _events, _window));
        }
        long min = _min;
        _reports = 0;
        _min = long.MaxValue;
        if (min >= _end && _plan is not null && !_finalCheckpoint)
        {
            // A persistent run ends with a checkpoint at the end time: the journal then holds every
            // record and the final state can be inspected like any other checkpoint.
            _finalCheckpoint = true;
            _nextCheckpoint = _end;
            min = _end;
        }
        var expectedBy = new long[_nodes.Length][];
        for (int d = 0; d < _nodes.Length; d++)
        {
            expectedBy[d] = new long[_nodes.Length];
            for (int s = 0; s < _nodes.Length; s++)
            {
                expectedBy[d][s] = _sent[s, d];
                _sent[s, d] = 0;
            }
        }
        if (min >= _end && !_finalCheckpoint)
        {
            CollectFinals(expectedBy);
            return;
        }
        if (min >= _nextCheckpoint)
        {
            _pendingMin = min;
            _pendingExpected = expectedBy;
            if (_saving) _due = true; // wait until the previous checkpoint is written
            else BeginCheckpoint(min, expectedBy);
            return;
        }
        StartNext(min, expectedBy);
    }

    /// <summary>
    /// Nothing before the checkpoint time is left (windows never cross it) and nothing is in flight once the
    /// nodes received this window's batches: every entity captures its state; the simulation goes on as soon
    /// as all captured, and the marker is journaled once all are written.
    /// </summary>
    private void BeginCheckpoint(long min, long[][] expectedBy)
    {
        _k++;
        _checkpointClock.Start();
        _safe = Math.Max(_safe, _nextCheckpoint); // the checkpoint holds everything before its time
        _gate?.Advance(_safe);
        for (int d = 0; d < _nodes.Length; d++) _nodes[d].Tell(new BeginCheckpoint(_k, _nextCheckpoint, _window, expectedBy[d]));
    }

    private void CollectFinals(long[][] expectedBy)
    {
        _gate?.Close("the run has finished");
        for (int d = 0; d < _nodes.Length; d++) _nodes[d].Tell(new CollectFinal(_window, expectedBy[d]));
    }

    private void StartNext(long min, long[][] expectedBy)
    {
        if (_pace > 0)
        {
            // Paced runs (for watching and injecting live): a window opens no earlier than its start time allows.
            double wait = (min - _paceOrigin) / 1e6 / _pace - _clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                Timers.StartSingleTimer("pace", new Paced(min, expectedBy), TimeSpan.FromSeconds(wait));
                return;
            }
        }
        OpenWindow(min, expectedBy);
    }

    /// <summary>Delivers external events to the nodes that host their targets (before any window that could process them).</summary>
    private void Deliver(IReadOnlyList<Injection> injections)
    {
        if (injections.Count == 0) return;
        var perNode = new List<SimEvent>[_nodes.Length];
        foreach (var inj in injections)
            foreach (var e in inj.Events)
            {
                (perNode[_nodeOf[e.Target]] ??= []).Add(e);
                _externalTimes.Add(e.Time);
            }
        using var buffer = new MemoryStream();
        for (int n = 0; n < perNode.Length; n++)
            if (perNode[n] is { } events) _nodes[n].Tell(new ExternalBatch(events.Count, EventBatchCodec.Encode(events, _model.Codec, buffer)));
    }

    private void OpenWindow(long min, long[][] expectedBy)
    {
        if (_gate is not null)
        {
            Deliver(_gate.Drain(_safe, _end, _k));
            while (_externalTimes.Count > 0 && _externalTimes.Min < _safe) _externalTimes.Remove(_externalTimes.Min); // processed in earlier windows
            if (_externalTimes.Count > 0) min = Math.Min(min, _externalTimes.Min);
        }
        long horizon = Math.Min(min + _lookahead, _end);
        long leaseEnd = Math.Min(_leases?.End(min, horizon) ?? horizon, _end);
        if (_nextCheckpoint > min)
        {
            // A window never crosses a checkpoint.
            horizon = Math.Min(horizon, _nextCheckpoint);
            leaseEnd = Math.Min(leaseEnd, _nextCheckpoint);
        }
        _window++;
        _openedAt = min;
        _openedEnd = leaseEnd;
        _windowClock.Restart();
        _safe = Math.Max(_safe, leaseEnd);
        _gate?.Advance(_safe);
        for (int d = 0; d < _nodes.Length; d++) _nodes[d].Tell(new StartWindow(_window, horizon, expectedBy[d], leaseEnd));
    }

    private void Complete()
    {
        _done = true;
        try
        {
            var stats = new WindowStats(_window, _activations, _crossEntityPerNode.Sum(), _crossNodeEvents, _crossNodeBatches, _crossNodeBytes, _rounds);
            _completion.TrySetResult(RunResult.FromFinals(_model, _settings, _finals, stats) with { WallSeconds = _clock.Elapsed.TotalSeconds, CheckpointSeconds = _checkpointClock.Elapsed.TotalSeconds });
        }
        catch (Exception ex)
        {
            _completion.TrySetException(new SimulationFailedException(ex.Message));
        }
    }
}

/// <summary>Live control of a run: fault injections and an optional pace (simulated seconds per wall second; 0 = as fast as possible).</summary>
public sealed record RunControl(InjectionGate? Injections = null, double PaceSimSecondsPerSecond = 0);

/// <summary>A run stopped because the model or the protocol failed; the message says why.</summary>
public sealed class SimulationFailedException(string message) : Exception(message);
