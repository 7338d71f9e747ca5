namespace GridActors.Model.SupplyChain;

/// <summary>
/// Carbon per token: how a hub attributes the carbon of the electricity it draws to the tokens it serves, and on to the
/// user regions whose tokens they were. Rules, documented here once:
/// <list type="bullet">
/// <item>A hub closes each dispatch interval at the start of the next: the facility energy it drew in the interval (MWh, the
///   figure it bills: the power granted × the interval on serving units, the replicas' metered draw × PUE on accelerators)
///   × its region's mean carbon intensity of that interval (<see cref="RegionSample.CarbonKgPerMWh"/>, carried by the
///   interval's <see cref="PowerGrant"/>) is the interval's carbon; the same energy × the marginal intensity
///   (<see cref="RegionSample.MarginalCarbonKgPerMWh"/>) its marginal carbon.</item>
/// <item>The interval's carbon goes to the tokens the hub served in it (bundles or cohorts that ended in it), split among
///   the user regions they came from in proportion to their tokens.</item>
/// <item>An interval in which the hub served no tokens (idle, down, or its work still in service) keeps its carbon as the
///   hub's idle carbon; the run's summary spreads it over the hub's tokens of the whole run in proportion to each user
///   region's tokens, so a hub's grams per token are all its carbon over all its tokens.</item>
/// <item>A hub that served no token in the whole run (capacity kept for the network's tokens) counts in
///   <see cref="CarbonAttribution.ByHub"/> with its carbon and no tokens (no grams per token), and its carbon is spread
///   over every user region's tokens of the run in proportion to them (<see cref="CarbonAttribution.IdleHubsKg"/>), so
///   the network's grams per token are all hub carbon over all tokens — leaving a hub idle does not hide its carbon.
///   Only a run that served no token at all leaves carbon unattributed (<see cref="CarbonAttribution.UnattributedKg"/>).</item>
/// <item>The interval the run ends in is not closed: its energy and tokens are not attributed (as energy figures count
///   complete intervals), so the tokens here can fall a little short of <c>tokens.served</c>.</item>
/// </list>
/// Hence, exactly up to rounding: Σ over user regions = Σ over hubs = Σ over hubs and closed intervals of energy ×
/// intensity (<see cref="CarbonAttribution.DrawnKg"/>), less what a run without tokens leaves unattributed.
/// </summary>
public sealed class HubCarbon
{
    private readonly int[] _origins;          // user-region entity ids that route to the hub, ascending
    private readonly double[] _intervalTokens; // per origin: tokens served in the open interval
    private readonly double[] _tokens, _kg, _marginalKg;   // per origin: over closed intervals
    private double _idleKg, _idleMarginalKg, _mwh, _drawnKg, _drawnMarginalKg;

    /// <param name="origins">The user regions (entity ids, ascending) whose tokens the hub may serve: its subscribers.</param>
    public HubCarbon(int[] origins)
    {
        _origins = origins;
        _intervalTokens = new double[origins.Length];
        _tokens = new double[origins.Length];
        _kg = new double[origins.Length];
        _marginalKg = new double[origins.Length];
    }

    /// <summary>Tokens of user region <paramref name="origin"/> (entity id) served in the open interval.</summary>
    public void Served(int origin, double tokens)
    {
        int i = Array.BinarySearch(_origins, origin);
        if (i < 0) throw new InvalidOperationException($"tokens of user region #{origin} served by a hub it has no route to");
        _intervalTokens[i] += tokens;
    }

