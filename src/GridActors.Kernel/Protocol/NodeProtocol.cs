namespace GridActors.Kernel.Protocol;

/// <summary>
/// What a <see cref="NodeProtocol"/> asks its host to do. The host is the node-scheduler actor (entities are actors,
/// peers and coordinator are actor references) or the windowed executor (everything in memory). An output must not call
/// back into the protocol before it returns: the host delivers the answers (activations done, batches, captures) later,
/// as separate inputs.
/// </summary>
public interface INodeOutput
{
    /// <summary>Initialise local entity <paramref name="local"/> (its initial events; a resumed entity just reports its next time).</summary>
    void Initialise(int local);

    /// <summary>Run local entity <paramref name="local"/> until <paramref name="horizon"/> after taking in <paramref name="inbox"/>;
    /// answered by <see cref="NodeProtocol.ActivationDone"/>.</summary>
    void Activate(int local, long horizon, List<SimEvent> inbox);

    /// <summary>Send <paramref name="events"/> (possibly none) and the promise <paramref name="bound"/> to node <paramref name="toNode"/>,
    /// tagged with <paramref name="window"/>. Returns the encoded size in bytes (0 when nothing is encoded). The list is cleared
    /// by the protocol after the call, so the host must copy or encode it before returning.</summary>
    int SendBatch(int toNode, long window, List<SimEvent> events, long bound);

    /// <summary>Report the end of a window to the coordinator.</summary>
    void Report(NodeWindowReport report);

    /// <summary>Every local entity captures checkpoint <paramref name="k"/> (its state plus <see cref="NodeProtocol.PeekInbox"/>);
    /// each answers <see cref="NodeProtocol.Captured"/> and, once written, <see cref="NodeProtocol.Saved"/>.</summary>
    void Capture(int k, long timeMicros);

    /// <summary>Tell the coordinator every local entity captured checkpoint <paramref name="k"/>.</summary>
    void CheckpointCaptured(int k);

    /// <summary>Tell the coordinator every local entity saved checkpoint <paramref name="k"/>.</summary>
    void CheckpointSaved(int k);

    /// <summary>Every local entity reports its final state (plus <see cref="NodeProtocol.PeekInbox"/>) through <see cref="NodeProtocol.Final"/>.</summary>
    void CollectFinals();

    /// <summary>The node's final states, in local order, for the coordinator.</summary>
    void Finals(EntityFinal[] finals);

    /// <summary>The run cannot go on; tell the coordinator why.</summary>
    void Fail(string reason);
}

/// <summary>
/// One node of conservative windowed execution (DESIGN §4), as a pure state machine: it drives the node's entities through
/// each window (lease) the coordinator opens, activating only the entities that have work, and routes the events they emit
/// — to local inboxes or, batched per destination node, to other nodes. Up to the window's horizon it needs nobody; beyond
/// it, up to the lease end, it processes events earlier than the smallest promise its peers sent with their batches
/// (Chandy–Misra–Bryant with lookahead between nodes), and sends its own promise — the earliest event it could still cause
/// on another node — after each sub-window. At the end of a window it reports the earliest event it holds and how many
/// events it sent to each node, so the coordinator can make sure no window opens while an event is in flight.
/// <para>Requests from the coordinator (<see cref="StartWindow"/>, <see cref="BeginCheckpoint"/>, <see cref="CollectFinal"/>)
/// queue up and are served in order, each once the node is idle and has received every event the other nodes sent it in the
/// window the request names (receive counting).</para>
/// <para>Driven by the node-scheduler actor and by the windowed executor alike, so leases and checkpoint gating are
/// compared with the sequential digest without actors.</para>
/// <para>Measured and left out: cutting steps finer than the lookahead so that a promise leaves mid-step and the hop
/// overlaps work. On PHOLD an entity with events in both halves then runs twice (38 % more activations) and the promise
/// messages double; two nodes got slower, not faster. Nor did dispatching a step in two chunks (entities by earliest
/// event) with a promise between them: no entity runs twice on the sender, but a waiting peer then steps twice
/// (activations +24 %, messages +70 %; 2.75 vs 3.34 M events/s).</para>
/// </summary>
public sealed class NodeProtocol
{
    /// <summary>Where the node is. Exactly one at a time; inputs that do not fit the phase are protocol errors.</summary>
    public enum Phase
    {
        /// <summary>Entities are initialising (window 0).</summary>
        Initialising,
        /// <summary>Between windows, no request queued.</summary>
        Idle,
        /// <summary>A request is queued but events the other nodes sent in its window are still in flight.</summary>
        Waiting,
        /// <summary>A sub-window's activations are out.</summary>
        Stepping,
        /// <summary>Inside a lease, nothing can run until a peer promises more.</summary>
        Blocked,
        /// <summary>Entities are capturing a checkpoint (the simulation waits for this, not for the writes).</summary>
        Capturing,
        /// <summary>Entities are reporting their final states.</summary>
        Collecting,
        /// <summary>Final states were handed over.</summary>
        Done,
        /// <summary>The host stopped the node (the run is re-placed or over); inputs are ignored.</summary>
        Stopped,
        /// <summary>The run failed here; inputs are ignored.</summary>
        Failed,
    }

