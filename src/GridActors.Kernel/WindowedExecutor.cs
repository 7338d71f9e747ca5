using GridActors.Kernel.Protocol;

namespace GridActors.Kernel;

/// <summary>How the windowed executor runs.</summary>
/// <param name="Nodes">Simulated nodes: entities are placed on them as a cluster would place them (<see cref="Placement.Plan"/>).</param>
/// <param name="Leases">Let the coordinator open multi-window leases between nodes, as it does between cluster nodes.</param>
/// <param name="ShuffleSeed">Randomise, with this seed, the order in which entities run, inbox events are delivered and messages
/// between the protocol objects arrive (each sender→receiver pair stays FIFO, as Akka guarantees). The digest must not change.</param>
/// <param name="Checkpoints">Take checkpoints (state captured in memory, written "later" on a storage channel); a resumed run starts
/// from <see cref="WindowedCheckpoint"/>.</param>
/// <param name="Injections">Live fault injections (drained at window boundaries, like the actor runtime).</param>
/// <param name="EncodeBatches">Send every batch between nodes through the model's payload codec (tests the codec as the cluster would).</param>
public sealed record WindowedOptions(int Nodes = 1, bool Leases = false, int? ShuffleSeed = null, CheckpointPlan? Checkpoints = null,
    InjectionGate? Injections = null, bool EncodeBatches = false);

/// <summary>A complete checkpoint of a windowed run: every entity's snapshot (<see cref="EntityHost.Save"/> including the
/// events waiting in its inbox), as an actor run stores it.</summary>
public sealed record WindowedCheckpoint(int K, long TimeMicros, IReadOnlyDictionary<int, byte[]> Snapshots);

/// <summary>
/// Conservative windowed execution on one thread, without actors: the very protocol objects the actor runtime drives
/// (<see cref="NodeProtocol"/> per node, one <see cref="CoordinatorProtocol"/>), connected by an in-memory message bus instead of
/// Akka. Each node steps its entities through the windows the coordinator opens; with several nodes, entities are placed as
/// on a cluster and nodes exchange event batches and promises, optionally inside leases; checkpoints are captured, written and
/// marked like the actors' (and a run can resume from one); injections are delivered at window boundaries. With a shuffle seed
/// the order of entities, inbox events and messages is randomised — the digest must not change (property tested). Wall time
/// for the lease policy is a virtual clock driven by the work done, so every run is reproducible.
/// </summary>
public sealed class WindowedExecutor(WindowedOptions? options = null)
{
    private readonly WindowedOptions _options = options ?? new WindowedOptions();

    public WindowedExecutor(int? shuffleSeed) : this(new WindowedOptions(ShuffleSeed: shuffleSeed)) { }

    /// <summary>Test hook: sees every entity host (and the events still waiting for each) at the end of the run.</summary>
    public Action<EntityHost[], Func<int, IReadOnlyList<SimEvent>>>? InspectHosts { get; init; }

    /// <summary>Complete checkpoints taken during the last run, in order.</summary>
    public List<WindowedCheckpoint> Checkpoints { get; } = [];

    /// <summary>Test hook: called after each checkpoint is complete (e.g. to submit an injection).</summary>
    public Action<WindowedCheckpoint>? OnCheckpoint { get; init; }

    /// <summary>Runs the model, from the start or from <paramref name="resume"/> (whose plan must be in the options).</summary>
    public RunResult Run(ISimModel model, RunSettings settings, WindowedCheckpoint? resume = null)
    {
        long lookahead = ModelChecks.MinLookahead(model);
        int n = model.EntityCount;
        int nodes = Math.Clamp(_options.Nodes, 1, n);
        var placement = Placement.Plan(model, nodes);
        var plan = _options.Checkpoints;
        if (resume is not null)
        {
            if (plan is null || !plan.Resume || plan.StartK != resume.K || plan.StartMicros != resume.TimeMicros)
                throw new ArgumentException($"resuming from checkpoint {resume.K} needs a plan that resumes from it");
        }
        Checkpoints.Clear();
        var run = new Execution(this, model, settings, placement, nodes, lookahead, resume);
        return run.Execute();
    }

