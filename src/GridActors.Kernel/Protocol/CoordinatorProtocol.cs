namespace GridActors.Kernel.Protocol;

/// <summary>What a <see cref="CoordinatorProtocol"/> asks its host to do (the coordinator actor, or the windowed executor).
/// As for <see cref="INodeOutput"/>, an output must not call back into the protocol before it returns.</summary>
public interface ICoordinatorOutput
{
    /// <summary>Set up every node: <see cref="InitializeNode"/> with the node's number, the placement and the cross-node lookahead.</summary>
    void InitializeNodes(int[] nodeOf, long crossLookahead, bool resume);

    /// <summary>Send a request (<see cref="StartWindow"/>, <see cref="BeginCheckpoint"/> or <see cref="CollectFinal"/>) to a node.</summary>
    void Send(int node, IProtocolMessage request);

    /// <summary>Deliver events from outside the model (injections) to the node that hosts their targets, before any window that may process them.</summary>
    void Deliver(int node, List<SimEvent> events);

    /// <summary>Journal "checkpoint <paramref name="k"/> complete at <paramref name="timeMicros"/>"; answered by <see cref="CoordinatorProtocol.Marked"/>.</summary>
    void Mark(int k, long timeMicros, long window);

    /// <summary>Checkpoint <paramref name="k"/> is complete (journaled): a run resumed later may start from it.</summary>
    void CheckpointComplete(int k, long timeMicros);

    /// <summary>Paced runs: call <see cref="CoordinatorProtocol.PaceElapsed"/> after <paramref name="seconds"/> of wall time.</summary>
    void WaitForPace(double seconds);

    /// <summary>Progress after a window (at most every <see cref="CoordinatorProtocol.ProgressEverySeconds"/> of wall time).</summary>
    void Progress(RunProgress progress);

    /// <summary>The run completed with this result.</summary>
    void Completed(RunResult result);

    /// <summary>The run failed.</summary>
    void Failed(string reason);
}

/// <summary>Checkpointing of a run. <paramref name="EveryMicros"/> 0 disables periodic checkpoints (a persistent run still ends with
/// one); a resumed run starts after checkpoint <paramref name="StartK"/> taken at <paramref name="StartMicros"/>.</summary>
public sealed record CheckpointPlan(long EveryMicros, int StartK = 0, long StartMicros = 0, bool Resume = false);

/// <summary>How a coordinator runs: checkpoints (null = none), leases between nodes, pace (simulated seconds per wall second;
/// 0 = as fast as possible), live injections.</summary>
public sealed record CoordinatorOptions(CheckpointPlan? Checkpoints = null, bool Leases = false, double Pace = 0, InjectionGate? Injections = null);

/// <summary>
/// The run coordinator of conservative windowed execution, as a pure state machine. After every node reported window k,
/// the next horizon is <c>min(global earliest event + L, end)</c>, and each node is told how many events to expect from each
/// other node before it may start — so no window opens while an event is in flight. Between nodes a window may be a
/// <em>lease</em> (<see cref="LeasePolicy"/> decides, on the wall time the host's clock reports): up to its end the nodes go on
/// by themselves on each other's promises. Windows never cross a checkpoint; a checkpoint is complete once every entity
/// wrote it and the marker is journaled, and the next one begins only then. Injections are drained from the gate at window
/// boundaries and delivered before the window that may process them. When the earliest event is at or after the end (after
/// a final checkpoint, for persistent runs) it collects every entity's final state and completes.
/// <para>Wall time (pace, leases, progress) steers only how the run is cut and shown, never its result.</para>
/// </summary>
public sealed class CoordinatorProtocol
{
    /// <summary>Where the run is.</summary>
    public enum Phase
    {
        /// <summary>Not begun.</summary>
        Created,
        /// <summary>Nodes initialise (window 0).</summary>
        Initialising,
        /// <summary>A window (or lease) is open: waiting for every node's report.</summary>
        Window,
        /// <summary>Paced run: waiting for the wall clock before the next window.</summary>
        Pacing,
        /// <summary>A checkpoint is due, but the previous one is still being written.</summary>
        CheckpointDue,
        /// <summary>Nodes capture a checkpoint.</summary>
        Capturing,
        /// <summary>The final checkpoint was captured; waiting for it to be written before collecting.</summary>
        FinalWrite,
        /// <summary>Collecting final states.</summary>
        Collecting,
        Completed,
        Failed,
    }

