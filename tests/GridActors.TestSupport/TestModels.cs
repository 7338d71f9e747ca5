using GridActors.Kernel;

namespace GridActors.TestSupport;

/// <summary>Payload codec for models whose events carry an <c>int</c> or nothing.</summary>
public sealed class IntCodec : IPayloadCodec
{
    public void Write(BinaryWriter w, object? payload)
    {
        w.Write(payload is not null);
        if (payload is int i) w.Write(i);
    }

    public object? Read(BinaryReader r) => r.ReadBoolean() ? r.ReadInt32() : null;
}

/// <summary>
/// Entity 0 is a sink; every other entity sends it its id at the same simulated instant (several
/// times), and the sink schedules itself at that instant too. The sink logs (time, payload).
/// </summary>
public sealed class FanInModel(int senders, int rounds, long delayMicros, long lookaheadMicros) : ISimModel
{
    public Node?[] Created { get; } = new Node?[senders + 1];
    public string Name => "fan-in";
    public int EntityCount => senders + 1;
    public string EntityKey(int id) => id == 0 ? "sink" : "src/" + id;
    public Entity CreateEntity(int id) => Created[id] = new Node(this, id);
    public IReadOnlyList<ChannelSpec> Channels => [new ChannelSpec("wire", new SimTime(lookaheadMicros))];
    public IReadOnlyList<string> MetricNames => ["received"];
    public IPayloadCodec Codec { get; } = new IntCodec();

    public sealed class Node(FanInModel model, int id) : Entity
    {
        public List<(long Time, int Payload)> Log { get; } = [];

        public override void Init(IEventContext ctx)
        {
            for (int r = 0; r < model.Rounds; r++)
            {
                if (id == 0) ctx.ScheduleSelf(new SimTime(model.DelayMicros), -1);
                else ctx.Send(new EntityId(0), new SimTime(model.DelayMicros), id);
            }
        }

        public override void Handle(IEventContext ctx, object? payload)
        {
            Log.Add((ctx.Now.Micros, (int)payload!));
            ctx.AddMetric(0, 1);
        }

        public override void Save(BinaryWriter w)
        {
            w.Write(Log.Count);
            foreach (var (t, p) in Log) { w.Write(t); w.Write(p); }
        }

        public override void Load(BinaryReader r)
        {
            Log.Clear();
            int n = r.ReadInt32();
            for (int i = 0; i < n; i++) Log.Add((r.ReadInt64(), r.ReadInt32()));
        }
    }

    public int Rounds => rounds;
    public long DelayMicros => delayMicros;
}

/// <summary>A model whose entity 1 sends to entity 0 faster than the channel allows.</summary>
public sealed class TooFastModel(long delayMicros, long lookaheadMicros) : ISimModel
{
    public string Name => "too-fast";
    public int EntityCount => 2;
    public string EntityKey(int id) => id == 0 ? "hub/east" : "plant/west";
    public Entity CreateEntity(int id) => new Sender(id, delayMicros);
    public IReadOnlyList<ChannelSpec> Channels => [new ChannelSpec("uhv", new SimTime(lookaheadMicros))];
    public IReadOnlyList<string> MetricNames => [];
    public IPayloadCodec Codec => NullPayloadCodec.Instance;

    private sealed class Sender(int id, long delay) : Entity
    {
        public override void Init(IEventContext ctx)
        {
            if (id == 1) ctx.ScheduleSelf(new SimTime(5), null);
        }

        public override void Handle(IEventContext ctx, object? payload)
        {
            if (id == 1) ctx.Send(new EntityId(0), new SimTime(delay), null);
        }

        public override void Save(BinaryWriter w) { }
        public override void Load(BinaryReader r) { }
    }
}