    /// <summary>One execution: the bus, the nodes and the coordinator.</summary>
    private sealed class Execution : ICoordinatorOutput
    {
        private readonly WindowedExecutor _owner;
        private readonly ISimModel _model;
        private readonly RunSettings _settings;
        private readonly Bus _bus;
        private readonly EntityHost[] _hosts;
        private readonly bool[] _recovered;
        private readonly NodeHost[] _nodes;
        private readonly CoordinatorProtocol _coordinator;
        private readonly int _coordinatorChannel;
        private readonly int _storageChannel;
        private readonly Dictionary<int, byte[]> _captured = [];
        private long _capturedTime;
        private RunResult? _result;
        private string? _failure;
        private double _virtualSeconds;

        public Execution(WindowedExecutor owner, ISimModel model, RunSettings settings, Placement placement, int nodes, long lookahead, WindowedCheckpoint? resume)
        {
            _owner = owner;
            _model = model;
            _settings = settings;
            var options = owner._options;
            _bus = new Bus(options.ShuffleSeed is int s ? Rng.FromSeed((ulong)s ^ 0x9e3779b97f4a7c15) : null);
            int n = model.EntityCount;
            _hosts = new EntityHost[n];
            _recovered = new bool[n];
            for (int i = 0; i < n; i++)
            {
                _hosts[i] = new EntityHost(model, i, settings);
                if (resume is not null && resume.Snapshots.TryGetValue(i, out var bytes))
                {
                    using var r = new BinaryReader(new MemoryStream(bytes));
                    _hosts[i].Load(r);
                    _recovered[i] = true;
                }
            }
            _coordinatorChannel = nodes;
            _storageChannel = nodes + 1;
            _nodes = new NodeHost[nodes];
            for (int k = 0; k < nodes; k++)
            {
                var local = Enumerable.Range(0, n).Where(id => placement.NodeOf[id] == k).ToArray();
                var shuffle = options.ShuffleSeed is int seed ? Rng.FromSeed((ulong)(seed + k)) : null;
                var state = new NodeWindowState(k, local, placement.NodeOf, nodes, shuffle);
                _nodes[k] = new NodeHost(this, k, state, nodes, lookahead, placement.CrossLookahead);
            }
            _coordinator = new CoordinatorProtocol(model, settings, placement.NodeOf, nodes, placement.CrossLookahead,
                new CoordinatorOptions(options.Checkpoints, options.Leases, 0, options.Injections), this, () => _virtualSeconds);
        }

        public RunResult Execute()
        {
            _coordinator.Begin();
            while (_result is null && _failure is null && _bus.RunOne()) { }
            if (_failure is not null) throw new InvalidOperationException(_failure);
            if (_result is null) throw new InvalidOperationException($"the windowed run stalled in coordinator phase {_coordinator.Current} (window {_coordinator.Window}): no message left to deliver");
            if (_owner.InspectHosts is { } inspect)
            {
                var inboxes = new IReadOnlyList<SimEvent>[_hosts.Length];
                foreach (var node in _nodes)
                    for (int local = 0; local < node.State.LocalCount; local++) inboxes[node.State.GlobalIds[local]] = node.Protocol.PeekInbox(local);
                inspect(_hosts, id => inboxes[id]);
            }
            return _result;
        }

        // --- the coordinator's outputs ---

        public void InitializeNodes(int[] nodeOf, long crossLookahead, bool resume)
        {
            foreach (var node in _nodes) _bus.Send(_coordinatorChannel, node.Id, node.Protocol.Start);
        }

        public void Send(int node, IProtocolMessage request)
        {
            var target = _nodes[node].Protocol;
            _bus.Send(_coordinatorChannel, node, () => target.Request(request));
        }

        public void Deliver(int node, List<SimEvent> events)
        {
            var copy = events.ToArray();
            var target = _nodes[node].Protocol;
            _bus.Send(_coordinatorChannel, node, () => target.External(copy));
        }

