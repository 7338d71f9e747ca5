namespace GridActors.Kernel;

/// <summary>
/// What an entity sees while it handles an event: the time, its own random stream, sends with a delay,
/// and metric accumulation. Nothing else — no executor, no transport (DESIGN §3).
/// </summary>
public interface IEventContext
{
    SimTime Now { get; }
    EntityId Self { get; }
    Rng Rng { get; }

    /// <summary>The run seed. For counter-based noise that several entities must evaluate identically without talking to
    /// each other (a weather field every plant samples at its site): hash (run seed, what, where, when). An entity's own
    /// randomness comes from <see cref="Rng"/>.</summary>
    ulong RunSeed { get; }

    /// <summary>Sends <paramref name="payload"/> to <paramref name="target"/> after <paramref name="delay"/>
    /// on a declared channel; a delay below the channel's lookahead is rejected.</summary>
    void Send(EntityId target, SimTime delay, object? payload, ChannelId channel = default);

    /// <summary>Schedules an event to this entity itself (any delay ≥ 0; no lookahead applies).</summary>
    void ScheduleSelf(SimTime delay, object? payload);

    /// <summary>Adds <paramref name="delta"/> to this entity's accumulator of a declared metric.</summary>
    void AddMetric(int metric, double delta);

    /// <summary>Notes a state change worth inspecting later (outage began, link tripped, queue overflowed…).
    /// Persistent runs journal these in batches at checkpoints; they never affect the simulation.</summary>
    void Record(string kind, string detail);
}

/// <summary>
/// A simulated entity: state plus a handler. Pure code; the same instance runs under the sequential
/// executor, the windowed executor and an actor host.
/// </summary>
public abstract class Entity
{
    /// <summary>Called once at time zero (fresh runs only, never on resume).</summary>
    public abstract void Init(IEventContext ctx);

    public abstract void Handle(IEventContext ctx, object? payload);

    /// <summary>Writes the complete entity state (for checkpoints and the digest).</summary>
    public abstract void Save(BinaryWriter w);

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    public abstract void Load(BinaryReader r);

    /// <summary>Writes what the entity recorded for the run's outputs (time series, distributions).
    /// Called once at the end; the model reads it back. Nothing by default.</summary>
    public virtual void WriteReport(BinaryWriter w) { }

    /// <summary>Describes the entity's state for inspection (name → value). Nothing by default.</summary>
    public virtual void Describe(IDictionary<string, object?> into) { }
}

/// <summary>Binary (de)serialisation of event payloads, supplied by the model.</summary>
public interface IPayloadCodec
{
    void Write(BinaryWriter w, object? payload);
    object? Read(BinaryReader r);
}

/// <summary>A codec for models whose events carry no payload.</summary>
public sealed class NullPayloadCodec : IPayloadCodec
{
    public static readonly NullPayloadCodec Instance = new();

    public void Write(BinaryWriter w, object? payload)
    {
        if (payload is not null)
            throw new InvalidOperationException($"payload of type {payload.GetType().Name} cannot be serialised by the null codec");
    }

    public object? Read(BinaryReader r) => null;
}

/// <summary>A model: a fixed set of entities, their channels, metrics and payload codec.</summary>
public interface ISimModel
{
    string Name { get; }
    int EntityCount { get; }

    /// <summary>Stable key of an entity, e.g. <c>lp/17</c> or <c>hub/ningxia-zhongwei</c>; seeds its random stream.</summary>
    string EntityKey(int id);

    Entity CreateEntity(int id);

    IReadOnlyList<ChannelSpec> Channels { get; }
    IReadOnlyList<string> MetricNames { get; }
    IPayloadCodec Codec { get; }
}

/// <summary>A state change an entity noted (see <see cref="IEventContext.Record"/>).</summary>
public sealed record EntityRecord(long TimeMicros, string Kind, string Detail);

/// <summary>The run-level settings every executor shares.</summary>
public sealed record RunSettings(ulong Seed, SimTime End);

/// <summary>A send below its channel's lookahead (DESIGN §2.2).</summary>
public sealed class LookaheadViolationException(string message) : InvalidOperationException(message);

/// <summary>
/// Optional on a model: which entities may send to each other and the smallest delay they will ever use
/// (undirected), plus a rough share of the work each entity does. Runtimes use it to place entities so that
/// the links between nodes have large delays: a node then runs ahead alone for that long. A wrong declaration
/// can never change results — a runtime rejects any event that would reach another node too early.
/// </summary>
public interface ITopology
{
    IEnumerable<(int A, int B, long MinDelayMicros)> Links();

    /// <summary>Relative work of an entity (events it handles), for balancing nodes.</summary>
    double Weight(int id);
}
