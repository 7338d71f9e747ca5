using Akka.Actor;
using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>
/// One per node. Drives the node's entity actors through each window (lease) the coordinator opens,
/// activating only the entities that have work, and routes the events they emit — to local inboxes or,
/// batched per destination node, to other nodes. Up to the window's <see cref="StartWindow.Horizon"/> it needs
/// nobody; beyond it, up to <see cref="StartWindow.LeaseEnd"/>, it processes events earlier than the smallest
/// promise its peers sent with their batches (Chandy–Misra–Bryant with lookahead between nodes), and sends its
/// own promise — the earliest event it could still cause on another node — after each sub-window. At the end it
/// reports the earliest event it holds and how many events it sent to each node, so the coordinator can make sure
/// no window opens while an event is in flight (DESIGN §4).
/// <para>Measured and left out: cutting steps finer than the lookahead so that a promise leaves mid-step and the hop
/// overlaps work. On PHOLD an entity with events in both halves then runs twice (38 % more activations) and the
/// promise messages double; two nodes got slower, not faster. Nor did dispatching a step in two chunks (entities by
/// earliest event) with a promise between them: no entity runs twice on the sender, but a waiting peer then steps
/// twice (activations +24 %, messages +70 %; 2.75 vs 3.34 M events/s).</para>
/// </summary>
public sealed class NodeScheduler : UntypedActor
{
    private readonly ISimModel _model;
    private readonly RunSettings _settings;
    private IActorRef _coordinator = ActorRefs.Nobody;
    private readonly Rng? _shuffle;
    private readonly string _dispatcher;

    private NodeWindowState _state = null!;
    private IActorRef[] _entities = [];
    private Activation[] _activations = [];
    private IActorRef[] _peers = [];
    private readonly List<int> _active = [];
    private int _outstanding;
    private long _window;
    private long _windowEvents;
    private long _leaseEnd = long.MinValue;   // the open window's end (no sub-windows while initialising)
    private long _localLookahead;
    private long _crossLookahead;
    private bool _running;                    // between a window's start and its report
    private bool _leased;                     // the open window goes beyond its horizon on promises
    private long[] _bound = [];               // each peer's promise for the open window (own entry: no limit)
    private long[] _promised = [];            // what this node last promised each peer
    private readonly Dictionary<long, long[]> _laterBounds = []; // promises that arrived before their window opened
    private long[] _sentThisWindow = [];
    private long _sentMin;                    // earliest event sent this window at or after its end (still in flight for the report)
    private int _batchesSent;
    private long _bytesSent;
    private int _steps;
    private int _waits;
    private bool _stalled;

    private int _windowActivations;
    private StartWindow? _waiting;
    private int _nodeCount;
    private readonly Dictionary<long, long[]> _receivedIn = []; // events received from each node, by window
    private EntityFinal[]? _finals;
    private int _finalsPending;
    private IActorRef? _finalReplyTo;
    private CollectFinal? _collect;

    private readonly string? _persistencePrefix;
    private readonly MemoryStream _encodeBuffer = new();
    private bool _quiescing;
    private int _quiescePending;
    private IActorRef? _quiesceReplyTo;
    private BeginCheckpoint? _checkpoint;   // waiting for capture
    private int _capturePending;
    private int _savePending;
    private int _savingK;

    public NodeScheduler(ISimModel model, RunSettings settings, int? shuffleSeed, string dispatcher, string? persistencePrefix = null)
    {
        _persistencePrefix = persistencePrefix;
        _model = model;
        _settings = settings;
        _shuffle = shuffleSeed is int s ? Rng.FromSeed((ulong)s) : null;
        _dispatcher = dispatcher;
    }

    /// <summary>Node peers (index = node number); set by the coordinator for multi-node runs.</summary>
    public sealed record Peers(IActorRef[] Nodes) : IClusterMessage;