        public void Mark(int k, long timeMicros, long window)
        {
            // The journal answers on its own channel, after any writes still queued there.
            _bus.Send(_storageChannel, _coordinatorChannel, () => _coordinator.Marked(k, timeMicros));
        }

        public void CheckpointComplete(int k, long timeMicros)
        {
            if (_capturedTime != timeMicros) throw new InvalidOperationException($"checkpoint {k} completed at {timeMicros} µs but was captured at {_capturedTime} µs");
            var checkpoint = new WindowedCheckpoint(k, timeMicros, new Dictionary<int, byte[]>(_captured));
            _owner.Checkpoints.Add(checkpoint);
            _owner.OnCheckpoint?.Invoke(checkpoint);
        }

        public void WaitForPace(double seconds) => _bus.Send(_coordinatorChannel, _coordinatorChannel, _coordinator.PaceElapsed);

        public void Progress(RunProgress progress) { }

        public void Completed(RunResult result) => _result = result;

        public void Failed(string reason) => _failure = reason;

        // --- what nodes need from the run ---

        private void Tick(int events) => _virtualSeconds += 1e-7 * (events + 20); // a deterministic stand-in for wall time

        /// <summary>One node: its protocol object and what it asks for, carried out on the bus.</summary>
        private sealed class NodeHost : INodeOutput
        {
            private readonly Execution _run;
            private readonly List<SimEvent>?[] _pool = new List<SimEvent>?[1];
            private readonly MemoryStream _buffer = new();

            public NodeHost(Execution run, int id, NodeWindowState state, int nodes, long lookahead, long crossLookahead)
            {
                _run = run;
                Id = id;
                State = state;
                Protocol = new NodeProtocol(state, nodes, lookahead, crossLookahead, this);
            }

            public int Id { get; }
            public NodeWindowState State { get; }
            public NodeProtocol Protocol { get; }

            private int Entity(int local) => State.GlobalIds[local];

            public void Initialise(int local)
            {
                int id = Entity(local);
                var host = _run._hosts[id];
                _run._bus.SendActivation(id, Id, () =>
                {
                    var outgoing = new List<SimEvent>();
                    if (!_run._recovered[id]) host.Init(outgoing);
                    _run.Tick(0);
                    Protocol.ActivationDone(local, host.NextTime, outgoing, 0, null);
                });
            }

            public void Activate(int local, long horizon, List<SimEvent> inbox)
            {
                int id = Entity(local);
                var host = _run._hosts[id];
                _run._bus.SendActivation(id, Id, () =>
                {
                    var pending = host.Pending;
                    foreach (var e in inbox) pending.Push(e);
                    inbox.Clear();
                    var outgoing = _pool[0] ?? [];
                    _pool[0] = null;
                    int handled = host.RunUntil(horizon, outgoing);
                    _run.Tick(handled);
                    Protocol.ActivationDone(local, host.NextTime, outgoing, handled, inbox);
                    _pool[0] = outgoing;
                });
            }

            public int SendBatch(int toNode, long window, List<SimEvent> events, long bound)
            {
                var target = _run._nodes[toNode].Protocol;
                int bytes = 0;
                SimEvent[] copy;
                if (_run._owner._options.EncodeBatches)
                {
                    _buffer.SetLength(0);
                    using (var w = new BinaryWriter(_buffer, System.Text.Encoding.UTF8, leaveOpen: true))
                        foreach (var e in events) EntityHost.WriteEvent(w, e, _run._model.Codec);
                    bytes = (int)_buffer.Length;
                    copy = new SimEvent[events.Count];
                    _buffer.Position = 0;
                    using var r = new BinaryReader(_buffer, System.Text.Encoding.UTF8, leaveOpen: true);
                    for (int i = 0; i < copy.Length; i++) copy[i] = EntityHost.ReadEvent(r, _run._model.Codec);
                }
                else copy = events.ToArray();
                int from = Id;
                _run._bus.Send(from, toNode, () => target.Batch(from, window, copy, copy.Length, bound));
                return bytes;
            }