    /// <summary>Where the background writes of the last captured checkpoint are.</summary>
    private enum Write { None, Writing, Marking }

    /// <summary>Longest global window when no link crosses nodes (keeps progress reports and cancellation responsive).</summary>
    public const long MaxUnboundedWindowMicros = 60 * SimTime.MicrosPerSecond;

    /// <summary>Least wall time between two progress outputs.</summary>
    public const double ProgressEverySeconds = 0.2;

    private readonly ISimModel _model;
    private readonly RunSettings _settings;
    private readonly int _nodes;
    private readonly int[] _nodeOf;
    private readonly ICoordinatorOutput _out;
    private readonly Func<double> _clock;     // wall seconds since the run began (host's clock)
    private readonly CheckpointPlan? _plan;
    private readonly InjectionGate? _gate;
    private readonly double _pace;
    private readonly long _crossLookahead;
    private readonly long _lookahead;
    private readonly long _end;
    private readonly LeasePolicy? _leases;

    private Phase _phase = Phase.Created;
    private long _window;
    private int _reports;
    private long _min = long.MaxValue;
    private readonly long[,] _sent;
    private long _events, _activations;
    private readonly long[] _crossEntityPerNode;
    private long _crossNodeEvents, _crossNodeBatches, _crossNodeBytes, _rounds;
    private int _maxSteps, _maxWaits;
    private readonly List<EntityFinal> _finals = [];
    private int _finalNodes;

    private long _nextCheckpoint = long.MaxValue;
    private int _k;
    private int _captures;
    private bool _final;                     // the checkpoint being taken (or due) is the run's last
    private Write _write = Write.None;
    private int _writeReports;
    private long _writeTime;
    private (long Min, long[][] Expected) _resumeAt; // where the run goes on after a checkpoint (phases CheckpointDue, Capturing, FinalWrite, Pacing)

    private long _safe;                                  // no event before this can still be delivered
    private readonly long _paceOrigin;
    private readonly SortedSet<long> _externalTimes = []; // times of delivered external events (lower bound of pending work)
    private long _openedAt, _openedEnd = long.MinValue;
    private double _windowOpenedAt, _lastProgress = double.NegativeInfinity;
    private double _checkpointSeconds, _captureStartedAt;

    /// <param name="crossLookahead">Width of a global window: the smallest delay of a link between nodes (<see cref="Placement.CrossLookahead"/>).</param>
    /// <param name="clock">Wall seconds since the run began, as the host measures them (used for pace, leases and progress only).</param>
    public CoordinatorProtocol(ISimModel model, RunSettings settings, int[] nodeOf, int nodes, long crossLookahead, CoordinatorOptions options,
        ICoordinatorOutput output, Func<double> clock)
    {
        _model = model;
        _settings = settings;
        _nodes = nodes;
        _nodeOf = nodeOf;
        _out = output;
        _clock = clock;
        _plan = options.Checkpoints;
        _gate = options.Injections;
        _pace = options.Pace;
        long modelLookahead = ModelChecks.MinLookahead(model);
        _crossLookahead = crossLookahead;
        _lookahead = Math.Min(crossLookahead, Math.Max(MaxUnboundedWindowMicros, modelLookahead));
        // Paced runs keep plain windows: a window opens no earlier than its start time allows.
        _leases = options.Leases && nodes > 1 && _pace <= 0 ? new LeasePolicy(_lookahead) : null;
        _end = settings.End.Micros;
        _safe = _plan?.Resume == true ? _plan.StartMicros : 0;
        _paceOrigin = _safe;
        if (_plan is { EveryMicros: > 0 })
        {
            _k = _plan.StartK;
            _nextCheckpoint = _plan.StartMicros + _plan.EveryMicros;
        }
        else if (_plan is not null) _k = _plan.StartK;
        _sent = new long[nodes, nodes];
        _crossEntityPerNode = new long[nodes];
    }

    public Phase Current => _phase;
    public long Window => _window;

    /// <summary>Sets up the nodes and delivers the injections a (resumed) run must deliver again.</summary>
    public void Begin()
    {
        if (_phase != Phase.Created) throw new InvalidOperationException($"coordinator begun twice (phase {_phase})");
        _phase = Phase.Initialising;
        _out.InitializeNodes(_nodeOf, _crossLookahead, _plan?.Resume ?? false);
        if (_gate is not null)
        {
            Deliver(_gate.ToRedeliver(_plan?.Resume == true ? _plan.StartK : 0));
            _gate.Advance(_safe);
        }
    }

