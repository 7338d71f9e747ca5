using GridActors.Reports.Format;
using GridActors.Runtime.Cluster;

namespace GridActors.Hosting.Cluster;

/// <summary>A clustered run's placement, fail-overs and cross-node traffic as the run folder records them.</summary>
public static class ClusterSummary
{
    public static ClusterInfo Of(ClusterRunResult? c)
    {
        if (c is null) return ClusterInfo.SingleProcess;
        var stats = c.Result.Stats;
        return new ClusterInfo(c.Placement.Count,
            c.Placement.Select(p => new NodePlacementInfo(p.Node, p.Address, p.Host, p.ProcessId, p.Entities)).ToArray(),
            c.Failovers.Select(f => new FailoverInfo(f.Incarnation, f.Lost, f.FromCheckpoint, f.FromSimulatedSeconds, Math.Round(f.WallSeconds, 3))).ToArray(),
            new CrossNodeInfo(stats.CrossNodeEvents, stats.CrossNodeBatches, stats.CrossNodeBytes, stats.Windows, stats.Rounds,
                stats.Rounds == 0 ? 0 : Math.Round(stats.CrossNodeBatches / (double)stats.Rounds, 4),
                stats.CrossNodeEvents == 0 ? 0 : Math.Round(stats.CrossNodeBytes / (double)stats.CrossNodeEvents, 2)));
    }
}
