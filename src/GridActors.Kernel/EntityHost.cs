using System.Runtime.CompilerServices;

namespace GridActors.Kernel;

/// <summary>
/// Owns one entity's execution state: the entity, its random stream, its send sequence, its metric
/// accumulators and (in windowed execution) its pending events. Implements the entity's
/// <see cref="IEventContext"/>. Pure code: actors host one of these each.
/// </summary>
public class EntityHost : IEventContext
{
    private readonly ISimModel _model;
    private readonly long[] _lookahead;
    private readonly string[] _channelNames;
    private long _now;
    private long _nextSeq;
    private Rng _rng;
    private List<SimEvent>? _outgoing;

    /// <summary>Pending events of this entity (windowed execution only).</summary>
    public EventHeap Pending { get; } = new();

    public EntityHost(ISimModel model, int id, RunSettings settings)
    {
        _model = model;
        Id = id;
        Key = model.EntityKey(id);
        Entity = model.CreateEntity(id);
        _rng = Rng.ForEntity(settings.Seed, Key);
        RunSeed = settings.Seed;
        Metrics = new double[model.MetricNames.Count];
        _lookahead = model.Channels.Select(c => c.Lookahead.Micros).ToArray();
        _channelNames = model.Channels.Select(c => c.Name).ToArray();
    }

    public int Id { get; }
    public string Key { get; }
    public Entity Entity { get; }
    public double[] Metrics { get; }
    public long EventsHandled { get; private set; }

    public SimTime Now => new(_now);
    public EntityId Self => new(Id);
    public Rng Rng => _rng;
    public ulong RunSeed { get; }

    /// <summary>Time of the earliest pending event (windowed execution), or <see cref="long.MaxValue"/>.</summary>
    public long NextTime => Pending.MinTime;

    /// <summary>Where events go: sequential executors override this to use one global queue.</summary>
    protected virtual void Route(in SimEvent e, bool self)
    {
        if (self) Pending.Push(e);
        else _outgoing!.Add(e);
    }

    public void Send(EntityId target, SimTime delay, object? payload, ChannelId channel = default)
    {
        int t = target.Value;
        if (t == Id)
        {
            ScheduleSelf(delay, payload);
            return;
        }
        if ((uint)channel.Value >= (uint)_lookahead.Length)
            throw new ArgumentOutOfRangeException(nameof(channel), $"entity {Key} used undeclared channel {channel.Value}");
        if (delay.Micros < _lookahead[channel.Value])
            throw new LookaheadViolationException(
                $"lookahead violation: entity {Key} (#{Id}) sent to {_model.EntityKey(t)} (#{t}) with delay {delay.Micros} µs, " +
                $"below the lookahead {_lookahead[channel.Value]} µs of channel '{_channelNames[channel.Value]}'");
        if ((uint)t >= (uint)_model.EntityCount)
            throw new ArgumentOutOfRangeException(nameof(target), $"entity {Key} sent to unknown entity #{t}");
        Route(new SimEvent(_now + delay.Micros, Id, _nextSeq++, t, payload), self: false);
    }