    private readonly INodeOutput _out;
    private readonly NodeWindowState _state;
    private readonly int _node;
    private readonly int _nodeCount;
    private readonly long _localLookahead;
    private readonly long _crossLookahead;
    private readonly Queue<IProtocolMessage> _requests = new();
    private readonly Dictionary<long, long[]> _receivedIn = [];  // events received from each node, by the window they were sent in
    private readonly Dictionary<long, long[]> _laterBounds = []; // promises that arrived before their window opened here
    private readonly List<int> _active = [];
    private readonly long[] _bound;           // each peer's promise for the open window (own entry: no limit)
    private readonly long[] _promised;        // what this node last promised each peer
    private readonly long[] _sentThisWindow;

    private Phase _phase;
    private int _outstanding;                 // activations (or initialisations, captures, finals) not answered yet
    private long _window;
    private long _leaseEnd = long.MinValue;   // the open window's end (no sub-windows while initialising)
    private bool _leased;                     // the open window goes beyond its horizon on promises
    private long _sentMin;                    // earliest event sent this window at or after its end (still in flight for the report)
    private long _windowEvents;
    private int _windowActivations, _steps, _waits, _batchesSent;
    private long _bytesSent;

    private int _savingK = -1;                // checkpoint whose writes are in progress (-1: none)
    private int _savePending;
    private EntityFinal[]? _finals;

    /// <param name="state">The node's bookkeeping (its entities, inboxes, outbound batches).</param>
    /// <param name="localLookahead">The model's lookahead: the width of a sub-window between local entities.</param>
    /// <param name="crossLookahead">The smallest delay of an event between nodes (what promises rest on).</param>
    public NodeProtocol(NodeWindowState state, int nodeCount, long localLookahead, long crossLookahead, INodeOutput output)
    {
        _state = state;
        _node = state.Node;
        _nodeCount = nodeCount;
        _localLookahead = localLookahead;
        _crossLookahead = Math.Max(1, crossLookahead);
        _out = output;
        _bound = new long[nodeCount];
        _promised = new long[nodeCount];
        Array.Fill(_promised, long.MaxValue); // initialisation promises nothing: its report opens the first window
        _sentThisWindow = new long[nodeCount];
        _sentMin = long.MaxValue;
        _phase = Phase.Initialising;
    }

    public Phase Current => _phase;
    public int Node => _node;
    public long Window => _window;
    public NodeWindowState State => _state;

    /// <summary>Checkpoint writes of the checkpoint in progress that have not been confirmed yet.</summary>
    public int SavesPending => _savePending;

    /// <summary>Events still waiting in a local entity's inbox (they belong to its checkpointed and final state).</summary>
    public IReadOnlyList<SimEvent> PeekInbox(int local) => _state.PeekInbox(local);

    /// <summary>Initialises every local entity (window 0); the report that follows opens the run's first window.</summary>
    public void Start()
    {
        Expect(Phase.Initialising, "start");
        _outstanding = _state.LocalCount;
        if (_outstanding == 0)
        {
            FinishWindow();
            return;
        }
        for (int i = 0; i < _state.LocalCount; i++) _out.Initialise(i);
    }

    /// <summary>The coordinator's request: open a window, take a checkpoint or collect final states.</summary>
    public void Request(IProtocolMessage request)
    {
        if (Ignoring) return;
        if (request is not (StartWindow or BeginCheckpoint or CollectFinal))
        {
            Fail($"node {_node}: unexpected request {request.GetType().Name}");
            return;
        }
        _requests.Enqueue(request);
        Pump();
    }

