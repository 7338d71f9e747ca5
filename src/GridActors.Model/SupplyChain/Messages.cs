using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>Self-event: start of a dispatch interval (plants, hubs) or of an arrival (users).</summary>
public sealed class Tick
{
    public static readonly Tick Instance = new();
    private Tick() { }
}

/// <summary>Plant → region: what it can produce this interval and at what marginal cost; <paramref name="FloorMW"/> is the
/// output it cannot go below (must-run, ramp-down, minimum stable output of its online units), at most <paramref name="MW"/>.
/// <see cref="ReserveMW"/> is output it holds back for shortage: offered at <see cref="ReserveCost"/> to the region's own
/// load only (never exported), after everything else in the merit order but storage (a reservoir's water beyond its
/// first-day share, see <see cref="Reservoir"/>).</summary>
public sealed record Offer(int Plant, long Interval, double MW, double Cost, bool Renewable, double FloorMW)
{
    public double ReserveMW { get; init; }
    public double ReserveCost { get; init; }
}

/// <summary>Hub → region: the power it wants this interval; <paramref name="FlexUpMW"/>, how much more it could take
/// (its replicas' headroom) if the region had power it would otherwise curtail; and <paramref name="FlexDownMW"/>, how much
/// of <paramref name="MW"/> it could shed if the region were short (the power cap's saving, serving every replica).</summary>
public sealed record Demand(int Hub, long Interval, double MW, double FlexUpMW = 0, double FlexDownMW = 0);

/// <summary>Region → link → region: surplus offered over a link (MW at the sender, then MW delivered), its mean cost and
/// carbon intensity (per MWh delivered once past the link), and <paramref name="FloorMW"/>, the part the receiver must take
/// (a scheduled link's lower band; 0 for merit-order links).</summary>
public sealed record ExportOffer(int Link, long Interval, double MW, double Cost, double FloorMW, double CarbonKgPerMWh);

/// <summary>Region → link → region: how much of an export offer is taken (MW delivered, then MW at the sender).</summary>
public sealed record ImportAccept(int Link, long Interval, double MW);

/// <summary>Region → plant: output to produce this interval, and the region's price (marginal cost) of the interval.</summary>
public sealed record Dispatch(long Interval, double MW, double Price);

/// <summary>Storage → region: what it can take (<paramref name="ChargeMW"/>, from the grid) and give
/// (<paramref name="DischargeMW"/>, to the grid) this interval, and the cost at which it offers to discharge.</summary>
public sealed record StorageBid(int Storage, long Interval, double ChargeMW, double DischargeMW, double Cost);

/// <summary>Region → storage: power to discharge (positive) or charge (negative) this interval, and the region's price.</summary>
public sealed record StorageDispatch(long Interval, double MW, double Price);

/// <summary>Region → hub: power granted this interval; <paramref name="GreenSurplusMW"/> is renewable power the region had to curtail.
/// The interval's clearing travels with it (see <see cref="Region"/>'s notes): <see cref="PriceUsdPerMWh"/>, the locational price
/// (marginal cost; 0 when only floors and renewables were used), <see cref="CarbonKgPerMWh"/>, the mean intensity of what served
/// the region's load, and <see cref="MarginalCarbonKgPerMWh"/>, the intensity of the supply that set the price.</summary>
public sealed record PowerGrant(long Interval, double MW, double GreenSurplusMW)
{
    public double PriceUsdPerMWh { get; init; }
    public double CarbonKgPerMWh { get; init; }
    public double MarginalCarbonKgPerMWh { get; init; }

    /// <summary>The hub's share of that curtailed power, up to the flexible load it offered (<see cref="Demand.FlexUpMW"/>):
    /// load it could add without anything else being generated.</summary>
    public double AbsorbableMW { get; init; }
}

/// <summary>Hub → users and the batch scheduler: periodic status used by routing (stale by the publishing delay, as in reality).</summary>
public sealed record HubStatus(int Hub, int Queued, int Servers, int UsableServers, bool Up, double GreenSurplusMW, double CostIndex)
{
    /// <summary>Power it could add this interval from renewable output its region would curtail (MW at the facility).</summary>
    public double AbsorbableMW { get; init; }

