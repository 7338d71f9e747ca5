using GridActors.Kernel.Protocol;
namespace GridActors.Runtime.Tests;

/// <summary>When windows become leases and when they stop (pure policy, wall times given).</summary>
public class LeasePolicySpecs
{
    private const long L = 100_000;

    /// <summary>Runs <paramref name="count"/> windows back to back, each one lookahead wide, dense.</summary>
    private static long Windows(LeasePolicy p, long t, int count, double ms)
    {
        for (int i = 0; i < count; i++)
        {
            long end = p.End(t, t + L);
            p.Done(t, end, end, (int)((end - t) / L), ms);
            t = end;
        }
        return t;
    }

    [Fact]
    public void Dense_windows_become_leases_that_grow_while_short()
    {
        var p = new LeasePolicy(L);
        long t = Windows(p, 0, LeasePolicy.DenseWindows - 1, 1);
        Assert.Equal(t + L, p.End(t, t + L)); // not yet
        t = Windows(p, t, 1, 1);
        Assert.Equal(t + LeasePolicy.DenseWindows * L, p.End(t, t + L));
        long first = p.End(t, t + L) - t;
        p.Done(t, t + first, t + first, (int)(first / L), 8); // as fast per lookahead as the windows were
        t += first;
        Assert.Equal(2 * first, p.End(t, t + L) - t);
    }

    [Fact]
    public void Gaps_between_windows_keep_plain_windows()
    {
        var p = new LeasePolicy(L);
        long t = 0;
        for (int i = 0; i < 50; i++)
        {
            p.Done(t, t + L, t + 10 * L, 1, 1); // the next event is far after the window's end
            t += 10 * L;
        }
        Assert.Equal(t + L, p.End(t, t + L));
    }

    [Fact]
    public void Leases_where_nodes_mostly_waited_or_that_ran_slower_than_windows_end()
    {
        var sparse = new LeasePolicy(L);
        long t = Windows(sparse, 0, LeasePolicy.DenseWindows, 1);
        long end = sparse.End(t, t + L);
        sparse.Done(t, end, end, 1, 1); // 8 lookaheads, one sub-window: the nodes waited on promises
        Assert.Equal(end + L, sparse.End(end, end + L));

        var slow = new LeasePolicy(L);
        t = Windows(slow, 0, LeasePolicy.DenseWindows, 1); // 1 ms per lookahead
        end = slow.End(t, t + L);
        slow.Done(t, end, end, (int)((end - t) / L), LeasePolicy.VerdictMs); // 25 ms per lookahead
        Assert.Equal(end + L, slow.End(end, end + L));
        // The next try waits for at least the verdict span of windows.
        long u = Windows(slow, end, LeasePolicy.DenseWindows, 1);
        Assert.Equal(u + L, slow.End(u, u + L));
    }
}
