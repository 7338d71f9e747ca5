using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Bench;
using GridActors.Model.Phold;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class PholdSettings : CommandSettings
{
    [CommandOption("--lps <N>")]
    [Description("Number of logical processes (entities, one actor each).")]
    [DefaultValue(2048)]
    public int Lps { get; init; } = 2048;

    [CommandOption("--population <P>")]
    [Description("Initial events per LP (events pending at any time = lps × population).")]
    [DefaultValue(16)]
    public int Population { get; init; } = 16;

    [CommandOption("--remote <FRACTION>")]
    [Description("Probability in [[0, 1]] that an event is sent to a uniformly chosen other LP instead of itself.")]
    [DefaultValue(0.25)]
    public double Remote { get; init; } = 0.25;

    [CommandOption("--mean <SECONDS>")]
    [Description("Mean delay between an event and the one it schedules (simulated seconds).")]
    [DefaultValue(1.0)]
    public double Mean { get; init; } = 1.0;

    [CommandOption("--lookahead <SECONDS>")]
    [Description("Minimum delay of every event (simulated seconds, 0 < lookahead ≤ mean); the window width.")]
    [DefaultValue(0.1)]
    public double Lookahead { get; init; } = 0.1;

    [CommandOption("--end <SECONDS>")]
    [Description("Simulated end time; events before it are committed.")]
    [DefaultValue(500.0)]
    public double End { get; init; } = 500;

    [CommandOption("--seed <SEED>")]
    [Description("Run seed; every LP's random stream derives from (seed, LP id).")]
    [DefaultValue(1UL)]
    public ulong Seed { get; init; } = 1;

    [CommandOption("--executor <NAME>")]
    [Description("sequential (reference, one thread, one global queue), windowed (per-entity queues, one thread, no actors) or actors (one Akka.NET actor per LP).")]
    [DefaultValue("actors")]
    public string Executor { get; init; } = "actors";

    [CommandOption("--threads <N>")]
    [Description("Threads of the actor executor's dispatcher (0 = one per core).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("--throughput <N>")]
    [Description("Messages an actor handles before yielding its thread (actor executor).")]
    [DefaultValue(100)]
    public int Throughput { get; init; } = 100;

    [CommandOption("--dispatcher <KIND>")]
    [Description("Dispatcher of the actor executor: fork-join (dedicated threads), thread-pool or channel.")]
    [DefaultValue("fork-join")]
    public string Dispatcher { get; init; } = "fork-join";

    [CommandOption("--partitions <N>")]
    [Description("Node schedulers in the process for the actor executor, each driving a block of LPs (0 = one per thread).")]
    [DefaultValue(0)]
    public int Partitions { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object on stdout instead of a table.")]
    public bool Json { get; init; }

    [CommandOption("--nodes <N>")]
    [Description("actors: a local cluster of N processes (this one plus N−1 workers on loopback); windowed: N nodes simulated in this thread. LPs are spread over them in blocks.")]
    public int? Nodes { get; init; }

    [CommandOption("--leases")]
    [Description("Let the nodes run multi-window leases on each other's promises (windowed, or actors with several partitions; cluster nodes always may).")]
    public bool Leases { get; init; }

    public PholdParameters ToParameters() => new(Lps, Population, Remote, Mean, Lookahead, End, Seed);

    public PholdBenchOptions ToOptions() => new(ToParameters(), Executor, Threads, Throughput, Dispatcher, Partitions, Nodes, Leases);

    public override ValidationResult Validate()
    {
        if (ToParameters().Problem() is string problem) return ValidationResult.Error(problem);
        if (!PholdBench.Executors.Contains(Executor))
            return ValidationResult.Error($"--executor must be one of {string.Join(", ", PholdBench.Executors)}; got '{Executor}'");
        if (Dispatcher is not ("fork-join" or "thread-pool" or "channel"))
            return ValidationResult.Error($"--dispatcher must be fork-join, thread-pool or channel; got '{Dispatcher}'");
        if (Threads < 0) return ValidationResult.Error($"--threads must not be negative, got {Threads}");
        if (Nodes is < 1 or > 64) return ValidationResult.Error($"--nodes must be between 1 and 64, got {Nodes}");
        if (Nodes is not null && Executor == "sequential") return ValidationResult.Error("--nodes needs the actors or windowed executor");
        if (Throughput < 1) return ValidationResult.Error($"--throughput must be at least 1, got {Throughput}");
        return ValidationResult.Success();
    }
}

public sealed class PholdCommand : AsyncCommand<PholdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PholdSettings settings, CancellationToken cancellation)
    {
        var bench = await PholdBench.RunAsync(settings.ToOptions(), Console.Error.WriteLine, cancellation).ConfigureAwait(false);
        var result = bench.Result;
        var stats = result.Stats;
        if (settings.Json)
        {
            var json = new Dictionary<string, object?>
            {
                ["model"] = "phold",
                ["executor"] = settings.Executor,
                ["lps"] = settings.Lps,
                ["population"] = settings.Population,
                ["remote"] = settings.Remote,
                ["mean"] = settings.Mean,
                ["lookahead"] = settings.Lookahead,
                ["end"] = settings.End,
                ["seed"] = settings.Seed,
                ["events"] = result.Events,
                ["remoteEvents"] = (long)result.Metric("remote"),
                ["wallSeconds"] = Math.Round(result.WallSeconds, 4),
                ["eventsPerSecond"] = Math.Round(bench.EventsPerSecond),
                ["wallSecondsWithStartup"] = Math.Round(bench.WallSecondsWithStartup, 4),
                ["digest"] = result.Digest,
                ["windows"] = stats.Windows,
                ["rounds"] = stats.Rounds,
                ["activations"] = stats.Activations,
                ["messagesPerEvent"] = result.Events == 0 ? 0 : Math.Round(2.0 * stats.Activations / result.Events, 4),
                ["allocatedBytesPerEvent"] = Math.Round(bench.AllocatedBytesPerEvent, 2),
                ["gen0Collections"] = bench.Gen0Collections,
                ["peakWorkingSetMB"] = Math.Round(bench.PeakWorkingSetBytes / 1048576.0, 1),
                ["engineVersion"] = EngineInfo.Version,
            };
            foreach (var (k, v) in JsonSerializer.SerializeToNode(bench.Cluster, GridActors.Reports.Format.RunFolderJson.Compact)!.AsObject()) json[k] = v?.DeepClone();
            Console.Out.WriteLine(JsonSerializer.Serialize(json, GridActors.Reports.Format.RunFolderJson.Compact));
        }
        else
        {
            var t = new Table().AddColumn("PHOLD").AddColumn(new TableColumn("").RightAligned());
            t.AddRow("executor", settings.Executor);
            t.AddRow("committed events", result.Events.ToString("N0", CultureInfo.InvariantCulture));
            t.AddRow("wall seconds", result.WallSeconds.ToString("0.000", CultureInfo.InvariantCulture));
            t.AddRow("events/s", bench.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
            t.AddRow("wall seconds incl. start-up", bench.WallSecondsWithStartup.ToString("0.000", CultureInfo.InvariantCulture));
            if (stats.Windows > 0)
            {
                t.AddRow("windows", stats.Windows.ToString("N0", CultureInfo.InvariantCulture));
                t.AddRow("activations per window", (stats.Activations / (double)stats.Windows).ToString("0.0", CultureInfo.InvariantCulture));
                t.AddRow("messages per event", (2.0 * stats.Activations / Math.Max(1, result.Events)).ToString("0.000", CultureInfo.InvariantCulture));
            }
            t.AddRow("allocated bytes per event", bench.AllocatedBytesPerEvent.ToString("0.00", CultureInfo.InvariantCulture));
            t.AddRow("peak working set", (bench.PeakWorkingSetBytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MB");
            AnsiConsole.Write(t);
            Console.Out.WriteLine("digest " + result.Digest);
        }
        return 0;
    }
}