    /// <summary>An entity finished its activation (or initialisation): it handled <paramref name="handled"/> events, emitted
    /// <paramref name="emitted"/> (routed and cleared here, before the entity may be activated again: with entities on other
    /// threads the host must not touch the list after this call) and its next event is at <paramref name="next"/>.
    /// <paramref name="inbox"/> is the emptied inbox list handed out with the activation (recycled), null for an initialisation.</summary>
    public void ActivationDone(int local, long next, List<SimEvent> emitted, int handled, List<SimEvent>? inbox)
    {
        if (Ignoring) return;
        if (_phase is not (Phase.Initialising or Phase.Stepping) || _outstanding <= 0)
        {
            Fail($"node {_node}: activation of local entity {local} answered in phase {_phase}");
            return;
        }
        _windowEvents += handled;
        if (inbox is not null) _state.Recycle(inbox);
        _state.Complete(local, next, emitted);
        emitted.Clear();
        if (--_outstanding > 0) return;
        if (_phase == Phase.Initialising) FinishWindow();
        else Step();
    }

    /// <summary>Events another node sent in <paramref name="window"/> (already decoded) with its promise <paramref name="bound"/>:
    /// nothing more from it in that window earlier than the bound. Accepted at once — they land at or after what this node
    /// has processed (the sender promised so) — and counted for the window that sent them.</summary>
    public void Batch(int fromNode, long window, IEnumerable<SimEvent> events, int count, long bound)
    {
        if (Ignoring) return;
        try
        {
            _state.AcceptRemote(events);
        }
        catch (InvalidOperationException ex)
        {
            Fail(ex.Message);
            return;
        }
        if (!_receivedIn.TryGetValue(window, out var got)) _receivedIn[window] = got = new long[_nodeCount];
        got[fromNode] += count;
        if (window > _window)
        {
            // The peer already opened a window this node has not started yet.
            if (!_laterBounds.TryGetValue(window, out var later))
            {
                _laterBounds[window] = later = new long[_nodeCount];
                Array.Fill(later, long.MinValue);
            }
            later[fromNode] = Math.Max(later[fromNode], bound);
        }
        else if (window == _window && _phase is Phase.Stepping or Phase.Blocked && bound > _bound[fromNode])
        {
            _bound[fromNode] = bound;
            if (_phase == Phase.Blocked) Step();
        }
        Pump();
    }

    /// <summary>Events from outside the model (injections): they land at or after the last window's end and wait in inboxes.</summary>
    public void External(IEnumerable<SimEvent> events)
    {
        if (Ignoring) return;
        try
        {
            _state.AcceptRemote(events);
        }
        catch (InvalidOperationException ex)
        {
            Fail(ex.Message);
        }
    }

    /// <summary>An entity captured checkpoint <paramref name="k"/>.</summary>
    public void Captured(int k)
    {
        if (Ignoring) return;
        if (_phase != Phase.Capturing || k != _savingK || _outstanding <= 0)
        {
            Fail($"node {_node}: capture of checkpoint {k} reported in phase {_phase}");
            return;
        }
        if (--_outstanding > 0) return;
        _phase = Phase.Idle;
        _out.CheckpointCaptured(k);
        Pump();
    }

    /// <summary>An entity wrote checkpoint <paramref name="k"/> (or failed to, with <paramref name="error"/>). Returns true when
    /// this was the node's last write of the checkpoint.</summary>
    public bool Saved(int k, string? error = null)
    {
        if (Ignoring) return false;
        if (error is not null)
        {
            Fail(error);
            return false;
        }
        if (k != _savingK || _savePending <= 0)
        {
            Fail($"node {_node}: write of checkpoint {k} confirmed while {(_savingK < 0 ? "none" : "checkpoint " + _savingK)} is being written");
            return false;
        }
        if (--_savePending > 0) return false;
        _savingK = -1;
        _out.CheckpointSaved(k);
        return true;
    }

    /// <summary>A local entity's final state.</summary>
    public void Final(int local, EntityFinal final)
    {
        if (Ignoring) return;
        if (_phase != Phase.Collecting || _finals is null || _outstanding <= 0)
        {
            Fail($"node {_node}: final state of local entity {local} reported in phase {_phase}");
            return;
        }
        _finals[local] = final;
        if (--_outstanding > 0) return;
        _phase = Phase.Done;
        _out.Finals(_finals);
    }

