using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;

namespace GridActors.Runtime.Tests;

/// <summary>Faults injected while a run is going (external events at a window boundary) give the digest of a replay that
/// delivers the same events up front, on one or several node schedulers.</summary>
public class InjectionSpecs
{
    private static string Repo([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_live_injection_is_reproduced_by_a_sequential_replay(int partitions)
    {
        var spec = ScenarioLoader.LoadFile(Path.Combine(Repo(), "scenarios", "small.yaml")).Spec;
        var model = new SupplyChainModel(spec);
        var settings = new RunSettings(7, SimTime.FromSeconds(4 * 3600));
        var gate = new InjectionGate();
        var hub = spec.Hubs[0].Id;
        Task<Injection>? submitted = null;
        var live = await new ActorExecutor(new ActorExecutorOptions(Threads: 2, Partitions: partitions, Control: new RunControl(gate, PaceSimSecondsPerSecond: 14_400)))
            .RunAsync(model, settings, p =>
            {
                // Once the run is past 1 h, inject a hub failure 10 minutes after wherever it is safe.
                if (submitted is null && p.Time.Micros > 3_600_000_000)
                {
                    long at = gate.SafeHorizonMicros + 600_000_000;
                    var f = new FaultSpec("hub-failure", hub, at, 3_600_000_000);
                    submitted = gate.Submit(at, i => model.InjectionEvents(i, f), f);
                }
            });
        Assert.NotNull(submitted);
        var injection = await submitted!;
        Assert.True(injection.AtMicros > 3_600_000_000);

        var replay = new SequentialExecutor().Run(model, settings, external: injection.Events);
        Assert.Equal(replay.Digest, live.Digest);
        var without = new SequentialExecutor().Run(model, settings);
        Assert.NotEqual(without.Digest, live.Digest);
    }

    [Fact]
    public async Task An_injection_before_the_safe_horizon_is_refused_and_none_is_taken_after_the_run_ended()
    {
        var gate = new InjectionGate();
        var early = gate.Submit(5, _ => []);
        var fine = gate.Submit(20, _ => []);
        var accepted = gate.Drain(10, 100, 0);
        Assert.Single(accepted);
        Assert.Equal(20, accepted[0].AtMicros);
        var tooEarly = await Assert.ThrowsAsync<InjectionRejectedException>(() => early);
        Assert.Contains("already passed", tooEarly.Message);
        Assert.Equal(0, (await fine).Index);
        gate.Close("the run has finished");
        var late = await Assert.ThrowsAsync<InjectionRejectedException>(() => gate.Submit(50, _ => []));
        Assert.Contains("finished", late.Message);
    }

    [Fact]
    public void A_resumed_run_redelivers_only_injections_its_checkpoint_lacks()
    {
        var journal = new List<Injection>();
        var gate = new InjectionGate([new Injection(0, 10, [], 0, null), new Injection(1, 20, [], 2, null), new Injection(2, 30, [], 3, null)], journal.Add);
        var again = gate.ToRedeliver(2);
        Assert.Equal([1, 2], again.Select(i => i.Index));
        Assert.All(again, i => Assert.Equal(2, i.AfterCheckpoint)); // delivered before checkpoint 3 this time
        Assert.Equal([2], journal.Select(i => i.Index)); // only the one whose checkpoint changed is journaled again
    }
}