    /// <summary>Its region's price this interval (USD/MWh).</summary>
    public double PriceUsdPerMWh { get; init; }

    /// <summary>Power its replicas could still add at full batch (MW at the facility).</summary>
    public double HeadroomMW { get; init; }

    /// <summary>Facility energy one more token costs it (J: the power its replicas add above idle per token served,
    /// last interval; 0 when unknown).</summary>
    public double MarginalJPerToken { get; init; }

    /// <summary>Its replicas' requests waited long for admission last interval, or were dropped for it (see <see cref="Hub.CongestedWaitMs"/>).</summary>
    public bool Congested { get; init; }

    /// <summary>Tokens per second it could serve on top of last interval's (released batch work is capped by it).</summary>
    public double SpareTokensPerSecond { get; init; }
}

/// <summary>Cable → users, the batch scheduler and the cables of its group: a cable went down or came back (heard after
/// the routing convergence).</summary>
public sealed record CableStatus(int Cable, bool Up)
{
    /// <summary>Share of its background traffic it cannot carry: 1 when cut, else the share of its China landing stations
    /// that are down (what the other cables of its group take over).</summary>
    public double DownShare { get; init; } = Up ? 0 : 1;
}

/// <summary>Landing station or segment → users, the batch scheduler (after the routing convergence) and the cables whose
/// routes pass through it (at once): it went down or came back.</summary>
public sealed record PathStatus(int Element, bool Up);

/// <summary>Cable self-event: the hour ended (its row of cables.csv).</summary>
public sealed class CableTick
{
    public static readonly CableTick Instance = new();
    private CableTick() { }
}

/// <summary>Timeline → entity: a fault or spike begins or ends.</summary>
public sealed record FaultSignal(FaultKind Kind, bool Begin, double Fraction, double Multiplier, long RampMicros, long DurationMicros);

/// <summary>Why a bundle of requests was dropped.
/// <see cref="CableCut"/>: sent into a cut cable before routing converged; <see cref="LostInFlight"/>: on the cable when it was
/// cut; <see cref="Congestion"/>: beyond the cable's capacity; <see cref="PathDown"/>: through a failed landing station or
/// segment.</summary>
public enum DropReason : byte { None, QueueOverflow, HubDown, NoRoute, CableCut, DeadlineMissed, Congestion, LostInFlight, PathDown }

/// <summary>
/// A bundle of requests (a cohort of <see cref="Requests"/> identical requests) travelling user → (cable) → hub
/// and back. The hub fills in the service times; the user region records latency on return.
/// <see cref="Id"/> numbers the bundles of its <see cref="Origin"/> (0, 1, 2…): the pair identifies a bundle for any
/// number of user regions.
/// </summary>
public sealed record Bundle(
    long Id, int Origin, int Hub, int Cable, int Requests, double Tokens, bool RealTime, long CreatedAt,
    long HubArrival = 0, long ServiceStart = 0, long FirstToken = 0, long Done = 0, DropReason Drop = DropReason.None,
    double OneWayMicros = 0, long CableMicros = 0)
{
    /// <summary>The request class of the origin's <see cref="UserRegionSpec.Classes"/> the bundle is a cohort of (−1: a
    /// bundle of identical requests).</summary>
    public int Class { get; init; } = -1;

    /// <summary>The origin's request rate when the cohort was made (1/s): its requests' arrival offsets are drawn at it.</summary>
    public double RatePerSecond { get; init; }

    /// <summary>Batch work held by the batch scheduler: when it must be done (µs; 0: no deadline).</summary>
    public long Deadline { get; init; }

    /// <summary>Which of its origin's routes it travels (index into <see cref="SupplyChainModel.RoutesOf"/>; −1: none yet).</summary>
    public int Route { get; init; } = -1;

    /// <summary>How long the batch scheduler held it before sending it on (µs): its requests' time to first token counts
    /// from their release, its turnaround from <see cref="CreatedAt"/>.</summary>
    public long HeldMicros { get; init; }
}

/// <summary>Hub self-event: a bundle finished service on a server.</summary>
public sealed record Completion(Bundle Bundle);

/// <summary>Hub self-event: the last request of cohort (<paramref name="Origin"/>, <paramref name="Id"/>) that landed on a
/// simulated replica has arrived; the hub learns when the cohort ends.</summary>
public sealed record CohortDue(int Origin, long Id);