    public void ScheduleSelf(SimTime delay, object? payload)
    {
        if (delay.Micros < 0)
            throw new LookaheadViolationException($"entity {Key} (#{Id}) scheduled itself with negative delay {delay.Micros} µs");
        Route(new SimEvent(_now + delay.Micros, Id, _nextSeq++, Id, payload), self: true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddMetric(int metric, double delta) => Metrics[metric] += delta;

    /// <summary>Whether <see cref="Record"/> keeps what entities note (persistent runs); otherwise it is dropped.</summary>
    public bool KeepRecords { get; set; }

    /// <summary>Records noted since they were last taken (see <see cref="TakeRecords"/>).</summary>
    public List<EntityRecord> Records { get; } = [];

    public void Record(string kind, string detail)
    {
        if (KeepRecords) Records.Add(new EntityRecord(_now, kind, detail));
    }

    /// <summary>Hands over and clears the records noted so far.</summary>
    public EntityRecord[] TakeRecords()
    {
        var r = Records.ToArray();
        Records.Clear();
        return r;
    }

    /// <summary>Initial events at time zero. Cross-entity sends go to <paramref name="outgoing"/>.</summary>
    public void Init(List<SimEvent> outgoing)
    {
        _outgoing = outgoing;
        _now = 0;
        Entity.Init(this);
        _outgoing = null;
    }

    /// <summary>Handles one event (used by the sequential executor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Handle(in SimEvent e)
    {
        _now = e.Time;
        EventsHandled++;
        Entity.Handle(this, e.Payload);
    }

    /// <summary>
    /// Handles every pending event with time &lt; <paramref name="horizon"/> in key order; cross-entity
    /// sends are appended to <paramref name="outgoing"/> (they all land at or after the horizon).
    /// Returns the number of events handled.
    /// </summary>
    public int RunUntil(long horizon, List<SimEvent> outgoing)
    {
        _outgoing = outgoing;
        int n = 0;
        var pending = Pending;
        while (pending.MinTime < horizon)
        {
            var e = pending.Pop();
            _now = e.Time;
            Entity.Handle(this, e.Payload);
            n++;
        }
        EventsHandled += n;
        _outgoing = null;
        return n;
    }

    /// <summary>Writes everything needed to continue this entity exactly: RNG, sequence, metrics, state, pending events.</summary>
    public void Save(BinaryWriter w, IEnumerable<SimEvent>? extraPending = null)
    {
        w.Write(Key);
        w.Write(_now);
        w.Write(_nextSeq);
        w.Write(EventsHandled);
        _rng.Save(w);
        w.Write(Metrics.Length);
        foreach (var m in Metrics) w.Write(m);
        Entity.Save(w);
        var pending = Pending.ToSortedArray();
        if (extraPending is not null)
        {
            pending = pending.Concat(extraPending).ToArray();
            Array.Sort(pending, SimEvent.Compare);
        }
        w.Write(pending.Length);
        foreach (var e in pending) WriteEvent(w, e, _model.Codec);
    }

    public void Load(BinaryReader r)
    {
        var key = r.ReadString();
        if (key != Key) throw new InvalidDataException($"snapshot is for entity '{key}', not '{Key}'");
        _now = r.ReadInt64();
        _nextSeq = r.ReadInt64();
        EventsHandled = r.ReadInt64();
        _rng = Rng.Load(r);
        int m = r.ReadInt32();
        if (m != Metrics.Length) throw new InvalidDataException($"snapshot of '{Key}' has {m} metrics, model declares {Metrics.Length}");
        for (int i = 0; i < m; i++) Metrics[i] = r.ReadDouble();
        Entity.Load(r);
        Pending.Clear();
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++) Pending.Push(ReadEvent(r, _model.Codec));
    }

    public static void WriteEvent(BinaryWriter w, in SimEvent e, IPayloadCodec codec)
    {
        w.Write(e.Time);
        w.Write(e.Order);
        w.Write(e.Target);
        codec.Write(w, e.Payload);
    }

    public static SimEvent ReadEvent(BinaryReader r, IPayloadCodec codec) => new()
    {
        Time = r.ReadInt64(),
        Order = r.ReadInt64(),
        Target = r.ReadInt32(),
        Payload = codec.Read(r),
    };

    /// <summary>The entity's state for inspection: the host's bookkeeping, non-zero metrics and the entity's own fields.</summary>
    public SortedDictionary<string, object?> Describe()
    {
        var d = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["entity"] = Key,
            ["lastEventMicros"] = _now,
            ["eventsHandled"] = EventsHandled,
            ["pendingEvents"] = Pending.Count,
            ["nextEventMicros"] = Pending.Count == 0 ? null : Pending.MinTime,
            ["sentMessages"] = _nextSeq,
        };
        for (int i = 0; i < Metrics.Length; i++)
            if (Metrics[i] != 0) d["metric." + _model.MetricNames[i]] = Metrics[i];
        var own = new Dictionary<string, object?>();
        Entity.Describe(own);
        foreach (var (k, v) in own) d[k] = v;
        return d;
    }

    /// <summary>The entity's final summary: state hash, metrics, events handled and its report.</summary>
    public EntityFinal Final(IEnumerable<SimEvent>? extraPending = null)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Entity.WriteReport(w);
        }
        return new EntityFinal(Id, StateHash(extraPending), (double[])Metrics.Clone(), EventsHandled, ms.ToArray());
    }

    /// <summary>A hash of this entity's complete state (including pending events) for the run digest.</summary>
    public byte[] StateHash(IEnumerable<SimEvent>? extraPending = null)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Save(w, extraPending);
        }
        return System.Security.Cryptography.SHA256.HashData(ms.GetBuffer().AsSpan(0, (int)ms.Length));
    }
}
