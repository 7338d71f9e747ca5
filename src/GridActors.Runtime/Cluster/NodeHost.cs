using System.Globalization;
using Akka.Actor;
using GridActors.Kernel;

namespace GridActors.Runtime.Cluster;

/// <summary>
/// One per cluster node at <c>/user/node-host</c>. On <see cref="StartIncarnation"/> it builds the model from
/// its spec (cached while the spec stays the same) and creates the node scheduler that hosts this node's
/// entity actors; on <see cref="AbortIncarnation"/> it lets the entities finish any checkpoint write, stops
/// them and confirms. If the coordinator goes away, the incarnation is stopped.
/// </summary>
public sealed class NodeHost : UntypedActor
{
    public const string Name = "node-host";
    private readonly IModelFactory _factory;
    private readonly bool _hasStore;
    private (string Hash, ISimModel Model)? _cached;
    private IActorRef? _scheduler;
    private int _incarnation = -1;
    private int _node;
    private IActorRef? _coordinator;
    private IActorRef? _abortReplyTo;
    private int _counter;

    public NodeHost(IModelFactory factory, bool hasStore)
    {
        _factory = factory;
        _hasStore = hasStore;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartIncarnation s:
                Start(s);
                break;
            case AbortIncarnation a when a.Incarnation == _incarnation && _scheduler is not null:
                _abortReplyTo = Sender;
                _scheduler.Tell(Quiesce.Instance);
                break;
            case AbortIncarnation a:
                Sender.Tell(new IncarnationAborted(a.Incarnation, _node));
                break;
            case Quiesced when _scheduler is not null && Sender.Equals(_scheduler):
                Context.Stop(_scheduler);
                break;
            case Terminated t when _scheduler is not null && t.ActorRef.Equals(_scheduler):
                _scheduler = null;
                _abortReplyTo?.Tell(new IncarnationAborted(_incarnation, _node));
                _abortReplyTo = null;
                break;
            case Terminated t when _coordinator is not null && t.ActorRef.Equals(_coordinator):
                // The coordinator's process is gone: the run is interrupted; `gridactors resume` continues it.
                _coordinator = null;
                if (_scheduler is not null) Context.Stop(_scheduler);
                break;
            case Terminated:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Start(StartIncarnation s)
    {
        if (_scheduler is not null)
        {
            Context.Unwatch(_scheduler);
            Context.Stop(_scheduler);
            _scheduler = null;
        }
        _incarnation = s.Incarnation;
        _node = s.Node;
        if (_coordinator is not null && !_coordinator.Equals(Sender)) Context.Unwatch(_coordinator);
        _coordinator = Sender;
        Context.Watch(_coordinator);
        if (s.PersistencePrefix is not null && !_hasStore)
        {
            Sender.Tell(new IncarnationFailed(s.Incarnation, s.Node,
                $"node {Akka.Cluster.Cluster.Get(Context.System).SelfAddress} has no store for checkpoints; start it with --db PATH or --postgres CONN"));
            return;
        }
        ISimModel model;
        try
        {
            if (_cached is not { } c || c.Hash != s.Spec.Hash) _cached = (s.Spec.Hash, _factory.Build(s.Spec));
            model = _cached.Value.Model;
        }
        catch (Exception ex)
        {
            Sender.Tell(new IncarnationFailed(s.Incarnation, s.Node, $"node {Akka.Cluster.Cluster.Get(Context.System).SelfAddress} cannot build model '{s.Spec.Name}': {ex.Message}"));
            return;
        }
        var settings = new RunSettings(s.Seed, new SimTime(s.EndMicros));
        var props = Props.Create(() => new NodeScheduler(model, settings, null, ActorExecutor.Dispatcher, s.PersistencePrefix))
            .WithDispatcher(ActorExecutor.Dispatcher);
        _scheduler = Context.ActorOf(props, "run-" + (++_counter).ToString(CultureInfo.InvariantCulture) + "-i" + s.Incarnation.ToString(CultureInfo.InvariantCulture));
        Context.Watch(_scheduler);
        Sender.Tell(new IncarnationReady(s.Incarnation, s.Node, _scheduler, Environment.ProcessId, Environment.MachineName));
    }
}
