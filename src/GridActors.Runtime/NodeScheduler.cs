using Akka.Actor;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;

namespace GridActors.Runtime;

/// <summary>
/// One per node: the actor host of a <see cref="NodeProtocol"/>. It creates the node's entity actors, hands the protocol what
/// arrives (requests from the coordinator, event batches and promises from peers, entities' answers) and carries out what the
/// protocol asks for (activations, batches, reports, checkpoint captures, final states) as messages. Every decision —
/// which entities run, how far, when to promise, when a window, checkpoint or final collection may start — is the
/// protocol's; this class only translates. On <see cref="Quiesce"/> (the run is re-placed after a node loss) it stops the
/// protocol and waits until no entity writes anything any more.
/// </summary>
public sealed class NodeScheduler : UntypedActor, INodeOutput
{
    private readonly ISimModel _model;
    private readonly RunSettings _settings;
    private readonly Rng? _shuffle;
    private readonly string _dispatcher;
    private readonly string? _persistencePrefix;
    private readonly MemoryStream _encodeBuffer = new();

    private IActorRef _coordinator = ActorRefs.Nobody;
    private IActorRef[] _peers = [];
    private IActorRef[] _entities = [];
    private Activation[] _activations = [];
    private NodeProtocol? _protocol;
    private int _node;

    private bool _quiescing;
    private int _quiescePending;
    private IActorRef? _quiesceReplyTo;

    public NodeScheduler(ISimModel model, RunSettings settings, int? shuffleSeed, string dispatcher, string? persistencePrefix = null)
    {
        _persistencePrefix = persistencePrefix;
        _model = model;
        _settings = settings;
        _shuffle = shuffleSeed is int s ? Rng.FromSeed((ulong)s) : null;
        _dispatcher = dispatcher;
    }

    /// <summary>Node peers (index = node number); set by the coordinator.</summary>
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
            case Activation a:
                if (a.Error is string error)
                {
                    a.Error = null;
                    Fail(error);
                    return;
                }
                // The protocol routes and clears the entity's outgoing events before it may activate the entity again.
                Protocol.ActivationDone(a.Local, a.NextTime, a.Outgoing, a.Handled, a.IsInit ? null : a.Inbox);
                break;
            case StartWindow or BeginCheckpoint or CollectFinal:
                Protocol.Request((IProtocolMessage)message);
                break;
            case EventBatch b:
                SimEvent[] events;
                try { events = EventBatchCodec.Decode(b, _model.Codec); }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or InvalidOperationException)
                {
                    Fail($"node {_node}: undecodable event batch from node {b.FromNode}: {ex.Message}");
                    return;
                }
                Protocol.Batch(b.FromNode, b.Window, events, b.Count, b.Bound);
                break;
            case ExternalBatch x:
                Protocol.External(EventBatchCodec.Decode(new EventBatch(-1, -1, x.Count, x.Data, long.MinValue), _model.Codec));
                break;
            case InitializeNode init:
                Initialize(init);
                break;
            case CheckpointCaptured c:
                Protocol.Captured(c.K);
                break;
            case CheckpointSaved saved:
                // Crash point for tests: the process dies while half of this node's entities have written the checkpoint.
                if (saved.Error is null && Protocol.SavesPending - 1 == _entities.Length / 2) CrashHook.At($"checkpoint:{saved.K}:partial");
                Protocol.Saved(saved.K, saved.Error);
                break;
            case EntityFinalReport f:
                Protocol.Final(Protocol.State.LocalIndexOf(f.Final.Id), f.Final);
                break;
            case Peers p:
                _peers = p.Nodes;
                break;
            case Quiesce:
                _protocol?.Stop();
                _quiescing = true;
                _quiesceReplyTo = Sender;
                _quiescePending = _persistencePrefix is null ? 0 : _entities.Length;
                if (_quiescePending == 0) Sender.Tell(new Quiesced(-1));
                else foreach (var e in _entities) e.Tell(Quiesce.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private NodeProtocol Protocol => _protocol ?? throw new InvalidOperationException("node scheduler used before InitializeNode");

    private void Initialize(InitializeNode init)
    {
        _coordinator = Sender;
        _node = init.Node;
        var local = new List<int>();
        for (int id = 0; id < init.NodeOf.Length; id++)
            if (init.NodeOf[id] == init.Node) local.Add(id);
        var state = new NodeWindowState(init.Node, local, init.NodeOf, init.NodeCount, _shuffle);
        _protocol = new NodeProtocol(state, init.NodeCount, ModelChecks.MinLookahead(_model), init.CrossLookahead, this);
        _entities = new IActorRef[local.Count];
        _activations = new Activation[local.Count];
        for (int i = 0; i < local.Count; i++)
        {
            int id = local[i];
            var self = Self;
            var props = (_persistencePrefix is null
                ? Props.Create(() => new EntityActor(_model, id, _settings, self))
                : Props.Create(() => new PersistentEntityActor(_model, id, _settings, self, Checkpoints.PersistenceIds.Entity(_persistencePrefix, _model.EntityKey(id)), init.Resume)))
                .WithDispatcher(_dispatcher);
            _entities[i] = Context.ActorOf(props, "e" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _activations[i] = new Activation(i);
        }
        _protocol.Start();
    }

    private void Fail(string reason)
    {
        _protocol?.Stop();
        _coordinator.Tell(new RunFailed(reason));
    }

    // --- what the protocol asks for ---

    void INodeOutput.Initialise(int local)
    {
        var a = _activations[local];
        a.IsInit = true;
        _entities[local].Tell(a, ActorRefs.NoSender);
    }

    void INodeOutput.Activate(int local, long horizon, List<SimEvent> inbox)
    {
        var a = _activations[local];
        a.IsInit = false;
        a.Horizon = horizon;
        a.Inbox = inbox;
        _entities[local].Tell(a, ActorRefs.NoSender);
    }

    int INodeOutput.SendBatch(int toNode, long window, List<SimEvent> events, long bound)
    {
        var data = EventBatchCodec.Encode(events, _model.Codec, _encodeBuffer);
        _peers[toNode].Tell(new EventBatch(_node, window, events.Count, data, bound));
        return data.Length;
    }

    void INodeOutput.Report(NodeWindowReport report) => _coordinator.Tell(report);

    void INodeOutput.Capture(int k, long timeMicros)
    {
        for (int i = 0; i < _entities.Length; i++)
            _entities[i].Tell(new TakeCheckpoint(k, timeMicros, [.. Protocol.PeekInbox(i)]));
    }

    void INodeOutput.CheckpointCaptured(int k) => _coordinator.Tell(new NodeCheckpointCaptured(_node, k));

    void INodeOutput.CheckpointSaved(int k) => _coordinator.Tell(new NodeCheckpointDone(_node, k));

    void INodeOutput.CollectFinals()
    {
        for (int i = 0; i < _entities.Length; i++)
            _entities[i].Tell(new FinalRequest([.. Protocol.PeekInbox(i)]));
    }

    void INodeOutput.Finals(EntityFinal[] finals) => _coordinator.Tell(new NodeFinalReport(_node, finals));

    void INodeOutput.Fail(string reason) => _coordinator.Tell(new RunFailed(reason));
}
