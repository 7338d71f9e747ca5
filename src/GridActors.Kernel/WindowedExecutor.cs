namespace GridActors.Kernel;

/// <summary>
/// Conservative windowed execution on one thread, with per-entity event queues: the same protocol as
/// the actor runtime without actors. Window k runs every event before <c>H = min pending + L</c>; every
/// cross-entity event it creates lands at or after <c>H</c>. With <c>shuffleSeed</c> set, the order in
/// which entities run and in which their inbox events are delivered is randomised — the digest must
/// not change (property tested).
/// </summary>
public sealed class WindowedExecutor(int? shuffleSeed = null)
{
    /// <summary>Test hook: sees every entity host (and the events still waiting for each) at the end of the run.</summary>
    public Action<EntityHost[], Func<int, IReadOnlyList<SimEvent>>>? InspectHosts { get; init; }

    private static int RunWindow(EntityHost[] hosts, NodeWindowState state, long horizon, List<int> active, List<SimEvent> outgoing)
    {
        state.CollectActivations(horizon, active);
        foreach (int local in active)
        {
            var host = hosts[local];
            var inbox = state.TakeInbox(local);
            var pending = host.Pending;
            foreach (var e in inbox) pending.Push(e);
            state.Recycle(inbox);
            host.RunUntil(horizon, outgoing);
            state.Complete(local, host.NextTime, outgoing);
            outgoing.Clear();
        }
        return active.Count;
    }

    public RunResult Run(ISimModel model, RunSettings settings)
    {
        long lookahead = ModelChecks.MinLookahead(model);
        int n = model.EntityCount;
        var hosts = new EntityHost[n];
        for (int i = 0; i < n; i++) hosts[i] = new EntityHost(model, i, settings);
        var state = new NodeWindowState(0, Enumerable.Range(0, n).ToArray(), new int[n], 1,
            shuffleSeed is int s ? Rng.FromSeed((ulong)s) : null);
        var outgoing = new List<SimEvent>();
        var order = Enumerable.Range(0, n).ToArray();
        if (shuffleSeed is int s2)
        {
            var rng = Rng.FromSeed((ulong)s2 ^ 0x5bd1e995);
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        foreach (int i in order)
        {
            hosts[i].Init(outgoing);
            state.Route(outgoing);
            outgoing.Clear();
            state.SetOwnNext(i, hosts[i].NextTime);
        }

        long end = settings.End.Micros;
        long windows = 0, activations = 0;
        var active = new List<int>();
        while (true)
        {
            long min = state.LocalMin;
            if (min >= end) break;
            long horizon = Math.Min(min + lookahead, end);
            windows++;
            activations += RunWindow(hosts, state, horizon, active, outgoing);
        }

        InspectHosts?.Invoke(hosts, state.PeekInbox);
        var finals = new EntityFinal[n];
        for (int i = 0; i < n; i++)
            finals[i] = hosts[i].Final(state.PeekInbox(i));
        return RunResult.FromFinals(model, settings, finals,
            new WindowStats(windows, activations, state.CrossEntityEvents, 0, Rounds: windows));
    }
}
