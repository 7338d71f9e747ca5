using System.Globalization;
using GridActors.Kernel;

namespace GridActors.Model.Phold;

/// <summary>
/// Parameters of PHOLD, the standard PDES benchmark (Fujimoto 1990). Times are in simulated seconds.
/// Each is declared once, with its check, so the command line and the tests validate alike.
/// </summary>
public sealed record PholdParameters(
    int Lps = 2048,
    int Population = 16,
    double Remote = 0.25,
    double Mean = 1.0,
    double Lookahead = 0.1,
    double End = 500,
    ulong Seed = 1)
{
    /// <summary>The first problem with these parameters, or null when they are valid.</summary>
    public string? Problem()
    {
        static string F(double d) => d.ToString("G", CultureInfo.InvariantCulture);
        if (Lps <= 0) return $"--lps must be at least 1, got {Lps}";
        if (Lps >= SimEvent.MaxEntities) return $"--lps must be below {SimEvent.MaxEntities}, got {Lps}";
        if (Population <= 0) return $"--population must be at least 1, got {Population}";
        if (double.IsNaN(Remote) || Remote < 0 || Remote > 1) return $"--remote must be within [0, 1], got {F(Remote)}";
        if (double.IsNaN(Lookahead) || Lookahead < 0) return $"--lookahead must not be negative, got {F(Lookahead)}";
        if (Lookahead * SimTime.MicrosPerSecond < 1) return $"--lookahead must be at least 1 µs (0.000001) for conservative synchronisation, got {F(Lookahead)}";
        if (double.IsNaN(Mean) || double.IsInfinity(Mean) || Mean <= 0) return $"--mean must be positive, got {F(Mean)}";
        if (Lookahead > Mean) return $"--lookahead ({F(Lookahead)}) must not exceed --mean ({F(Mean)})";
        if (double.IsNaN(End) || double.IsInfinity(End) || End <= 0) return $"--end must be positive, got {F(End)}";
        if (End * SimTime.MicrosPerSecond > long.MaxValue / 4) return $"--end is too large: {F(End)}";
        return null;
    }
}

/// <summary>
/// PHOLD: N logical processes, P initial events each; handling an event schedules one new event at
/// <c>now + lookahead + Exp(mean − lookahead)</c>, to itself or — with probability <c>remote</c> — to a
/// uniformly chosen other LP. Runs until <c>end</c>.
/// </summary>
public sealed class PholdModel : ISimModel
{
    public const int MetricEvents = 0;
    public const int MetricRemote = 1;

    private readonly PholdParameters _p;
    private readonly long _lookahead;
    private readonly double _extraMeanMicros;

    public PholdModel(PholdParameters p)
    {
        if (p.Problem() is string problem) throw new ArgumentException(problem);
        _p = p;
        _lookahead = SimTime.FromSeconds(p.Lookahead).Micros;
        _extraMeanMicros = (p.Mean - p.Lookahead) * SimTime.MicrosPerSecond;
        Channels = [new ChannelSpec("phold", new SimTime(_lookahead))];
    }

    public PholdParameters Parameters => _p;
    public string Name => "phold";
    public int EntityCount => _p.Lps;
    public string EntityKey(int id) => "lp/" + id.ToString(CultureInfo.InvariantCulture);
    public Entity CreateEntity(int id) => new Lp(this, id);
    public IReadOnlyList<ChannelSpec> Channels { get; }
    public IReadOnlyList<string> MetricNames { get; } = ["events", "remote"];
    public IPayloadCodec Codec => NullPayloadCodec.Instance;

    public RunSettings Settings => new(_p.Seed, SimTime.FromSeconds(_p.End));

    private SimTime NextDelay(Rng rng) =>
        new(_lookahead + (long)rng.NextExponential(_extraMeanMicros));

    /// <summary>One PHOLD logical process. Its state is a trace hash over the times it handled.</summary>
    private sealed class Lp(PholdModel model, int id) : Entity
    {
        private ulong _trace = 0xcbf29ce484222325UL;

        public override void Init(IEventContext ctx)
        {
            for (int i = 0; i < model._p.Population; i++)
                ctx.ScheduleSelf(model.NextDelay(ctx.Rng), null);
        }

        public override void Handle(IEventContext ctx, object? payload)
        {
            _trace = (_trace ^ (ulong)ctx.Now.Micros) * 0x100000001b3UL;
            var rng = ctx.Rng;
            var delay = model.NextDelay(rng);
            int n = model._p.Lps;
            ctx.AddMetric(MetricEvents, 1);
            if (n > 1 && model._p.Remote > 0 && rng.NextDouble() < model._p.Remote)
            {
                int target = rng.NextInt(n - 1);
                if (target >= id) target++;
                ctx.AddMetric(MetricRemote, 1);
                ctx.Send(new EntityId(target), delay, null);
            }
            else
            {
                ctx.ScheduleSelf(delay, null);
            }
        }

        public override void Save(BinaryWriter w) => w.Write(_trace);
        public override void Load(BinaryReader r) => _trace = r.ReadUInt64();
    }
}