/// <summary>User-region self-event: the next cohort of its real-time or batch request classes arrives.</summary>
public sealed record CohortTick(bool RealTime);

/// <summary>Binary codec of every supply-chain message (short permanent tags).</summary>
public sealed class SupplyChainCodec : IPayloadCodec
{
    public static readonly SupplyChainCodec Instance = new();

    public void Write(BinaryWriter w, object? payload)
    {
        switch (payload)
        {
            case null: w.Write((byte)0); break;
            case Tick: w.Write((byte)1); break;
            case Offer o: w.Write((byte)2); w.Write(o.Plant); w.Write(o.Interval); w.Write(o.MW); w.Write(o.Cost); w.Write(o.Renewable); w.Write(o.FloorMW); w.Write(o.ReserveMW); w.Write(o.ReserveCost); break;
            case Demand d: w.Write((byte)3); w.Write(d.Hub); w.Write(d.Interval); w.Write(d.MW); w.Write(d.FlexUpMW); w.Write(d.FlexDownMW); break;
            case ExportOffer e: w.Write((byte)4); w.Write(e.Link); w.Write(e.Interval); w.Write(e.MW); w.Write(e.Cost); w.Write(e.FloorMW); w.Write(e.CarbonKgPerMWh); break;
            case ImportAccept a: w.Write((byte)5); w.Write(a.Link); w.Write(a.Interval); w.Write(a.MW); break;
            case Dispatch d: w.Write((byte)6); w.Write(d.Interval); w.Write(d.MW); w.Write(d.Price); break;
            case PowerGrant g:
                w.Write((byte)7); w.Write(g.Interval); w.Write(g.MW); w.Write(g.GreenSurplusMW);
                w.Write(g.PriceUsdPerMWh); w.Write(g.CarbonKgPerMWh); w.Write(g.MarginalCarbonKgPerMWh); w.Write(g.AbsorbableMW);
                break;
            case HubStatus h: w.Write((byte)8); w.Write(h.Hub); w.Write(h.Queued); w.Write(h.Servers); w.Write(h.UsableServers); w.Write(h.Up); w.Write(h.GreenSurplusMW); w.Write(h.CostIndex);
                w.Write(h.AbsorbableMW); w.Write(h.PriceUsdPerMWh); w.Write(h.HeadroomMW); w.Write(h.MarginalJPerToken); w.Write(h.Congested); w.Write(h.SpareTokensPerSecond); break;
            case CableStatus c: w.Write((byte)9); w.Write(c.Cable); w.Write(c.Up); w.Write(c.DownShare); break;
            case FaultSignal f: w.Write((byte)10); w.Write((byte)f.Kind); w.Write(f.Begin); w.Write(f.Fraction); w.Write(f.Multiplier); w.Write(f.RampMicros); w.Write(f.DurationMicros); break;
            case Bundle b: w.Write((byte)11); WriteBundle(w, b); break;
            case Completion c: w.Write((byte)12); WriteBundle(w, c.Bundle); break;
            case TimelineStep t: w.Write((byte)13); w.Write(t.Fault); w.Write(t.Begin); break;
            case PublishTick: w.Write((byte)14); break;
            case StorageBid b: w.Write((byte)15); w.Write(b.Storage); w.Write(b.Interval); w.Write(b.ChargeMW); w.Write(b.DischargeMW); w.Write(b.Cost); break;
            case CohortDue c: w.Write((byte)17); w.Write(c.Origin); w.Write(c.Id); break;
            case CohortTick c: w.Write((byte)18); w.Write(c.RealTime); break;
            case SchedulerTick: w.Write((byte)19); break;
            case PathStatus p: w.Write((byte)20); w.Write(p.Element); w.Write(p.Up); break;
            case CableTick: w.Write((byte)21); break;
            case StorageDispatch d: w.Write((byte)16); w.Write(d.Interval); w.Write(d.MW); w.Write(d.Price); break;
            default: throw new InvalidOperationException($"no codec for payload {payload.GetType().Name}");
        }
    }

