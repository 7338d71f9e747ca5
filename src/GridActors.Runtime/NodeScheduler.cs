using Akka.Actor;
using GridActors.Kernel;

namespace GridActors.Runtime;

/// <summary>
/// One per node. Drives the node's entity actors through each window the coordinator opens
/// (activating only the entities that have work), routes the events they emit — to local inboxes or,
/// batched per destination node, to other nodes — and reports one summary per window: earliest
/// pending time and how many events it sent to each node, so the coordinator can make sure no window
/// opens while an event is in flight (DESIGN §4).
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
    private long _horizon = long.MinValue;    // the open global window's end (no sub-windows while initialising)
    private long _localLookahead;
    private int _windowActivations;
    private StartWindow? _waiting;
    private long[] _receivedFrom = [];
    private readonly Dictionary<long, List<EventBatch>> _early = [];
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
                _state.AcceptRemote(EventBatchCodec.Decode(new EventBatch(-1, -1, x.Count, x.Data), _model.Codec));
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
        _horizon = long.MinValue;
        _receivedFrom = new long[init.NodeCount];
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
        _outstanding = local.Count;
        if (_outstanding == 0) FinishWindow();
        for (int i = 0; i < local.Count; i++) _entities[i].Tell(_activations[i], ActorRefs.NoSender);
    }

    private void OnBatch(EventBatch b)
    {
        // A batch belongs to the window that produced it; it is accepted right away (events land at or
        // after that window's horizon, so they can wait in inboxes) and counted for the next start.
        _state.AcceptRemote(EventBatchCodec.Decode(b, _model.Codec));
        if (!_early.TryGetValue(b.Window, out var list)) _early[b.Window] = list = [];
        list.Add(b);
        TryCheckpoint();
        TryStartWindow();
        TryCollectFinals();
    }

    /// <summary>True once every event other nodes sent in <paramref name="window"/> has arrived.</summary>
    private bool Received(long window, long[] expected)
    {
        long[] got = new long[_receivedFrom.Length];
        if (_early.TryGetValue(window, out var batches))
            foreach (var b in batches) got[b.FromNode] += b.Count;
        for (int n = 0; n < got.Length; n++)
            if (got[n] < expected[n]) return false; // still in flight
        for (int n = 0; n < got.Length; n++)
            if (got[n] > expected[n])
                throw new InvalidOperationException($"node {_state.Node} received {got[n]} events from node {n} in window {window}, expected {expected[n]}");
        return true;
    }

    private void TryCheckpoint()
    {
        if (_checkpoint is not { } c || _outstanding > 0 || _capturePending > 0) return;
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
        if (_waiting is not { } w || _outstanding > 0 || _checkpoint is not null || _capturePending > 0) return;
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
        _early.Remove(prev);
        _waiting = null;
        _window = w.Window;
        _windowEvents = 0;
        _windowActivations = 0;
        _horizon = w.Horizon;
        StartSubWindow();
    }

    /// <summary>
    /// Steps the node's own entities through the global window in sub-windows of the model's lookahead:
    /// events between local entities need no coordinator, only those to other nodes (which land at or after
    /// the global horizon, because nodes are placed so that links between them are at least that slow).
    /// </summary>
    private void StartSubWindow()
    {
        long min = _state.LocalMin;
        long h = Math.Min(min >= _horizon - _localLookahead ? _horizon : min + _localLookahead, _horizon);
        _state.CollectActivations(h, _active);
        _outstanding = _active.Count;
        if (_outstanding == 0)
        {
            FinishWindow();
            return;
        }
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
        if (_state.LocalMin < _horizon) StartSubWindow();
        else FinishWindow();
    }

    private void FinishWindow()
    {
        long min = _state.LocalMin;
        var sent = new long[_state.Outbound.Length];
        int batches = 0;
        long bytes = 0;
        for (int n = 0; n < sent.Length; n++)
        {
            var batch = _state.Outbound[n];
            if (batch.Count == 0) continue;
            if (_window > 0 && _state.OutboundMin[n] < _horizon)
            {
                _coordinator.Tell(new RunFailed($"an event for node {n} at {new SimTime(_state.OutboundMin[n])} would arrive before the window end {new SimTime(_horizon)}: "
                    + "a link between nodes is faster than the placement assumed (check the model's declared links)"));
                return;
            }
            sent[n] = batch.Count;
            var data = EventBatchCodec.Encode(batch, _model.Codec, _encodeBuffer);
            batches++;
            bytes += data.Length;
            _peers[n].Tell(new EventBatch(_state.Node, _window, batch.Count, data));
        }
        _state.ClearOutbound();
        _coordinator.Tell(new NodeWindowReport(_state.Node, _window, min, sent, _window == 0 ? _entities.Length : _windowActivations, _windowEvents, _state.CrossEntityEvents, batches, bytes));
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