    /// <summary>The host stops the node: nothing it receives from now on has any effect.</summary>
    public void Stop()
    {
        if (_phase != Phase.Failed) _phase = Phase.Stopped;
    }

    private bool Ignoring => _phase is Phase.Stopped or Phase.Failed or Phase.Done;

    private void Expect(Phase phase, string what)
    {
        if (_phase != phase) throw new InvalidOperationException($"node {_node}: {what} in phase {_phase}, expected {phase}");
    }

    private void Fail(string reason)
    {
        if (Ignoring) return;
        _phase = Phase.Failed;
        _out.Fail(reason);
    }

    /// <summary>True once every event other nodes sent in <paramref name="window"/> has arrived; fails the run on a surplus.</summary>
    private bool Received(long window, long[] expected, out bool surplus)
    {
        surplus = false;
        if (!_receivedIn.TryGetValue(window, out var got))
        {
            for (int n = 0; n < expected.Length; n++) if (expected[n] > 0) return false;
            return true;
        }
        for (int n = 0; n < got.Length; n++)
            if (got[n] < expected[n]) return false; // still in flight
        for (int n = 0; n < got.Length; n++)
            if (got[n] > expected[n])
            {
                surplus = true;
                Fail($"node {_node} received {got[n]} events from node {n} in window {window}, expected {expected[n]}");
                return false;
            }
        return true;
    }

    /// <summary>Serves queued requests while the node is idle and their window's events have all arrived.</summary>
    private void Pump()
    {
        while (_phase is Phase.Idle or Phase.Waiting && _requests.Count > 0)
        {
            var request = _requests.Peek();
            var (window, expected) = request switch
            {
                StartWindow w => (w.Window - 1, w.ExpectedFrom),
                BeginCheckpoint c => (c.Window, c.ExpectedFrom),
                CollectFinal f => (f.AfterWindow, f.ExpectedFrom),
                _ => throw new InvalidOperationException("unreachable"),
            };
            if (!Received(window, expected, out bool surplus))
            {
                if (!surplus) _phase = Phase.Waiting;
                return;
            }
            _requests.Dequeue();
            switch (request)
            {
                case StartWindow w:
                    _receivedIn.Remove(w.Window - 1);
                    OpenWindow(w);
                    return; // the window runs; the next request waits for its report
                case BeginCheckpoint c:
                    BeginCapture(c);
                    break;
                case CollectFinal:
                    BeginCollect();
                    return;
            }
        }
    }

    private void OpenWindow(StartWindow w)
    {
        _window = w.Window;
        _windowEvents = 0;
        _windowActivations = 0;
        _steps = 0;
        _waits = 0;
        _batchesSent = 0;
        _bytesSent = 0;
        _sentMin = long.MaxValue;
        Array.Clear(_sentThisWindow);
        _leaseEnd = w.LeaseEnd;
        _leased = w.LeaseEnd > w.Horizon && _nodeCount > 1;
        // Up to the horizon every node may go at once (the coordinator promised that for all of them).
        Array.Fill(_bound, w.Horizon);
        Array.Fill(_promised, w.Horizon);
        _bound[_node] = long.MaxValue;
        if (_laterBounds.Remove(_window, out var later))
            for (int n = 0; n < later.Length; n++) _bound[n] = Math.Max(_bound[n], later[n]);
        _phase = Phase.Stepping;
        Step();
    }

    private void BeginCapture(BeginCheckpoint c)
    {
        if (_savingK >= 0)
        {
            Fail($"node {_node}: checkpoint {c.K} begun while checkpoint {_savingK} is still being written");
            return;
        }
        _savingK = c.K;
        _savePending = _state.LocalCount;
        _outstanding = _state.LocalCount;
        if (_outstanding == 0)
        {
            _savingK = -1;
            _out.CheckpointCaptured(c.K);
            _out.CheckpointSaved(c.K);
            return; // stays idle
        }
        _phase = Phase.Capturing;
        _out.Capture(c.K, c.TimeMicros);
    }

    private void BeginCollect()
    {
        _finals = new EntityFinal[_state.LocalCount];
        _outstanding = _state.LocalCount;
        _phase = Phase.Collecting;
        if (_outstanding == 0)
        {
            _phase = Phase.Done;
            _out.Finals(_finals);
            return;
        }
        _out.CollectFinals();
    }

