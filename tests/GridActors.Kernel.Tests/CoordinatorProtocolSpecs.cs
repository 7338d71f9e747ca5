using GridActors.Kernel.Protocol;
using GridActors.Model.Phold;

namespace GridActors.Kernel.Tests;

/// <summary>The coordinator's protocol driven report by report (the test plays the nodes and the journal; the wall clock is a variable).</summary>
public class CoordinatorProtocolSpecs
{
    private sealed class Recorder : ICoordinatorOutput
    {
        public readonly List<(int Node, IProtocolMessage Message)> Sent = [];
        public readonly List<string> Log = [];
        public RunResult? Result;
        public string? Failure;
        public double? PaceWait;

        public void InitializeNodes(int[] nodeOf, long crossLookahead, bool resume) => Log.Add($"init resume={resume}");
        public void Send(int node, IProtocolMessage request) => Sent.Add((node, request));
        public void Deliver(int node, List<SimEvent> events) => Log.Add($"deliver {events.Count} to {node}");
        public void Mark(int k, long timeMicros, long window) => Log.Add($"mark {k} at {timeMicros}");
        public void CheckpointComplete(int k, long timeMicros) => Log.Add($"complete {k}");
        public void WaitForPace(double seconds) => PaceWait = seconds;
        public void Progress(RunProgress progress) { }
        public void Completed(RunResult result) => Result = result;
        public void Failed(string reason) => Failure = reason;

        public T Last<T>(int node) where T : IProtocolMessage => (T)Sent.Last(s => s.Node == node && s.Message is T).Message;
    }

    private const long S = SimTime.MicrosPerSecond;
    private static readonly PholdModel Model = new(new PholdParameters(4, 1, 0.5, 1.0, 0.1, 10, 1));

    private static (CoordinatorProtocol, Recorder) Create(CoordinatorOptions options, Func<double>? clock = null)
    {
        var rec = new Recorder();
        var c = new CoordinatorProtocol(Model, Model.Settings, [0, 0, 1, 1], 2, S / 10, options, rec, clock ?? (() => 0));
        c.Begin();
        return (c, rec);
    }

    private static NodeWindowReport Report(int node, long window, long min, long sentToOther = 0) =>
        new(node, window, min, node == 0 ? [0, sentToOther] : [sentToOther, 0], 2, 5, 0);

    [Fact]
    public void A_window_opens_after_every_node_reported_and_carries_the_events_to_expect()
    {
        var (c, rec) = Create(new CoordinatorOptions());
        c.Report(Report(0, 0, 2 * S, sentToOther: 3));
        Assert.Empty(rec.Sent);
        c.Report(Report(1, 0, 1 * S));
        var w0 = rec.Last<StartWindow>(0);
        var w1 = rec.Last<StartWindow>(1);
        Assert.Equal((1L, S + S / 10, S + S / 10), (w0.Window, w0.Horizon, w0.LeaseEnd));
        Assert.Equal([0L, 0L], w0.ExpectedFrom);
        Assert.Equal([3L, 0L], w1.ExpectedFrom); // node 1 waits for node 0's three events
        c.Report(Report(0, 0, 5)); // a report of a window already closed
        Assert.Contains("reported window 0", rec.Failure);
    }