    public object? Read(BinaryReader r)
    {
        byte tag = r.ReadByte();
        return tag switch
        {
            0 => null,
            1 => Tick.Instance,
            2 => new Offer(r.ReadInt32(), r.ReadInt64(), r.ReadDouble(), r.ReadDouble(), r.ReadBoolean(), r.ReadDouble()) { ReserveMW = r.ReadDouble(), ReserveCost = r.ReadDouble() },
            3 => new Demand(r.ReadInt32(), r.ReadInt64(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()),
            4 => new ExportOffer(r.ReadInt32(), r.ReadInt64(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()),
            5 => new ImportAccept(r.ReadInt32(), r.ReadInt64(), r.ReadDouble()),
            6 => new Dispatch(r.ReadInt64(), r.ReadDouble(), r.ReadDouble()),
            7 => new PowerGrant(r.ReadInt64(), r.ReadDouble(), r.ReadDouble())
            { PriceUsdPerMWh = r.ReadDouble(), CarbonKgPerMWh = r.ReadDouble(), MarginalCarbonKgPerMWh = r.ReadDouble(), AbsorbableMW = r.ReadDouble() },
            8 => new HubStatus(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadBoolean(), r.ReadDouble(), r.ReadDouble())
                { AbsorbableMW = r.ReadDouble(), PriceUsdPerMWh = r.ReadDouble(), HeadroomMW = r.ReadDouble(), MarginalJPerToken = r.ReadDouble(), Congested = r.ReadBoolean(), SpareTokensPerSecond = r.ReadDouble() },
            9 => new CableStatus(r.ReadInt32(), r.ReadBoolean()) { DownShare = r.ReadDouble() },
            10 => new FaultSignal((FaultKind)r.ReadByte(), r.ReadBoolean(), r.ReadDouble(), r.ReadDouble(), r.ReadInt64(), r.ReadInt64()),
            11 => ReadBundle(r),
            12 => new Completion(ReadBundle(r)),
            13 => new TimelineStep(r.ReadInt32(), r.ReadBoolean()),
            14 => PublishTick.Instance,
            15 => new StorageBid(r.ReadInt32(), r.ReadInt64(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()),
            16 => new StorageDispatch(r.ReadInt64(), r.ReadDouble(), r.ReadDouble()),
            17 => new CohortDue(r.ReadInt32(), r.ReadInt64()),
            18 => new CohortTick(r.ReadBoolean()),
            19 => SchedulerTick.Instance,
            20 => new PathStatus(r.ReadInt32(), r.ReadBoolean()),
            21 => CableTick.Instance,
            _ => throw new InvalidDataException($"unknown supply-chain message tag {tag}"),
        };
    }

    public static void WriteBundle(BinaryWriter w, Bundle b)
    {
        w.Write(b.Id); w.Write(b.Origin); w.Write(b.Hub); w.Write(b.Cable); w.Write(b.Requests); w.Write(b.Tokens);
        w.Write(b.RealTime); w.Write(b.CreatedAt); w.Write(b.HubArrival); w.Write(b.ServiceStart); w.Write(b.FirstToken);
        w.Write(b.Done); w.Write((byte)b.Drop); w.Write(b.OneWayMicros); w.Write(b.CableMicros);
        w.Write(b.Class); w.Write(b.RatePerSecond); w.Write(b.Deadline); w.Write(b.Route); w.Write(b.HeldMicros);
    }

    public static Bundle ReadBundle(BinaryReader r) => new(
        r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadDouble(), r.ReadBoolean(),
        r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (DropReason)r.ReadByte(), r.ReadDouble(), r.ReadInt64())
    { Class = r.ReadInt32(), RatePerSecond = r.ReadDouble(), Deadline = r.ReadInt64(), Route = r.ReadInt32(), HeldMicros = r.ReadInt64() };
}

/// <summary>Hub self-event: publish status to the user regions.</summary>
public sealed class PublishTick
{
    public static readonly PublishTick Instance = new();
    private PublishTick() { }
}

/// <summary>Timeline self-event: fault <see cref="Fault"/> begins or ends.</summary>
public sealed record TimelineStep(int Fault, bool Begin);

/// <summary>Batch scheduler self-event: decide what to release.</summary>
public sealed class SchedulerTick
{
    public static readonly SchedulerTick Instance = new();
    private SchedulerTick() { }
}