    /// <summary>How far this node may process: the window's end, or less while a peer has not promised that far.</summary>
    private long Safe
    {
        get
        {
            long h = _leaseEnd;
            foreach (long b in _bound) if (b < h) h = b;
            return h;
        }
    }

    /// <summary>
    /// Runs the next sub-window: the node's entities with events before <c>h</c>, all at once. <c>h</c> is at most the model's
    /// own lookahead after the earliest local event (events between local entities need no coordinator) and never beyond what
    /// the peers promised; events to other nodes land at or after the window's horizon or this node's promise, because nodes
    /// are placed so that links between them are at least that slow. When nothing can run, the window is finished or the
    /// node waits for a promise.
    /// </summary>
    private void Step()
    {
        long safe = Safe;
        long min = _state.PendingMin;
        if (min >= safe)
        {
            if (safe >= _leaseEnd) FinishWindow();
            else if (SendBatches(blocked: true) && _phase != Phase.Blocked)
            {
                _phase = Phase.Blocked;
                _waits++;
            }
            return;
        }
        _phase = Phase.Stepping;
        if (_leased && !SendBatches(blocked: false)) return;
        long h = min >= safe - _localLookahead ? safe : min + _localLookahead;
        _state.CollectActivations(h, _active);
        _outstanding = _active.Count;
        if (_outstanding == 0)
        {
            Fail($"node {_node}: no entity holds the earliest pending event {new SimTime(min)}");
            return;
        }
        _steps++;
        _windowActivations += _active.Count;
        foreach (int local in _active) _out.Activate(local, h, _state.TakeInbox(local));
    }

    /// <summary>
    /// Sends each peer the events for it and this node's promise: it has processed everything before
    /// <c>min(earliest pending, safe)</c>, and whatever it processes later (including anything still to arrive, which lands at
    /// or after <c>safe</c>) reaches another node one cross-node lookahead later at the soonest. While working it sends only
    /// promises that moved by a lookahead; when it waits (<paramref name="blocked"/>) or finishes, it sends whatever a peer
    /// lacks. Returns false when the run failed.
    /// </summary>
    private bool SendBatches(bool blocked, bool final = false)
    {
        long safe = Safe;
        long from = Math.Min(_state.PendingMin, safe);
        long bound = from >= long.MaxValue - _crossLookahead ? long.MaxValue : from + _crossLookahead;
        for (int n = 0; n < _nodeCount; n++)
        {
            if (n == _node) continue;
            var batch = _state.Outbound[n];
            // A promise matters up to the window's end; while working, only one that moved by a whole lookahead is worth a
            // message (models whose own lookahead is far shorter than the one between nodes take many sub-windows per step).
            bool moved = _promised[n] < _leaseEnd && bound > _promised[n] && (blocked || bound - _promised[n] >= _crossLookahead);
            // A finished node owes its events and a promise that covers the window's end; a working one sends with promises.
            bool owed = final && (batch.Count > 0 || _promised[n] < _leaseEnd);
            if (!moved && !owed) continue;
            if (_window > 0 && batch.Count > 0 && _state.OutboundMin[n] < _promised[n])
            {
                Fail($"an event for node {n} at {new SimTime(_state.OutboundMin[n])} would arrive before {new SimTime(_promised[n])}, which node {_node} promised: "
                    + "a link between nodes is faster than the placement assumed (check the model's declared links)");
                return false;
            }
            foreach (var e in batch)
                if (e.Time >= _leaseEnd && e.Time < _sentMin) _sentMin = e.Time;
            int count = batch.Count;
            _bytesSent += _out.SendBatch(n, _window, batch, bound);
            _sentThisWindow[n] += count;
            _batchesSent++;
            if (bound > _promised[n]) _promised[n] = bound;
            _state.ClearOutbound(n);
        }
        return true;
    }

    private void FinishWindow()
    {
        if (!SendBatches(blocked: true, final: true)) return;
        _phase = Phase.Idle;
        long min = Math.Min(_state.PendingMin, _sentMin);
        _out.Report(new NodeWindowReport(_node, _window, min, (long[])_sentThisWindow.Clone(), _window == 0 ? _state.LocalCount : _windowActivations,
            _windowEvents, _state.CrossEntityEvents, _batchesSent, _bytesSent, _steps, _waits));
        Pump();
    }
}