    protected override void OnReceive(object message)
    {
        if (_quiescing)
        {
            // The run is being re-placed: only the entities' confirmations that their writes finished matter.
            if (message is Quiesced && --_quiescePending == 0) _quiesceReplyTo!.Tell(new Quiesced(-1));
            return;
        }
        switch (message)
        {
            case Quiesce:
                _quiescing = true;
                _quiesceReplyTo = Sender;
                _quiescePending = _persistencePrefix is null ? 0 : _entities.Length;
                if (_quiescePending == 0) Sender.Tell(new Quiesced(-1));
                else foreach (var e in _entities) e.Tell(Quiesce.Instance);
                break;
            case Activation a:
                OnActivationDone(a);
                break;
            case StartWindow w:
                _waiting = w;
                TryStartWindow();
                break;
            case EventBatch b:
                OnBatch(b);
                break;
            case ExternalBatch x:
                // Injected events land at or after the last window's horizon: they wait in inboxes like remote events.
                _state.AcceptRemote(EventBatchCodec.Decode(new EventBatch(-1, -1, x.Count, x.Data, long.MinValue), _model.Codec));
                break;
            case InitializeNode init:
                Initialize(init);
                break;
            case BeginCheckpoint c:
                _checkpoint = c;
                TryCheckpoint();
                break;
            case CheckpointCaptured captured:
                OnCheckpointCaptured(captured);
                break;
            case CheckpointSaved saved:
                OnCheckpointSaved(saved);
                break;
            case Peers p:
                _peers = p.Nodes;
                break;
            case CollectFinal f:
                _collect = f;
                _finalReplyTo = Sender;
                TryCollectFinals();
                break;
            case EntityFinalReport f:
                _finals![_state.LocalIndexOf(f.Final.Id)] = f.Final;
                if (--_finalsPending == 0)
                    _finalReplyTo!.Tell(new NodeFinalReport(_state.Node, _finals));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Initialize(InitializeNode init)
    {
        _coordinator = Sender;
        var local = new List<int>();
        for (int id = 0; id < init.NodeOf.Length; id++)
            if (init.NodeOf[id] == init.Node) local.Add(id);
        _state = new NodeWindowState(init.Node, local, init.NodeOf, init.NodeCount, _shuffle);
        _localLookahead = ModelChecks.MinLookahead(_model);
        _crossLookahead = Math.Max(1, init.CrossLookahead);
        _leaseEnd = long.MinValue;
        _nodeCount = init.NodeCount;
        _bound = new long[init.NodeCount];
        _promised = new long[init.NodeCount];
        Array.Fill(_promised, long.MaxValue); // initialisation promises nothing: its report opens the first window
        _sentThisWindow = new long[init.NodeCount];
        _sentMin = long.MaxValue;
        _entities = new IActorRef[local.Count];
        _activations = new Activation[local.Count];
        for (int i = 0; i < local.Count; i++)
        {
            int id = local[i];
            var self = Self;
            var props = (_persistencePrefix is null
                ? Props.Create(() => new EntityActor(_model, id, _settings, self))
                : Props.Create(() => new PersistentEntityActor(_model, id, _settings, self, _persistencePrefix + "/" + _model.EntityKey(id), init.Resume)))
                .WithDispatcher(_dispatcher);
            _entities[i] = Context.ActorOf(props, "e" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _activations[i] = new Activation(i) { IsInit = true };
        }
        _window = 0;
        _windowEvents = 0;
        _running = true;
        _outstanding = local.Count;
        if (_outstanding == 0) FinishWindow();
        for (int i = 0; i < local.Count; i++) _entities[i].Tell(_activations[i], ActorRefs.NoSender);
    }

    private void OnBatch(EventBatch b)
    {
        // A batch is accepted right away: its events land at or after what this node has processed (the sender
        // promised so), so they can wait in inboxes; they are counted for the window that sent them.
        _state.AcceptRemote(EventBatchCodec.Decode(b, _model.Codec));
        if (!_receivedIn.TryGetValue(b.Window, out var got)) _receivedIn[b.Window] = got = new long[_nodeCount];
        got[b.FromNode] += b.Count;
        if (b.Window > _window)
        {
            // The peer already opened a window this node has not started yet.
            if (!_laterBounds.TryGetValue(b.Window, out var later))
            {
                _laterBounds[b.Window] = later = new long[_nodeCount];
                Array.Fill(later, long.MinValue);
            }
            later[b.FromNode] = Math.Max(later[b.FromNode], b.Bound);
        }
        else if (b.Window == _window && _running && b.Bound > _bound[b.FromNode])
        {
            _bound[b.FromNode] = b.Bound;
            if (_outstanding == 0) Step();
        }
        TryCheckpoint();
        TryStartWindow();
        TryCollectFinals();
    }

    /// <summary>True once every event other nodes sent in <paramref name="window"/> has arrived.</summary>
    private bool Received(long window, long[] expected)
    {
        long[] got = _receivedIn.TryGetValue(window, out var counts) ? counts : new long[_nodeCount];
        for (int n = 0; n < got.Length; n++)
            if (got[n] < expected[n]) return false; // still in flight
        for (int n = 0; n < got.Length; n++)
            if (got[n] > expected[n])
                throw new InvalidOperationException($"node {_state.Node} received {got[n]} events from node {n} in window {window}, expected {expected[n]}");
        return true;
    }

    private void TryCheckpoint()
    {
        if (_checkpoint is not { } c || _running || _outstanding > 0 || _capturePending > 0) return;
        try
        {
            if (!Received(c.Window, c.ExpectedFrom)) return;
        }
        catch (InvalidOperationException ex)
        {
            _coordinator.Tell(new RunFailed(ex.Message));
            return;
        }
        _capturePending = _entities.Length;
        _savePending = _entities.Length;
        _savingK = c.K;
        if (_entities.Length == 0)
        {
            _checkpoint = null;
            _coordinator.Tell(new NodeCheckpointCaptured(_state.Node, c.K));
            _coordinator.Tell(new NodeCheckpointDone(_state.Node, c.K));
            return;
        }
        for (int i = 0; i < _entities.Length; i++)
            _entities[i].Tell(new TakeCheckpoint(c.K, c.TimeMicros, _state.PeekInbox(i).ToArray()));
    }

    private void OnCheckpointCaptured(CheckpointCaptured captured)
    {
        if (--_capturePending > 0) return;
        _checkpoint = null;
        _coordinator.Tell(new NodeCheckpointCaptured(_state.Node, captured.K));
        TryStartWindow();
    }

    private void OnCheckpointSaved(CheckpointSaved saved)
    {
        if (saved.Error is string error)
        {
            _coordinator.Tell(new RunFailed(error));
            return;
        }
        _savePending--;
        if (_savePending == _entities.Length / 2) CrashHook.At($"checkpoint:{_savingK}:partial");
        if (_savePending > 0) return;
        _coordinator.Tell(new NodeCheckpointDone(_state.Node, _savingK));
    }

    private void TryStartWindow()
    {
        if (_waiting is not { } w || _running || _outstanding > 0 || _checkpoint is not null || _capturePending > 0) return;
        long prev = w.Window - 1;
        try
        {
            if (!Received(prev, w.ExpectedFrom)) return;
        }
        catch (InvalidOperationException ex)
        {
            _coordinator.Tell(new RunFailed(ex.Message));
            return;
        }
        _receivedIn.Remove(prev);
        _waiting = null;
        _window = w.Window;
        _windowEvents = 0;
        _windowActivations = 0;
        _steps = 0;
        _waits = 0;
        _stalled = false;
        _batchesSent = 0;
        _bytesSent = 0;
        _sentMin = long.MaxValue;
        Array.Clear(_sentThisWindow);
        _leaseEnd = w.LeaseEnd;
        _leased = w.LeaseEnd > w.Horizon && _peers.Length > 1;
        // Up to the horizon every node may go at once (the coordinator promised that for all of them).
        Array.Fill(_bound, w.Horizon);
        Array.Fill(_promised, w.Horizon);
        _bound[_state.Node] = long.MaxValue;
        if (_laterBounds.Remove(_window, out var later))
            for (int n = 0; n < later.Length; n++) _bound[n] = Math.Max(_bound[n], later[n]);
        _running = true;
        Step();
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
    /// Runs the next sub-window: the node's entities with events before <c>h</c>, all at once. <c>h</c> is at most
    /// the model's own lookahead after the earliest local event (events between local entities need no
    /// coordinator) and never beyond what the peers promised; events to other nodes land at or after the window's
    /// horizon or this node's promise, because nodes are placed so that links between them are at least that slow.
    /// When nothing can run, the window is finished or the node waits for a promise.
    /// </summary>
    private void Step()
    {
        if (!_running) return;
        long safe = Safe;
        long min = _state.PendingMin;
        if (min >= safe)
        {
            if (safe >= _leaseEnd) FinishWindow();
            else if (SendBatches(blocked: true) && !_stalled)
            {
                _stalled = true;
                _waits++;
            }
            return;
        }
        _stalled = false;
        if (_leased) SendBatches(blocked: false);
        long h = min >= safe - _localLookahead ? safe : min + _localLookahead;
        _state.CollectActivations(h, _active);
        _outstanding = _active.Count;
        if (_outstanding == 0)
        {
            _coordinator.Tell(new RunFailed($"node {_state.Node}: no entity holds the earliest pending event {new SimTime(min)}"));
            return;
        }
        _steps++;
        _windowActivations += _active.Count;
        foreach (int local in _active)
        {
            var a = _activations[local];
            a.IsInit = false;
            a.Horizon = h;
            a.Inbox = _state.TakeInbox(local);
            _entities[local].Tell(a, ActorRefs.NoSender);
        }
    }

    private void OnActivationDone(Activation a)
    {
        if (a.Error is string error)
        {
            _coordinator.Tell(new RunFailed(error));
            a.Error = null;
            return;
        }
        _windowEvents += a.Handled;
        if (!a.IsInit) _state.Recycle(a.Inbox);
        _state.Complete(a.Local, a.NextTime, a.Outgoing);
        a.Outgoing.Clear();
        if (--_outstanding > 0) return;
        Step();
    }

    /// <summary>
    /// Sends each peer the events for it and this node's promise: it has processed everything before
    /// <c>min(earliest pending, safe)</c>, and whatever it processes later (including anything still to arrive,
    /// which lands at or after <c>safe</c>) reaches another node one cross-node lookahead later at the soonest.
    /// While working it sends only promises that moved by a lookahead; when it waits (<paramref name="blocked"/>) or
    /// finishes, it sends whatever a peer lacks. Returns false when the run failed.
    /// </summary>
    private bool SendBatches(bool blocked, bool final = false)
    {
        long safe = Safe;
        long from = Math.Min(_state.PendingMin, safe);
        long bound = from >= long.MaxValue - _crossLookahead ? long.MaxValue : from + _crossLookahead;
        for (int n = 0; n < _peers.Length; n++)
        {
            if (n == _state.Node) continue;
            var batch = _state.Outbound[n];
            // A promise matters up to the window's end; while working, only one that moved by a whole lookahead is worth a
            // message (models whose own lookahead is far shorter than the one between nodes take many sub-windows per step).
            bool moved = _promised[n] < _leaseEnd && bound > _promised[n] && (blocked || bound - _promised[n] >= _crossLookahead);
            // A finished node owes its events and a promise that covers the window's end; a working one sends with promises.
            bool owed = final && (batch.Count > 0 || _promised[n] < _leaseEnd);
            if (!moved && !owed) continue;
            if (_window > 0 && batch.Count > 0 && _state.OutboundMin[n] < _promised[n])
            {
                _coordinator.Tell(new RunFailed($"an event for node {n} at {new SimTime(_state.OutboundMin[n])} would arrive before {new SimTime(_promised[n])}, which this node promised: "
                    + "a link between nodes is faster than the placement assumed (check the model's declared links)"));
                _running = false;
                return false;
            }
            foreach (var e in batch)
                if (e.Time >= _leaseEnd && e.Time < _sentMin) _sentMin = e.Time;
            var data = EventBatchCodec.Encode(batch, _model.Codec, _encodeBuffer);
            _peers[n].Tell(new EventBatch(_state.Node, _window, batch.Count, data, bound));
            _sentThisWindow[n] += batch.Count;
            _batchesSent++;
            _bytesSent += data.Length;
            if (bound > _promised[n]) _promised[n] = bound;
            _state.ClearOutbound(n);
        }
        return true;
    }

    private void FinishWindow()
    {
        if (!SendBatches(blocked: true, final: true)) return;
        _running = false;
        long min = Math.Min(_state.PendingMin, _sentMin);
        _coordinator.Tell(new NodeWindowReport(_state.Node, _window, min, (long[])_sentThisWindow.Clone(), _window == 0 ? _entities.Length : _windowActivations,
            _windowEvents, _state.CrossEntityEvents, _batchesSent, _bytesSent, _steps, _waits));
        TryStartWindow();
    }

    /// <summary>Final states are taken once the last window's batches are in: their events are pending state.</summary>
    private void TryCollectFinals()
    {
        if (_collect is not { } c) return;
        try
        {
            if (!Received(c.AfterWindow, c.ExpectedFrom)) return;
        }
        catch (InvalidOperationException ex)
        {
            _coordinator.Tell(new RunFailed(ex.Message));
            return;
        }
        _collect = null;
        RequestFinals();
    }

    private void RequestFinals()
    {
        _finals = new EntityFinal[_entities.Length];
        _finalsPending = _entities.Length;
        if (_finalsPending == 0)
        {
            _finalReplyTo.Tell(new NodeFinalReport(_state.Node, _finals));
            return;
        }
        for (int i = 0; i < _entities.Length; i++)
            _entities[i].Tell(new FinalRequest(_state.PeekInbox(i).ToArray()));
    }
}
