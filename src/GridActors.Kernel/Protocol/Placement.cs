namespace GridActors.Kernel.Protocol;

/// <summary>
/// Where each entity runs and how far nodes may run ahead of each other. <see cref="CrossLookahead"/> is the
/// smallest delay of any link between entities on different nodes: a global window may be that wide, and each
/// node steps through it alone in sub-windows of the model's own lookahead.
/// </summary>
public sealed record Placement(int[] NodeOf, long CrossLookahead, string Method)
{
    /// <summary>No link crosses nodes (one node, or independent groups): windows are bounded only by the end and checkpoints.</summary>
    public const long Unbounded = long.MaxValue / 4;

    /// <summary>
    /// Places <paramref name="model"/> on <paramref name="nodes"/> nodes. Models that declare their links
    /// (<see cref="ITopology"/>) are cut where links are slow: for each link delay d (largest first) the
    /// entities joined by faster links form groups; the largest d that leaves at least as many groups as
    /// nodes wins, unless one node would carry over 95 % of the work (by <see cref="ITopology.Weight"/>). Groups go
    /// largest first to the least-loaded node. Other models are
    /// placed in contiguous blocks with the model's lookahead between nodes.
    /// </summary>
    public static Placement Plan(ISimModel model, int nodes)
    {
        long lookahead = ModelChecks.MinLookahead(model);
        int n = model.EntityCount;
        if (nodes <= 1) return new Placement(new int[n], Unbounded, "single node");
        if (model is not ITopology topology) return new Placement(Blocks(n, nodes), lookahead, "blocks");
        var links = topology.Links().ToList();
        var weight = new double[n];
        for (int i = 0; i < n; i++) weight[i] = Math.Max(0, topology.Weight(i));
        foreach (long cut in links.Select(l => l.MinDelayMicros).Append(Unbounded).Distinct().OrderDescending())
        {
            var group = Groups(n, links.Where(l => l.MinDelayMicros < cut));
            int groups = group.Max() + 1;
            if (groups < nodes) continue;
            var (nodeOf, maxLoad, total) = Pack(group, groups, weight, nodes);
            long cross = Unbounded;
            foreach (var (a, b, d) in links)
                if (nodeOf[a] != nodeOf[b] && d < cross) cross = d;
            cross = Math.Max(cross, lookahead);
            // The widest windows win even when the groups balance poorly — a window costs a round trip between
            // processes (~0.3 ms here), far more than idle capacity — unless one node would do nearly everything.
            if (maxLoad > 0.95 * total && cut > lookahead) continue;
            return new Placement(nodeOf, cross, $"groups joined by links under {(cut >= Unbounded ? "any delay" : $"{cut / (double)SimTime.MicrosPerSecond:0.######} s")}, heaviest node {maxLoad / total:P0} of the work");
        }
        return new Placement(Blocks(n, nodes), lookahead, "blocks");
    }

    /// <summary>Places entities in contiguous blocks of (nearly) equal size.</summary>
    public static int[] Blocks(int entities, int nodes)
    {
        var nodeOf = new int[entities];
        for (int i = 0; i < entities; i++) nodeOf[i] = (int)((long)i * nodes / entities);
        return nodeOf;
    }

    /// <summary>Connected groups (union–find), numbered by their smallest entity id.</summary>
    private static int[] Groups(int n, IEnumerable<(int A, int B, long)> links)
    {
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var (a, b, _) in links)
        {
            int ra = Find(a), rb = Find(b);
            if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
        var number = new Dictionary<int, int>();
        var group = new int[n];
        for (int i = 0; i < n; i++)
        {
            int r = Find(i);
            if (!number.TryGetValue(r, out int g)) number[r] = g = number.Count;
            group[i] = g;
        }
        return group;
    }

    private static (int[] NodeOf, double MaxLoad, double Total) Pack(int[] group, int groups, double[] weight, int nodes)
    {
        var gw = new double[groups];
        for (int i = 0; i < group.Length; i++) gw[group[i]] += weight[i] + 1e-9;
        var order = Enumerable.Range(0, groups).OrderByDescending(g => gw[g]).ThenBy(g => g).ToArray();
        var load = new double[nodes];
        var nodeOfGroup = new int[groups];
        foreach (int g in order)
        {
            int best = 0;
            for (int k = 1; k < nodes; k++) if (load[k] < load[best]) best = k;
            nodeOfGroup[g] = best;
            load[best] += gw[g];
        }
        var nodeOf = new int[group.Length];
        for (int i = 0; i < group.Length; i++) nodeOf[i] = nodeOfGroup[group[i]];
        return (nodeOf, load.Max(), load.Sum());
    }
}
