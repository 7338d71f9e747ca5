using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>
/// What a supply-chain run produced, read from the run result's metric totals and entity reports:
/// energy balance over complete dispatch intervals, request accounting, latency percentiles, costs,
/// and the two conservation invariants.
/// </summary>
public sealed class SupplyChainSummary
{
    public double GeneratedMWh, DispatchedMWh, ConsumedMWh, LossesMWh, CurtailedMWh, UnservedMWh, HubMWh, CarbonT;
    public double Arrived, Served, Dropped, QueuedAtEnd, InFlightAtEnd;
    public Dictionary<string, double> DroppedBy = [];
    public double TokensServed, TokensArrived;
    public double CostElectricity, CostCapital, CostNetwork;
    public double P50, P95, P99, SloViolations, RealTimeServed;
    public bool EnergyConserved, RequestsConserved;
    public string? EnergyImbalance, RequestImbalance;
    public int CompleteIntervals;
    public Dictionary<string, LatencyHistogram> TtftByRegion = [];
    public Dictionary<string, List<double[]>> SeriesByEntity = [];
    public List<(double Hours, int Fault, bool Begin)> FaultLog = [];

    public double EnergyPerTokenJ => TokensServed > 0 ? HubMWh * 3.6e9 / TokensServed : 0;
    public double CostPerMillionTokens(double usd) => TokensServed > 0 ? usd / TokensServed * 1e6 : 0;
    public double SloViolationRate => RealTimeServed > 0 ? SloViolations / RealTimeServed : 0;

    public static SupplyChainSummary From(SupplyChainModel model, RunResult result)
    {
        var s = new SupplyChainSummary();
        var spec = model.Spec;
        double Metric(int id) => result.MetricTotals[id];
        long interval = spec.DispatchIntervalMicros;
        // An interval's message rounds take ~7 energy delays; count only intervals completed before the end.
        long settle = 10 * SupplyChainModel.EnergyDelay.Micros;
        s.CompleteIntervals = (int)Math.Max(0, (result.End.Micros - settle) / interval + 1);
        int Interval(double hours) => (int)((long)Math.Round(hours * 3.6e9) / interval);
        bool Complete(double hours) => Interval(hours) < s.CompleteIntervals;
        double h = model.IntervalHours;

        var reports = result.Reports;
        Series ReadSeries(BinaryReader r) { var x = new Series(); x.Load(r); return x; }
        for (int id = 0; id < model.EntityCount; id++)
        {
            var key = model.EntityKey(id);
            using var r = new BinaryReader(new MemoryStream(reports[id]));
            if (id == model.TimelineId)
            {
                foreach (var row in ReadSeries(r).Rows) s.FaultLog.Add((row[0], (int)row[1], row[2] > 0));
            }
            else if (id < model.FirstRegion)
            {
                var series = ReadSeries(r);
                s.SeriesByEntity[key] = series.Rows.ToList();
                foreach (var row in series.Rows.Where(x => Complete(x[0])))
                {
                    s.GeneratedMWh += (row[2] + row[3]) * h;
                    s.DispatchedMWh += row[2] * h;
                    s.CurtailedMWh += row[3] * h;
                }
            }
            else if (id < model.FirstLink)
            {
                var series = ReadSeries(r);
                s.SeriesByEntity[key] = series.Rows.ToList();
                foreach (var row in series.Rows.Where(x => Complete(x[0])))
                {
                    s.ConsumedMWh += row[2] * h;
                    s.UnservedMWh += (row[1] - row[2]) * h;
                }
            }
            else if (id < model.FirstHub)
            {
                var series = ReadSeries(r);
                s.SeriesByEntity[key] = series.Rows.ToList();
                foreach (var row in series.Rows.Where(x => Complete(x[0]))) s.LossesMWh += row[3] * h;
            }
            else if (id < model.FirstCable)
            {
                s.QueuedAtEnd += r.ReadInt32();
                s.SeriesByEntity[key] = ReadSeries(r).Rows.ToList();
            }
            else if (id < model.FirstUser)
            {
                r.ReadDouble();
            }
            else
            {
                var ttft = new LatencyHistogram();
                ttft.Load(r);
                new LatencyHistogram().Load(r);
                s.TtftByRegion[spec.Users[id - model.FirstUser].Id] = ttft;
                s.SeriesByEntity[key] = ReadSeries(r).Rows.ToList();
            }
        }

        s.HubMWh = Metric(M.HubEnergy);
        s.CarbonT = Metric(M.Carbon);
        s.Arrived = Metric(M.Arrived);
        s.Served = Metric(M.Completed);
        s.DroppedBy = new Dictionary<string, double>
        {
            ["queue-overflow"] = Metric(M.DropQueue),
            ["hub-down"] = Metric(M.DropHubDown),
            ["no-route"] = Metric(M.DropNoRoute),
            ["cable-cut"] = Metric(M.DropCableCut),
        };
        s.Dropped = s.DroppedBy.Values.Sum();
        s.InFlightAtEnd = (Metric(M.NetRequestsSent) - Metric(M.NetRequestsReceived)) + (Metric(M.NetResponsesSent) - Metric(M.NetResponsesReceived));
        s.TokensServed = Metric(M.TokensServed);
        s.TokensArrived = Metric(M.TokensArrived);
        s.CostElectricity = Metric(M.CostElectricity);
        s.CostCapital = Metric(M.CostCapital);
        s.CostNetwork = Metric(M.CostNetwork);
        s.SloViolations = Metric(M.SloViolations);

        var all = new LatencyHistogram();
        foreach (var hist in s.TtftByRegion.Values) all.Merge(hist);
        s.RealTimeServed = all.Total;
        s.P50 = all.Percentile(0.50);
        s.P95 = all.Percentile(0.95);
        s.P99 = all.Percentile(0.99);

        double lhs = s.GeneratedMWh, rhs = s.ConsumedMWh + s.LossesMWh + s.CurtailedMWh;
        double tolerance = 1e-6 * Math.Max(1, Math.Abs(lhs));
        s.EnergyConserved = Math.Abs(lhs - rhs) <= tolerance;
        if (!s.EnergyConserved)
            s.EnergyImbalance = $"generated {lhs:F6} MWh ≠ consumed {s.ConsumedMWh:F6} + losses {s.LossesMWh:F6} + curtailed {s.CurtailedMWh:F6} = {rhs:F6} MWh";
        double accounted = s.Served + s.Dropped + s.QueuedAtEnd + s.InFlightAtEnd;
        s.RequestsConserved = Math.Abs(s.Arrived - accounted) < 0.5;
        if (!s.RequestsConserved)
            s.RequestImbalance = $"arrived {s.Arrived} ≠ served {s.Served} + dropped {s.Dropped} + queued {s.QueuedAtEnd} + in flight {s.InFlightAtEnd}";
        return s;
    }
}
