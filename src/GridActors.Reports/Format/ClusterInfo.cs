using System.Text.Json.Serialization;

namespace GridActors.Reports.Format;

/// <summary>Where a node of a clustered run lived and how many entities it hosted (run.json, summary.json).</summary>
public sealed record NodePlacementInfo(int Node, string Address, string Host, int Pid, int Entities);

/// <summary>One re-placement after a node loss.</summary>
public sealed record FailoverInfo(int Incarnation, string[] Lost, int FromCheckpoint, double FromSimulatedSeconds, double WallSeconds);

/// <summary>Traffic between the nodes of a clustered run: events, batches (promises included) and bytes, coordinator windows
/// (a lease counts once) and synchronisation rounds (windows plus waits for promises).</summary>
public sealed record CrossNodeInfo(long Events, long Batches, long Bytes, long Windows, long Rounds, double BatchesPerRound, double BytesPerEvent);

/// <summary>How a run was spread: the node count, and for clustered runs the placement, fail-overs and cross-node traffic.</summary>
public sealed record ClusterInfo(
    int Nodes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<NodePlacementInfo>? Placement = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FailoverInfo>? Failovers = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CrossNodeInfo? CrossNode = null)
{
    public static readonly ClusterInfo SingleProcess = new(1);
}