    [Fact]
    public void Checkpoints_gate_windows_writes_may_finish_before_captures_and_the_next_waits_for_the_marker()
    {
        var (c, rec) = Create(new CoordinatorOptions(new CheckpointPlan(2 * S)));
        c.Report(Report(0, 0, 1 * S));
        c.Report(Report(1, 0, 1 * S));
        var w = rec.Last<StartWindow>(0);
        Assert.Equal(S + S / 10, w.LeaseEnd);
        // Nothing left before 2 s: checkpoint 1 at 2 s, no window until both nodes captured.
        c.Report(Report(0, 1, 2 * S));
        c.Report(Report(1, 1, 3 * S));
        Assert.Equal(CoordinatorProtocol.Phase.Capturing, c.Current);
        Assert.Equal(2 * S, rec.Last<BeginCheckpoint>(1).TimeMicros);
        int sent = rec.Sent.Count;
        c.Captured(0, 1);
        c.Saved(0, 1); // node 0 wrote everything before node 1 even captured
        Assert.Equal(sent, rec.Sent.Count);
        c.Captured(1, 1);
        Assert.Equal(2L, rec.Last<StartWindow>(0).Window); // the run goes on while node 1 writes
        Assert.DoesNotContain(rec.Log, l => l.StartsWith("mark"));
        // The next checkpoint (4 s) comes due before checkpoint 1 is written: it waits for the marker.
        c.Report(Report(0, 2, 4 * S));
        c.Report(Report(1, 2, 4 * S));
        Assert.Equal(CoordinatorProtocol.Phase.CheckpointDue, c.Current);
        c.Saved(1, 1);
        Assert.Contains("mark 1 at 2000000", rec.Log);
        Assert.Equal(CoordinatorProtocol.Phase.CheckpointDue, c.Current);
        c.Marked(1, 2 * S);
        Assert.Equal(["init resume=False", "mark 1 at 2000000", "complete 1"], rec.Log);
        Assert.Equal(CoordinatorProtocol.Phase.Capturing, c.Current);
        Assert.Equal((2, 4 * S), (rec.Last<BeginCheckpoint>(0).K, rec.Last<BeginCheckpoint>(0).TimeMicros));
    }

    [Fact]
    public void A_persistent_run_ends_with_a_checkpoint_at_the_end_and_collects_only_once_it_is_written()
    {
        var (c, rec) = Create(new CoordinatorOptions(new CheckpointPlan(0)));
        c.Report(Report(0, 0, 20 * S));
        c.Report(Report(1, 0, 20 * S));
        var cp = rec.Last<BeginCheckpoint>(0);
        Assert.Equal((1, 10 * S), (cp.K, cp.TimeMicros));
        c.Captured(0, 1);
        c.Captured(1, 1);
        Assert.Equal(CoordinatorProtocol.Phase.FinalWrite, c.Current);
        c.Saved(0, 1);
        c.Saved(1, 1);
        Assert.DoesNotContain(rec.Sent, s => s.Message is CollectFinal);
        c.Marked(1, 10 * S);
        Assert.Equal(CoordinatorProtocol.Phase.Collecting, c.Current);
        Assert.Equal(2, rec.Sent.Count(s => s.Message is CollectFinal));
    }

    [Fact]
    public void A_paced_run_waits_for_the_wall_clock_before_opening_the_next_window()
    {
        double now = 0;
        var (c, rec) = Create(new CoordinatorOptions(Pace: 2), () => now);
        c.Report(Report(0, 0, 4 * S));
        c.Report(Report(1, 0, 4 * S));
        Assert.Equal(CoordinatorProtocol.Phase.Pacing, c.Current);
        Assert.Equal(2.0, rec.PaceWait!.Value, 6); // 4 simulated seconds at 2 per second
        Assert.Empty(rec.Sent);
        now = 2;
        c.PaceElapsed();
        Assert.Equal(1L, rec.Last<StartWindow>(0).Window);
    }

    [Fact]
    public void A_resumed_run_starts_after_its_checkpoint_and_numbers_the_next_one_after_it()
    {
        var rec = new Recorder();
        var c = new CoordinatorProtocol(Model, Model.Settings, [0, 0, 1, 1], 2, S / 10,
            new CoordinatorOptions(new CheckpointPlan(2 * S, StartK: 3, StartMicros: 6 * S, Resume: true)), rec, () => 0);
        c.Begin();
        Assert.Equal("init resume=True", rec.Log[0]);
        c.Report(Report(0, 0, 8 * S));
        c.Report(Report(1, 0, 9 * S));
        var cp = rec.Last<BeginCheckpoint>(0);
        Assert.Equal((4, 8 * S), (cp.K, cp.TimeMicros));
    }
}
