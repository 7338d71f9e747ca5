using GridActors.Reports.Format;

namespace GridActors.Reports;

/// <summary>
/// Pieces of the run report for pages that show a run while it goes on (the web console): the charts of a run folder (which
/// may hold only what a run recorded up to a checkpoint) and the topology map with the faults that have begun by a given
/// simulated time. The same OxyPlot SVG and map as report.html; no scripts.
/// </summary>
public static class LiveView
{
    /// <summary>The report's style sheet (for a page that embeds <see cref="Charts"/> or <see cref="Map"/>).</summary>
    public static string Css => Html.Css;

    /// <summary>Generation mix and curtailment, UHV link utilisation, hub power and queues, latency by region and SLO violations,
    /// as the report draws them from the run folder <paramref name="runDir"/>.</summary>
    public static string Charts(string runDir)
    {
        var d = RunLoader.Load(runDir);
        return RunReport.Generation(d) + RunReport.Links(d) + RunReport.Hubs(d) + RunReport.Latency(d) + RunReport.Slo(d);
    }

    /// <summary>The topology map with every fault of <paramref name="topology"/> in force at <paramref name="nowHours"/> (begun at
    /// or before it and not yet over: a fault without a duration lasts to the horizon) drawn as failed.</summary>
    public static string Map(TopologyFile topology, double nowHours)
    {
        var topo = RunLoader.ReadTopology(topology);
        var spans = topo.Faults.Where(f => (f.StartHours ?? 0) <= nowHours)
            .Select(f => new FaultSpan(f.Index, f.Kind, f.Target, f.StartHours ?? 0, f.DurationHours is > 0 ? (f.StartHours ?? 0) + f.DurationHours : null, f))
            .Where(s => s.End is not double end || end > nowHours).ToList();
        return MapSvg.Build(topo, spans);
    }
}
