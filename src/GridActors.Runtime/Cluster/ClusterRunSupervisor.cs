using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Runtime.Checkpoints;

namespace GridActors.Runtime.Cluster;

/// <summary>A clustered run: the model (built locally for the coordinator's own bookkeeping), its spec for the
/// other nodes, how many nodes to wait for, and persistence (null = no checkpoints; a lost node then restarts the run from the beginning).
/// <paramref name="Truncate"/> deletes everything a run wrote after complete checkpoint K (called before a re-placement resumes from it).</summary>
public sealed record ClusterRunPlan(string RunId, ModelSpec Spec, ISimModel Model, RunSettings Settings, int MinNodes,
    PersistenceOptions? Persistence = null, Action<int>? Truncate = null, TimeSpan? JoinTimeout = null, RunControl? Control = null);

/// <summary>Where a node of the run lives and how many entities it hosts.</summary>
public sealed record NodePlacement(int Node, string Address, string Host, int ProcessId, int Entities);

/// <summary>One re-placement after a node loss: which nodes were lost, the checkpoint the run continued from,
/// and the wall time from the first sign of trouble (unreachable or removed) to the restarted run.</summary>
public sealed record Failover(int Incarnation, string[] Lost, int FromCheckpoint, double FromSimulatedSeconds, double WallSeconds);

public sealed record ClusterRunResult(RunResult Result, IReadOnlyList<NodePlacement> Placement, IReadOnlyList<Failover> Failovers, int Incarnations);

/// <summary>
/// The run's coordinator, a cluster singleton (role <c>coordinator</c>). It waits for enough worker nodes,
/// places the entities over them in contiguous blocks, lets a <see cref="RunCoordinator"/> drive the windows
/// over the nodes' schedulers, and when a node is lost (downed by the split-brain resolver, or its scheduler
/// terminated) it ends the incarnation on the survivors, rolls the store back to the last complete checkpoint
/// and starts the next incarnation from it on the nodes that are left. Same checkpoint, same digest.
/// </summary>
public sealed class ClusterRunSupervisor : UntypedActor
{
    private enum Phase { Waiting, Starting, Running, Aborting, Done }

    private readonly ClusterRunPlan _plan;
    private readonly TaskCompletionSource<ClusterRunResult> _completion;
    private readonly Action<RunProgress>? _progress;
    private readonly Action<string>? _log;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly Dictionary<Address, IActorRef> _hosts = [];
    private readonly HashSet<Address> _up = [];
    private readonly HashSet<Address> _unreachable = [];
    private Phase _phase = Phase.Waiting;
    private int _incarnation;
    private List<Address> _participants = [];
    private IActorRef?[] _schedulers = [];
    private NodePlacement?[] _placement = [];
    private readonly HashSet<Address> _awaiting = [];
    private IActorRef? _coordinator;
    private IActorRef? _journal;
    private int _resumeK;
    private long _resumeMicros;
    private bool _resume;
    private readonly List<Failover> _failovers = [];
    private readonly List<string> _lost = [];
    private readonly Stopwatch _troubleClock = new();
    private ICancelable? _joinTimeout;

    private sealed record JoinTimedOut : INoSerializationVerificationNeeded;
    private sealed record IncarnationResult(int Incarnation, RunResult? Result, Exception? Error) : INoSerializationVerificationNeeded;

    public ClusterRunSupervisor(ClusterRunPlan plan, TaskCompletionSource<ClusterRunResult> completion,
        Action<RunProgress>? progress, Action<string>? log)
    {
        _plan = plan;
        _completion = completion;
        _progress = progress;
        _log = log;
        if (plan.Persistence is { } p)
        {
            _resume = p.Resume;
            _resumeK = p.ResumeK;
            _resumeMicros = p.ResumeMicros;
        }
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        if (_plan.Persistence is { } p)
            _journal = Context.ActorOf(Props.Create(() => new CheckpointJournal(PersistenceIds.Coordinator(p.Prefix))), "checkpoint-journal");
        var timeout = _plan.JoinTimeout ?? TimeSpan.FromSeconds(60);
        _joinTimeout = Context.System.Scheduler.ScheduleTellOnceCancelable(timeout, Self, new JoinTimedOut(), Self);
        Log($"coordinator on {_cluster.SelfAddress}: waiting for {_plan.MinNodes} worker node(s)");
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _joinTimeout?.Cancel();
        _completion.TrySetException(new SimulationFailedException("the run coordinator stopped before the run finished"));
    }

    private void Log(string message) => _log?.Invoke(message);

