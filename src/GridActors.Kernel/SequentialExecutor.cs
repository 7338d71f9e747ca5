namespace GridActors.Kernel;

/// <summary>
/// The reference executor and oracle: one thread, one global event queue (a calendar queue), events handled strictly in
/// the total order <c>(time, source, sequence)</c>. No windows, no lookahead reasoning — every other
/// executor must reproduce its digest exactly.
/// </summary>
public sealed class SequentialExecutor
{
    private sealed class Host(ISimModel model, int id, RunSettings settings, CalendarQueue global)
        : EntityHost(model, id, settings)
    {
        protected override void Route(in SimEvent e, bool self) => global.Push(e);
    }

    private static int RunBatch(CalendarQueue heap, Host[] hosts, long end, int max)
    {
        int n = 0;
        while (n < max && heap.MinTime < end)
        {
            var e = heap.Pop();
            hosts[e.Target].Handle(e);
            n++;
        }
        return n;
    }

    /// <param name="external">Events from outside the model (recorded fault injections), delivered like any other.</param>
    public RunResult Run(ISimModel model, RunSettings settings, Action<SimTime, long>? progress = null, IReadOnlyList<SimEvent>? external = null)
    {
        int n = model.EntityCount;
        long lookahead = ModelChecks.MinLookahead(model);
        var heap = new CalendarQueue(Math.Max(1, lookahead / 16));
        var hosts = new Host[n];
        var unused = new List<SimEvent>();
        for (int i = 0; i < n; i++) hosts[i] = new Host(model, i, settings, heap);
        for (int i = 0; i < n; i++) hosts[i].Init(unused);
        foreach (var e in external ?? []) heap.Push(e);

        long end = settings.End.Micros;
        long events = 0;
        // Short batches: the loop method is re-entered often enough to be fully optimised (not OSR).
        long batches = 0;
        while (heap.MinTime < end)
        {
            events += RunBatch(heap, hosts, end, 1 << 14);
            if ((++batches & 63) == 0) progress?.Invoke(new SimTime(Math.Min(heap.MinTime, end)), events);
        }

        var leftovers = new List<SimEvent>[n];
        while (heap.Count > 0)
        {
            var e = heap.Pop();
            (leftovers[e.Target] ??= []).Add(e);
        }
        var finals = new EntityFinal[n];
        for (int i = 0; i < n; i++)
            finals[i] = hosts[i].Final(leftovers[i]);
        return RunResult.FromFinals(model, settings, finals, WindowStats.None);
    }
}