            public void Report(NodeWindowReport report) => _run._bus.Send(Id, _run._coordinatorChannel, () => _run._coordinator.Report(report));

            public void Capture(int k, long timeMicros)
            {
                for (int local = 0; local < State.LocalCount; local++)
                {
                    int id = Entity(local);
                    var host = _run._hosts[id];
                    var undelivered = Protocol.PeekInbox(local).ToArray();
                    _run._bus.SendActivation(id, Id, () =>
                    {
                        using var ms = new MemoryStream();
                        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) host.Save(w, undelivered);
                        _run._captured[id] = ms.ToArray();
                        _run._capturedTime = timeMicros;
                        Protocol.Captured(k);
                        // The write goes on in the background: it is confirmed later, on the storage channel.
                        _run._bus.Send(_run._storageChannel, Id, () => Protocol.Saved(k));
                    });
                }
            }

            public void CheckpointCaptured(int k) => _run._bus.Send(Id, _run._coordinatorChannel, () => _run._coordinator.Captured(Id, k));

            public void CheckpointSaved(int k) => _run._bus.Send(Id, _run._coordinatorChannel, () => _run._coordinator.Saved(Id, k));

            public void CollectFinals()
            {
                for (int local = 0; local < State.LocalCount; local++)
                {
                    int id = Entity(local);
                    var host = _run._hosts[id];
                    var undelivered = Protocol.PeekInbox(local).ToArray();
                    int l = local;
                    _run._bus.SendActivation(id, Id, () => Protocol.Final(l, host.Final(undelivered)));
                }
            }

            public void Finals(EntityFinal[] finals) => _run._bus.Send(Id, _run._coordinatorChannel, () => _run._coordinator.Finals(new NodeFinalReport(Id, finals)));

            public void Fail(string reason) => _run._bus.Send(Id, _run._coordinatorChannel, () => _run._coordinator.Fail(reason));
        }
    }

    /// <summary>
    /// In-memory message passing with Akka's one ordering guarantee: messages from one sender to one receiver arrive in the
    /// order sent. Without a random stream, messages run in the order they were sent (one global FIFO). With one, each step
    /// picks a random sender→receiver channel that has messages and runs its oldest; every entity's answer to its node is a
    /// channel of its own (an entity has at most one message in flight).
    /// </summary>
    private sealed class Bus(Rng? rng)
    {
        private readonly Queue<Action> _fifo = new();
        private readonly Dictionary<long, Queue<Action>> _channels = [];
        private readonly List<long> _ready = [];
        private readonly Stack<Queue<Action>> _spare = new();

        public void Send(int from, int to, Action message) => Enqueue(((long)from << 32) | (uint)to, message);

        /// <summary>An entity's work for its node (activation, capture, final state); the answer comes on the entity's own channel.</summary>
        public void SendActivation(int entity, int node, Action message) => Enqueue(-1 - (long)entity, message);

        private void Enqueue(long channel, Action message)
        {
            if (rng is null)
            {
                _fifo.Enqueue(message);
                return;
            }
            if (!_channels.TryGetValue(channel, out var q))
            {
                _channels[channel] = q = _spare.Count > 0 ? _spare.Pop() : new Queue<Action>();
                _ready.Add(channel);
            }
            q.Enqueue(message);
        }

        public bool RunOne()
        {
            if (rng is null)
            {
                if (!_fifo.TryDequeue(out var m)) return false;
                m();
                return true;
            }
            if (_ready.Count == 0) return false;
            int i = rng.NextInt(_ready.Count);
            long channel = _ready[i];
            var q = _channels[channel];
            var message = q.Dequeue();
            if (q.Count == 0)
            {
                _ready[i] = _ready[^1];
                _ready.RemoveAt(_ready.Count - 1);
                _channels.Remove(channel);
                _spare.Push(q);
            }
            message();
            return true;
        }
    }
}