    protected override void OnReceive(object message)
    {
        if (_phase == Phase.Done) return;
        switch (message)
        {
            case ClusterEvent.MemberUp up when up.Member.HasRole(ClusterNodeOptions.WorkerRole):
                _up.Add(up.Member.Address);
                Context.ActorSelection(new RootActorPath(up.Member.Address) / "user" / NodeHost.Name).Tell(new Identify(up.Member.Address));
                break;
            case ActorIdentity { Subject: not null } id when id.MessageId is Address a && _up.Contains(a):
                _hosts[a] = id.Subject;
                Log($"node {a} joined ({_hosts.Count} worker node(s) up)");
                if (_phase == Phase.Waiting && _hosts.Count >= _plan.MinNodes) StartIncarnation();
                break;
            case ActorIdentity id when id.MessageId is Address a:
                if (_up.Contains(a)) Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(200),
                    Context.ActorSelection(new RootActorPath(a) / "user" / NodeHost.Name), new Identify(a), Self);
                break;
            case ClusterEvent.UnreachableMember u:
                _unreachable.Add(u.Member.Address);
                if (_participants.Contains(u.Member.Address))
                {
                    if (!_troubleClock.IsRunning) _troubleClock.Restart();
                    Log($"node {u.Member.Address} unreachable; waiting for the split-brain resolver");
                }
                break;
            case ClusterEvent.ReachableMember r:
                _unreachable.Remove(r.Member.Address);
                break;
            case ClusterEvent.MemberRemoved removed:
                NodeGone(removed.Member.Address, "removed from the cluster");
                break;
            case ClusterEvent.MemberDowned downed:
                NodeGone(downed.Member.Address, "downed");
                break;
            case ClusterEvent.MemberLeft left:
                NodeGone(left.Member.Address, "leaving the cluster");
                break;
            case ClusterEvent.IMemberEvent or ClusterEvent.IReachabilityEvent:
                break;
            case Terminated t:
                int i = Array.FindIndex(_schedulers, s => s is not null && s.Equals(t.ActorRef));
                if (i >= 0) NodeGone(_participants[i], "its scheduler stopped");
                break;
            case IncarnationReady r when r.Incarnation == _incarnation && _phase == Phase.Starting:
                _schedulers[r.Node] = r.Scheduler;
                Context.Watch(r.Scheduler);
                _awaiting.Remove(_participants[r.Node]);
                _placement[r.Node] = new NodePlacement(r.Node, _participants[r.Node].ToString(), r.Host, r.ProcessId, 0);
                if (_awaiting.Count == 0) BeginRun();
                break;
            case IncarnationFailed f when f.Incarnation == _incarnation:
                Fail(f.Reason);
                break;
            case IncarnationAborted a when a.Incarnation == _incarnation && _phase == Phase.Aborting:
                if (a.Node < _participants.Count) _awaiting.Remove(_participants[a.Node]);
                if (_awaiting.Count == 0) AfterAbort();
                break;
            case CheckpointJournal.Marked m when _phase == Phase.Aborting:
                Restart(m);
                break;
            case IncarnationResult r when r.Incarnation == _incarnation && _phase == Phase.Running:
                if (r.Error is not null) Fail(r.Error.Message);
                else Finish(r.Result!);
                break;
            case JoinTimedOut when _phase == Phase.Waiting:
                Fail($"only {_hosts.Count} of {_plan.MinNodes} worker node(s) joined the cluster at {_cluster.SelfAddress} within {(_plan.JoinTimeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s");
                break;
            case JoinTimedOut:
            case IncarnationReady or IncarnationAborted or IncarnationResult or CheckpointJournal.Marked or ActorIdentity:
                break; // from an incarnation that is over
            default:
                Unhandled(message);
                break;
        }
    }

    private void StartIncarnation()
    {
        _joinTimeout?.Cancel();
        var self = _cluster.SelfAddress;
        _participants = _hosts.Keys.Where(a => _up.Contains(a) && !_unreachable.Contains(a))
            .OrderBy(a => a == self ? 0 : 1).ThenBy(a => a.Host, StringComparer.Ordinal).ThenBy(a => a.Port ?? 0).ToList();
        _incarnation++;
        _phase = Phase.Starting;
        _schedulers = new IActorRef?[_participants.Count];
        _placement = new NodePlacement?[_participants.Count];
        _awaiting.Clear();
        string? prefix = _plan.Persistence?.Prefix;
        for (int n = 0; n < _participants.Count; n++)
        {
            _awaiting.Add(_participants[n]);
            _hosts[_participants[n]].Tell(new StartIncarnation(_plan.RunId, _incarnation, _plan.Spec, _plan.Settings.Seed, _plan.Settings.End.Micros,
                n, _participants.Count, prefix));
        }
    }

    private void BeginRun()
    {
        var nodes = _schedulers.Select(s => s!).ToArray();
        var placement = Placement.Plan(_plan.Model, nodes.Length);
        var nodeOf = placement.NodeOf;
        var counts = new int[nodes.Length];
        foreach (var n in nodeOf) counts[n]++;
        for (int n = 0; n < nodes.Length; n++) _placement[n] = _placement[n]! with { Entities = counts[n] };
        CheckpointSetup? checkpoints = null;
        if (_plan.Persistence is { } p)
            checkpoints = new CheckpointSetup(new CheckpointPlan(p.CheckpointEveryMicros, _resumeK, _resumeMicros, _resume), _journal!, p.OnCheckpoint);
        var tcs = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        int incarnation = _incarnation;
        tcs.Task.ContinueWith(t => (object)new IncarnationResult(incarnation, t.IsCompletedSuccessfully ? t.Result : null,
            t.IsCompletedSuccessfully ? null : (Exception?)t.Exception?.GetBaseException() ?? new SimulationFailedException("cancelled")),
            TaskScheduler.Default).PipeTo(Self);
        _coordinator = Context.ActorOf(Props.Create(() => new RunCoordinator(_plan.Model, _plan.Settings, nodes, nodeOf, placement.CrossLookahead, tcs, _progress, checkpoints, _plan.Control, true))
            .WithDispatcher(ActorExecutor.Dispatcher), "windows-" + _incarnation.ToString(CultureInfo.InvariantCulture));
        _phase = Phase.Running;
        if (_lost.Count > 0)
        {
            _failovers.Add(new Failover(_incarnation, _lost.ToArray(), _resume ? _resumeK : 0, _resume ? _resumeMicros / (double)SimTime.MicrosPerSecond : 0, _troubleClock.Elapsed.TotalSeconds));
            _lost.Clear();
            _troubleClock.Reset();
        }
        Log($"run {_plan.RunId} incarnation {_incarnation} on {nodes.Length} node(s): "
            + string.Join(", ", _placement.Select(p => $"{p!.Address} ({p.Entities} entities)"))
            + $"; placement: {placement.Method}, nodes synchronise every "
            + (placement.CrossLookahead >= Placement.Unbounded ? "checkpoint or minute" : $"{placement.CrossLookahead / (double)SimTime.MicrosPerSecond:0.######} s")
            + (_resume ? $" — from checkpoint #{_resumeK} at {_resumeMicros / (double)SimTime.MicrosPerHour:0.###} h" : ""));
        _coordinator.Tell(RunCoordinator.Begin.Instance);
    }

    private void NodeGone(Address address, string why)
    {
        _up.Remove(address);
        _hosts.Remove(address);
        if (!_participants.Contains(address)) return;
        if (address == _cluster.SelfAddress) return; // this process is going down itself
        switch (_phase)
        {
            case Phase.Starting or Phase.Running:
                if (!_troubleClock.IsRunning) _troubleClock.Restart();
                _lost.Add(address.ToString());
                Log($"node {address} lost ({why}) during incarnation {_incarnation}");
                Abort();
                break;
            case Phase.Aborting:
                if (_awaiting.Remove(address))
                {
                    _lost.Add(address.ToString());
                    if (_awaiting.Count == 0) AfterAbort();
                }
                break;
        }
    }

    /// <summary>Ends the current incarnation: the window driver stops, the survivors finish any write in progress and stop their entities.</summary>
    private void Abort()
    {
        _phase = Phase.Aborting;
        if (_coordinator is not null) Context.Stop(_coordinator);
        _coordinator = null;
        foreach (var s in _schedulers) if (s is not null) Context.Unwatch(s);
        _awaiting.Clear();
        for (int n = 0; n < _participants.Count; n++)
        {
            var a = _participants[n];
            if (!_hosts.TryGetValue(a, out var host) || _unreachable.Contains(a) && a != _cluster.SelfAddress) continue;
            _awaiting.Add(a);
            host.Tell(new AbortIncarnation(_incarnation));
        }
        if (_awaiting.Count == 0) AfterAbort();
    }

    private void AfterAbort()
    {
        if (_journal is null)
        {
            Restart(new CheckpointJournal.Marked(0, 0));
            return;
        }
        _journal.Ask<CheckpointJournal.Marked>(new CheckpointJournal.GetLast(), TimeSpan.FromSeconds(60)).PipeTo(Self);
    }

    private void Restart(CheckpointJournal.Marked last)
    {
        if (_plan.Persistence is not null)
        {
            // Everything written after the last complete checkpoint goes: the next incarnation starts from it.
            try { _plan.Truncate?.Invoke(last.K); }
            catch (Exception ex)
            {
                Fail($"could not roll the store back to checkpoint #{last.K}: {ex.Message}");
                return;
            }
            _resume = last.K > 0;
            _resumeK = last.K;
            _resumeMicros = last.TimeMicros;
        }
        if (_hosts.Count == 0)
        {
            Fail("no worker node is left");
            return;
        }
        Log(_plan.Persistence is null
            ? "restarting from the beginning (this run keeps no checkpoints)"
            : last.K > 0 ? $"resuming from checkpoint #{last.K} at {last.TimeMicros / (double)SimTime.MicrosPerHour:0.###} h" : "restarting from the beginning (no complete checkpoint yet)");
        StartIncarnation();
    }

    private void Finish(RunResult result)
    {
        _phase = Phase.Done;
        _completion.TrySetResult(new ClusterRunResult(result, _placement.Select(p => p!).ToArray(), _failovers.ToArray(), _incarnation));
    }

    private void Fail(string reason)
    {
        _phase = Phase.Done;
        if (_coordinator is not null) Context.Stop(_coordinator);
        foreach (var a in _participants)
            if (_hosts.TryGetValue(a, out var host)) host.Tell(new AbortIncarnation(_incarnation));
        _completion.TrySetException(new SimulationFailedException(reason));
    }
}
