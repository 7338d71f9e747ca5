using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Persistence;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public class StoreSettings : CommandSettings
{
    [CommandOption("--db <PATH>")]
    [Description("SQLite file (default runs/gridactors.db).")]
    public string? Db { get; init; }

    [CommandOption("--postgres <CONNECTION>")]
    [Description("PostgreSQL connection string instead of SQLite.")]
    public string? Postgres { get; init; }

    public override ValidationResult Validate() =>
        Db is not null && Postgres is not null ? ValidationResult.Error("--db and --postgres exclude each other") : ValidationResult.Success();
}

public sealed class RunsSettings : StoreSettings
{
    [CommandOption("--json")]
    [Description("Print a JSON array instead of a table.")]
    public bool Json { get; init; }
}

/// <summary><c>gridactors runs</c>: the run registry as a table or JSON array.</summary>
public sealed class RunsCommand : Command<RunsSettings>
{
    public override int Execute(CommandContext context, RunsSettings settings, CancellationToken cancellation)
    {
        var registry = Stores.Existing(settings.Db, settings.Postgres);
        var runs = registry.List();
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(runs.Select(r => new Dictionary<string, object?>
            {
                ["runId"] = r.RunId, ["scenario"] = r.Scenario, ["scenarioHash"] = r.ScenarioHash, ["seed"] = r.Seed,
                ["executor"] = r.Executor, ["nodes"] = r.Nodes, ["engineVersion"] = r.EngineVersion, ["status"] = r.Status,
                ["simulatedSeconds"] = r.SimulatedSeconds, ["horizonSeconds"] = r.HorizonSeconds, ["lastCheckpoint"] = r.LastCheckpoint,
                ["lastCheckpointSeconds"] = r.LastCheckpointSeconds, ["digest"] = r.Digest, ["created"] = r.Created, ["updated"] = r.Updated,
                ["error"] = r.Error,
            })));
            return 0;
        }
        var t = new Table().AddColumns("run", "scenario", "seed", "executor", "status", "simulated", "checkpoint", "digest");
        foreach (var r in runs)
            t.AddRow(Markup.Escape(r.RunId), Markup.Escape(Path.GetFileName(r.Scenario)), r.Seed.ToString(CultureInfo.InvariantCulture), r.Executor, r.Status,
                $"{r.SimulatedSeconds / 3600:0.##} / {r.HorizonSeconds / 3600:0.##} h",
                r.LastCheckpoint == 0 ? "-" : $"#{r.LastCheckpoint} at {r.LastCheckpointSeconds / 3600:0.##} h", (r.Digest ?? "")[..Math.Min(16, (r.Digest ?? "").Length)]);
        AnsiConsole.Write(t);
        return 0;
    }
}

public sealed class ResumeSettings : ClusterSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("Run id (see gridactors runs).")]
    public string Run { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Run folder (default runs/<runId>).")]
    public string? Out { get; init; }

    [CommandOption("--json")]
    [Description("Print the run's summary as JSON.")]
    public bool Json { get; init; }
}

/// <summary>
/// <c>gridactors resume RUN</c>: continues an interrupted run from its last complete checkpoint (<see cref="RunService.ResumeAsync"/>).
/// What the interrupted attempt wrote after that checkpoint is removed first, so the history has no duplicates.
/// </summary>
public sealed class ResumeCommand : AsyncCommand<ResumeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ResumeSettings settings, CancellationToken cancellation)
    {
        var registry = Stores.Existing(settings.Db, settings.Postgres, write: true);
        var run = Stores.Run(registry, settings.Run);
        var cluster = settings.ToLaunch(0);
        var observer = new ConsoleRunObserver(SimTime.FromSeconds(run.HorizonSeconds).Micros, cluster?.RequiredNodes ?? 1, settings.Json);
        var outcome = await RunService.ResumeAsync(registry, run.RunId, cluster, settings.Out, observer, cancellation).ConfigureAwait(false);
        return RunCommand.Print(outcome, observer, settings.Json);
    }
}