    /// <summary>Closes the open interval, in which the hub drew <paramref name="mwh"/> (facility) at the region's mean and
    /// marginal intensities; returns its carbon and marginal carbon (kg).</summary>
    public (double Kg, double MarginalKg) Close(double mwh, double kgPerMWh, double marginalKgPerMWh)
    {
        double kg = mwh * kgPerMWh, marginal = mwh * marginalKgPerMWh;
        _mwh += mwh;
        _drawnKg += kg;
        _drawnMarginalKg += marginal;
        double tokens = 0;
        foreach (var t in _intervalTokens) tokens += t;
        if (tokens > 0)
            for (int i = 0; i < _origins.Length; i++)
            {
                if (_intervalTokens[i] <= 0) continue;
                double share = _intervalTokens[i] / tokens;
                _tokens[i] += _intervalTokens[i];
                _kg[i] += kg * share;
                _marginalKg[i] += marginal * share;
            }
        else
        {
            _idleKg += kg;
            _idleMarginalKg += marginal;
        }
        Array.Clear(_intervalTokens);
        return (kg, marginal);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(_idleKg); w.Write(_idleMarginalKg); w.Write(_mwh); w.Write(_drawnKg); w.Write(_drawnMarginalKg);
        for (int i = 0; i < _origins.Length; i++)
        {
            w.Write(_intervalTokens[i]); w.Write(_tokens[i]); w.Write(_kg[i]); w.Write(_marginalKg[i]);
        }
    }

    public void Load(BinaryReader r)
    {
        _idleKg = r.ReadDouble(); _idleMarginalKg = r.ReadDouble(); _mwh = r.ReadDouble(); _drawnKg = r.ReadDouble(); _drawnMarginalKg = r.ReadDouble();
        for (int i = 0; i < _origins.Length; i++)
        {
            _intervalTokens[i] = r.ReadDouble(); _tokens[i] = r.ReadDouble(); _kg[i] = r.ReadDouble(); _marginalKg[i] = r.ReadDouble();
        }
    }

    /// <summary>The closed intervals' account (<see cref="HubCarbonReport"/>), user regions named by <paramref name="userId"/>.</summary>
    public void WriteReport(BinaryWriter w, Func<int, string> userId)
    {
        w.Write(_mwh); w.Write(_drawnKg); w.Write(_drawnMarginalKg); w.Write(_idleKg); w.Write(_idleMarginalKg);
        int n = 0;
        foreach (var t in _tokens) if (t > 0) n++;
        w.Write(n);
        for (int i = 0; i < _origins.Length; i++)
        {
            if (_tokens[i] <= 0) continue;
            w.Write(userId(_origins[i])); w.Write(_tokens[i]); w.Write(_kg[i]); w.Write(_marginalKg[i]);
        }
    }
}

/// <summary>Tokens and the carbon attributed to them (kg, mean and marginal).</summary>
public sealed class CarbonTally
{
    public double Tokens { get; private set; }
    public double Kg { get; private set; }
    public double MarginalKg { get; private set; }

    public void Add(double tokens, double kg, double marginalKg)
    {
        Tokens += tokens;
        Kg += kg;
        MarginalKg += marginalKg;
    }

    /// <summary>Grams of CO₂ per token (mean intensity; 0 without tokens).</summary>
    public double GPerToken => Tokens > 0 ? Kg * 1000 / Tokens : 0;

    /// <summary>Grams of CO₂ per token at the marginal intensity (0 without tokens).</summary>
    public double MarginalGPerToken => Tokens > 0 ? MarginalKg * 1000 / Tokens : 0;
}

