using System.ComponentModel;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Control;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Reports.Format;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class InjectSettings : StoreSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("Id of a running run (see gridactors runs).")]
    public string Run { get; init; } = "";

    [CommandArgument(1, "<KIND>")]
    [Description("plant-outage, link-trip, cable-cut, hub-failure or demand-spike.")]
    public string Kind { get; init; } = "";

    [CommandArgument(2, "<TARGET>")]
    [Description("Id of the plant, UHV link, cable, hub or user region (demand-spike: a user region or all).")]
    public string Target { get; init; } = "";

    [CommandOption("--at <TIME>")]
    [Description("When it takes effect: +DURATION after the run's current safe horizon (e.g. +30min), DURATION since the start (e.g. 14h) or a clock time of the simulated days (e.g. 20:00, 1.06:30 on day 1). Default: the safe horizon.")]
    public string? At { get; init; }

    [CommandOption("--duration <DURATION>")]
    [Description("How long it lasts (default: until the end).")]
    public string? Duration { get; init; }

    [CommandOption("--fraction <F>")]
    [Description("Share of the target that fails (plant-outage, hub-failure), in (0, 1]].")]
    [DefaultValue(1.0)]
    public double Fraction { get; init; } = 1;

    [CommandOption("--multiplier <M>")]
    [Description("Demand multiplier of a demand-spike.")]
    [DefaultValue(1.0)]
    public double Multiplier { get; init; } = 1;

    [CommandOption("--json")]
    [Description("Print the accepted injection as JSON.")]
    public bool Json { get; init; }
}

/// <summary><c>gridactors inject RUN KIND TARGET</c>: sends a fault to a running run's coordinator (<see cref="InjectionClient"/>); it is journaled with the run.</summary>
public sealed class InjectCommand : AsyncCommand<InjectSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, InjectSettings s, CancellationToken cancellation)
    {
        var registry = Stores.Existing(s.Db, s.Postgres);
        var (run, answer) = await InjectionClient.InjectAsync(registry, s.Run, new InjectRequest(s.Kind, s.Target, s.At, s.Duration, s.Fraction, s.Multiplier), cancellation)
            .ConfigureAwait(false);
        var i = answer.Injection!;
        if (s.Json)
        {
            var json = JsonSerializer.SerializeToNode(i, RunFolderJson.Compact)!.AsObject();
            json["ok"] = true;
            json["safeHorizonSeconds"] = answer.SafeHorizonSeconds;
            Console.Out.WriteLine(json.ToJsonString());
        }
        else
            Console.Out.WriteLine($"injected #{i.Index} into {run.RunId}: {i.Kind} on {i.Target} at {Injections.Clock(SimTime.FromSeconds(i.AtSeconds).Micros)}"
                + (i.DurationSeconds > 0 ? $" for {Injections.Clock(SimTime.FromSeconds(i.DurationSeconds).Micros)}" : " until the end") + " (journaled; gridactors replay reproduces it)");
        return 0;
    }
}

public sealed class ReplaySettings : StoreSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("Id of a completed run.")]
    public string Run { get; init; } = "";

    [CommandOption("--executor <NAME>")]
    [Description("sequential (reference, default) or actors.")]
    [DefaultValue("sequential")]
    public string Executor { get; init; } = "sequential";

    [CommandOption("--json")]
    [Description("Print the replay's result as JSON.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        return Executor is "sequential" or "actors" ? ValidationResult.Success() : ValidationResult.Error($"--executor must be sequential or actors; got '{Executor}'");
    }
}

/// <summary><c>gridactors replay RUN</c>: re-runs a run's scenario and seed with its journaled injections and checks the digest (<see cref="Replay"/>).</summary>
public sealed class ReplayCommand : AsyncCommand<ReplaySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReplaySettings s, CancellationToken cancellation)
    {
        var o = await Replay.RunAsync(Stores.Existing(s.Db, s.Postgres), s.Run, s.Executor, cancellation).ConfigureAwait(false);
        if (s.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["runId"] = o.Run.RunId, ["executor"] = o.Executor, ["digest"] = o.Result.Digest, ["recordedDigest"] = o.Run.Digest, ["matches"] = o.Matches,
                ["events"] = o.Result.Events, ["wallSeconds"] = Math.Round(o.WallSeconds, 3), ["injections"] = o.Injections,
            }, RunFolderJson.Compact));
        else
        {
            Console.Out.WriteLine($"replayed {o.Run.RunId} with {o.Injections.Count} injection{(o.Injections.Count == 1 ? "" : "s")} ({o.Executor}, {o.Result.Events:N0} events, {o.WallSeconds:0.0} s)");
            Console.Out.WriteLine($"digest {o.Result.Digest}");
            Console.Out.WriteLine(o.Matches ? "matches the recorded run" : $"DIFFERS from the recorded digest {o.Run.Digest}");
        }
        return o.Matches ? 0 : 4;
    }
}
