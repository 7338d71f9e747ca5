using System.Collections.Concurrent;
using Akka.Dispatch;

namespace GridActors.Runtime.Tests;

/// <summary>The polling single-thread executor of cluster nodes: one thread, submission order, wakes after sleeping.</summary>
public class SimThreadExecutorSpecs
{
    [Fact]
    public async Task Runs_everything_in_submission_order_on_one_thread_and_wakes_after_sleeping()
    {
        var executor = new SimThreadExecutor("test-sim", TimeSpan.FromMilliseconds(1));
        try
        {
            var order = new ConcurrentQueue<int>();
            var threads = new ConcurrentDictionary<int, bool>();
            Thread? simThread = null;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            const int n = 10_000;
            var submitters = Enumerable.Range(0, 2).Select(s => Task.Run(() =>
            {
                for (int i = s; i < n; i += 2)
                {
                    int k = i;
                    executor.Execute(new ActionRunnable(() =>
                    {
                        threads[Environment.CurrentManagedThreadId] = true;
                        simThread = Thread.CurrentThread;
                        order.Enqueue(k);
                        if (order.Count == n) done.SetResult();
                    }));
                }
            })).ToArray();
            await Task.WhenAll(submitters);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Single(threads);
            // Each submitter's items keep their order (one FIFO queue, one thread).
            var items = order.ToArray();
            Assert.Equal(n, items.Length);
            Assert.Equal(Enumerable.Range(0, n / 2).Select(i => 2 * i), items.Where(i => i % 2 == 0));
            Assert.Equal(Enumerable.Range(0, n / 2).Select(i => 2 * i + 1), items.Where(i => i % 2 == 1));

            // After the spin time the thread sleeps (Monitor.Wait); new work must still wake it, every time. Each round
            // waits until the thread is seen blocked, so the wake-up path is exercised for certain, not after a guess.
            Assert.NotNull(simThread);
            for (int round = 0; round < 20; round++)
            {
                Assert.True(SpinWait.SpinUntil(() => (simThread.ThreadState & ThreadState.WaitSleepJoin) != 0, TimeSpan.FromSeconds(30)),
                    $"round {round}: the executor thread never went to sleep ({simThread.ThreadState})");
                var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                executor.Execute(new ActionRunnable(() => ran.SetResult()));
                await ran.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            executor.Shutdown();
        }
    }
}