/// <summary>One hub's carbon account at the end of a run (see <see cref="HubCarbon"/>): facility energy of its closed
/// intervals (MWh), that energy × the mean and marginal intensities (kg), the part of it drawn in intervals without tokens
/// (idle, kg), and by user region the tokens served with the carbon of their intervals.</summary>
public sealed record HubCarbonReport(double MWh, double DrawnKg, double DrawnMarginalKg, double IdleKg, double IdleMarginalKg,
    IReadOnlyList<(string UserRegion, double Tokens, double Kg, double MarginalKg)> ByUserRegion)
{
    public static HubCarbonReport Read(BinaryReader r)
    {
        double mwh = r.ReadDouble(), drawn = r.ReadDouble(), drawnMarginal = r.ReadDouble(), idle = r.ReadDouble(), idleMarginal = r.ReadDouble();
        var by = new List<(string, double, double, double)>();
        for (int n = r.ReadInt32(); n > 0; n--) by.Add((r.ReadString(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()));
        return new HubCarbonReport(mwh, drawn, drawnMarginal, idle, idleMarginal, by);
    }

    /// <summary>Adds hub <paramref name="hub"/>'s account to the run's: the idle carbon spread over its user regions by
    /// their tokens; when it served none, all its carbon for <see cref="CarbonAttribution.SpreadIdleHubs"/>.</summary>
    public void AddTo(CarbonAttribution c, string hub)
    {
        c.EnergyMWh += MWh;
        c.DrawnKg += DrawnKg;
        c.DrawnMarginalKg += DrawnMarginalKg;
        var tally = c.Hub(hub);
        double tokens = ByUserRegion.Sum(x => x.Tokens);
        if (!(tokens > 0))
        {
            tally.Add(0, DrawnKg, DrawnMarginalKg);
            c.IdleHubsKg += DrawnKg;
            c.IdleHubsMarginalKg += DrawnMarginalKg;
            return;
        }
        foreach (var (user, t, kg, marginal) in ByUserRegion)
        {
            c.TokensByHubAndUser[(hub, user)] = c.TokensByHubAndUser.GetValueOrDefault((hub, user)) + t;
            double share = t / tokens;
            double all = kg + IdleKg * share, allMarginal = marginal + IdleMarginalKg * share;
            tally.Add(t, all, allMarginal);
            c.UserRegion(user).Add(t, all, allMarginal);
        }
    }
}

/// <summary>The run's carbon per token (see <see cref="HubCarbon"/> for the rules): by hub and by user region, with the
/// totals it was split from.</summary>
public sealed class CarbonAttribution
{
    public SortedDictionary<string, CarbonTally> ByHub { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, CarbonTally> ByUserRegion { get; } = new(StringComparer.Ordinal);

    /// <summary>Tokens of complete intervals by (hub, user region) they were served by and for.</summary>
    public SortedDictionary<(string Hub, string User), double> TokensByHubAndUser { get; } = [];

    /// <summary>Hub facility energy over closed intervals (MWh) and that energy × the regions' mean and marginal intensities (kg).</summary>
    public double EnergyMWh, DrawnKg, DrawnMarginalKg;

    /// <summary>Carbon of hubs that served no token in the run (kg, mean and marginal), spread over every user region.</summary>
    public double IdleHubsKg, IdleHubsMarginalKg;

    /// <summary>Carbon no token carries (kg, mean and marginal): the idle hubs' when the run served no token at all.</summary>
    public double UnattributedKg, UnattributedMarginalKg;

    /// <summary>Once every hub is added: spreads the carbon of hubs that served no token over every user region's tokens in
    /// proportion to them (unattributed when there are none).</summary>
    public void SpreadIdleHubs()
    {
        double tokens = ByUserRegion.Values.Sum(t => t.Tokens);
        if (!(tokens > 0))
        {
            UnattributedKg = IdleHubsKg;
            UnattributedMarginalKg = IdleHubsMarginalKg;
            return;
        }
        foreach (var t in ByUserRegion.Values)
        {
            double share = t.Tokens / tokens;
            t.Add(0, IdleHubsKg * share, IdleHubsMarginalKg * share);
        }
    }

    public CarbonTally Hub(string id) => ByHub.TryGetValue(id, out var t) ? t : ByHub[id] = new CarbonTally();
    public CarbonTally UserRegion(string id) => ByUserRegion.TryGetValue(id, out var t) ? t : ByUserRegion[id] = new CarbonTally();

    /// <summary>Tokens the carbon was attributed to (those of closed intervals).</summary>
    public double Tokens => ByHub.Values.Sum(t => t.Tokens);

    /// <summary>Carbon attributed to tokens (kg, mean and marginal intensity): every hub's, idle hubs' included.</summary>
    public double AttributedKg => ByUserRegion.Values.Sum(t => t.Kg);
    public double AttributedMarginalKg => ByUserRegion.Values.Sum(t => t.MarginalKg);

    /// <summary>Grams of CO₂ per million tokens over every hub (mean and marginal intensity; 0 without tokens).</summary>
    public double GPerMillionTokens => Tokens > 0 ? AttributedKg * 1000 / Tokens * SupplyChainSummary.TokensPerMillion : 0;
    public double MarginalGPerMillionTokens => Tokens > 0 ? AttributedMarginalKg * 1000 / Tokens * SupplyChainSummary.TokensPerMillion : 0;
}