    /// <summary>A node finished window <see cref="NodeWindowReport.Window"/>.</summary>
    public void Report(NodeWindowReport r)
    {
        if (Over) return;
        if (_phase is not (Phase.Initialising or Phase.Window) || r.Window != _window)
        {
            Fail($"node {r.Node} reported window {r.Window} while the coordinator is in phase {_phase} of window {_window}");
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
        if (_reports < _nodes) return;

        _rounds += 1 + _maxWaits;
        _maxWaits = 0;
        double now = _clock();
        if (_window > 0) _leases?.Done(_openedAt, _openedEnd, _min, _maxSteps, (now - _windowOpenedAt) * 1000);
        _maxSteps = 0;
        long min = _min;
        _reports = 0;
        _min = long.MaxValue;
        if (now - _lastProgress >= ProgressEverySeconds)
        {
            _lastProgress = now;
            _out.Progress(new RunProgress(new SimTime(Math.Min(min, _end)), _events, _window));
        }

        if (min >= _end && _plan is not null && !_final)
        {
            // A persistent run ends with a checkpoint at the end time: the journal then holds every record and the
            // final state can be inspected like any other checkpoint.
            _final = true;
            _nextCheckpoint = _end;
            min = _end;
        }
        var expected = TakeExpected();
        if (min >= _end && !_final)
        {
            Collect(expected);
            return;
        }
        if (min >= _nextCheckpoint)
        {
            _resumeAt = (min, expected);
            if (_write != Write.None) _phase = Phase.CheckpointDue; // the previous checkpoint is still being written
            else BeginCheckpoint();
            return;
        }
        StartNext(min, expected);
    }

    /// <summary>A node's entities all captured checkpoint <paramref name="k"/>.</summary>
    public void Captured(int node, int k)
    {
        if (Over) return;
        if (_phase != Phase.Capturing || k != _k)
        {
            Fail($"node {node} captured checkpoint {k} while the coordinator is in phase {_phase} of checkpoint {_k}");
            return;
        }
        if (++_captures < _nodes) return;
        _captures = 0;
        _checkpointSeconds += _clock() - _captureStartedAt;
        _write = Write.Writing;
        _writeTime = _nextCheckpoint;
        if (_writeReports == _nodes) MarkWritten(); // every node's writes finished before the last capture was reported
        if (_final)
        {
            if (_phase == Phase.Capturing) _phase = Phase.FinalWrite; // the run ends once the final checkpoint is written
            return;
        }
        while (_nextCheckpoint <= _resumeAt.Min) _nextCheckpoint = _plan!.EveryMicros > 0 ? _nextCheckpoint + _plan.EveryMicros : long.MaxValue;
        StartNext(_resumeAt.Min, _resumeAt.Expected);
    }

    /// <summary>A node's entities all wrote checkpoint <paramref name="k"/>.</summary>
    public void Saved(int node, int k)
    {
        if (Over) return;
        // A node may finish writing before another node reported its capture: the writes are counted from the checkpoint's begin.
        if (k != _k || !(_write == Write.Writing || _phase == Phase.Capturing) || _writeReports >= _nodes)
        {
            Fail($"node {node} wrote checkpoint {k} while checkpoint {_k} is {(_phase == Phase.Capturing ? "being captured" : _write == Write.None ? "not being written" : "already written")}");
            return;
        }
        if (++_writeReports < _nodes) return;
        if (_write == Write.Writing) MarkWritten();
    }

    private void MarkWritten()
    {
        _write = Write.Marking;
        _out.Mark(_k, _writeTime, _window);
    }

    /// <summary>The marker of checkpoint <paramref name="k"/> is journaled: the checkpoint is complete.</summary>
    public void Marked(int k, long timeMicros)
    {
        if (Over) return;
        if (_write != Write.Marking || k != _k)
        {
            Fail($"checkpoint {k} marked complete while checkpoint {_k} is {_write}");
            return;
        }
        _write = Write.None;
        _out.CheckpointComplete(k, timeMicros);
        if (_phase == Phase.FinalWrite) Collect(_resumeAt.Expected);
        else if (_phase == Phase.CheckpointDue) BeginCheckpoint();
    }

    /// <summary>Paced runs: the wall time asked for by <see cref="ICoordinatorOutput.WaitForPace"/> has passed.</summary>
    public void PaceElapsed()
    {
        if (Over || _phase != Phase.Pacing) return;
        OpenWindow(_resumeAt.Min, _resumeAt.Expected);
    }

    /// <summary>A node's final states.</summary>
    public void Finals(NodeFinalReport report)
    {
        if (Over) return;
        if (_phase != Phase.Collecting)
        {
            Fail($"node {report.Node} reported final states in phase {_phase}");
            return;
        }
        _finals.AddRange(report.Finals);
        if (++_finalNodes < _nodes) return;
        _phase = Phase.Completed;
        RunResult result;
        try
        {
            var stats = new WindowStats(_window, _activations, _crossEntityPerNode.Sum(), _crossNodeEvents, _crossNodeBatches, _crossNodeBytes, _rounds);
            result = RunResult.FromFinals(_model, _settings, _finals, stats) with { WallSeconds = _clock(), CheckpointSeconds = _checkpointSeconds };
        }
        catch (InvalidOperationException ex)
        {
            _phase = Phase.Failed;
            _out.Failed(ex.Message);
            return;
        }
        _out.Completed(result);
    }

    /// <summary>The run cannot go on (a node failed, a write failed, the host gave up).</summary>
    public void Fail(string reason)
    {
        if (Over) return;
        _phase = Phase.Failed;
        _gate?.Close("the run failed: " + reason);
        _out.Failed(reason);
    }

    private bool Over => _phase is Phase.Completed or Phase.Failed;

    private long[][] TakeExpected()
    {
        var expected = new long[_nodes][];
        for (int d = 0; d < _nodes; d++)
        {
            expected[d] = new long[_nodes];
            for (int s = 0; s < _nodes; s++)
            {
                expected[d][s] = _sent[s, d];
                _sent[s, d] = 0;
            }
        }
        return expected;
    }

    /// <summary>
    /// Nothing before the checkpoint time is left (windows never cross it) and nothing is in flight once the nodes received
    /// this window's batches: every entity captures its state; the simulation goes on as soon as all captured, and the
    /// marker is journaled once all are written.
    /// </summary>
    private void BeginCheckpoint()
    {
        _k++;
        _phase = Phase.Capturing;
        _captures = 0;
        _writeReports = 0;
        _captureStartedAt = _clock();
        _safe = Math.Max(_safe, _nextCheckpoint); // the checkpoint holds everything before its time
        _gate?.Advance(_safe);
        for (int d = 0; d < _nodes; d++) _out.Send(d, new BeginCheckpoint(_k, _nextCheckpoint, _window, _resumeAt.Expected[d]));
    }

    private void Collect(long[][] expected)
    {
        _phase = Phase.Collecting;
        _gate?.Close("the run has finished");
        for (int d = 0; d < _nodes; d++) _out.Send(d, new CollectFinal(_window, expected[d]));
    }

    private void StartNext(long min, long[][] expected)
    {
        if (_pace > 0)
        {
            // Paced runs (for watching and injecting live): a window opens no earlier than its start time allows.
            double wait = (min - _paceOrigin) / (double)SimTime.MicrosPerSecond / _pace - _clock();
            if (wait > 0.001)
            {
                _resumeAt = (min, expected);
                _phase = Phase.Pacing;
                _out.WaitForPace(wait);
                return;
            }
        }
        OpenWindow(min, expected);
    }

    /// <summary>Delivers external events to the nodes that host their targets (before any window that could process them).</summary>
    private void Deliver(IReadOnlyList<Injection> injections)
    {
        if (injections.Count == 0) return;
        var perNode = new List<SimEvent>?[_nodes];
        foreach (var inj in injections)
            foreach (var e in inj.Events)
            {
                (perNode[_nodeOf[e.Target]] ??= []).Add(e);
                _externalTimes.Add(e.Time);
            }
        for (int n = 0; n < perNode.Length; n++)
            if (perNode[n] is { } events) _out.Deliver(n, events);
    }

    private void OpenWindow(long min, long[][] expected)
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
        _phase = Phase.Window;
        _openedAt = min;
        _openedEnd = leaseEnd;
        _windowOpenedAt = _clock();
        _safe = Math.Max(_safe, leaseEnd);
        _gate?.Advance(_safe);
        for (int d = 0; d < _nodes; d++) _out.Send(d, new StartWindow(_window, horizon, expected[d], leaseEnd));
    }
}
