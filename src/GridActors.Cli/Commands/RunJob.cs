using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime;
using GridActors.Scenarios;
using Spectre.Console;

namespace GridActors.Cli.Commands;

/// <summary>Where the CLI keeps state: <c>--db PATH</c> (SQLite, default runs/gridactors.db) or <c>--postgres CONN</c>.</summary>
public static class StoreOptions
{
    public static Store Resolve(string? db, string? postgres, bool create)
    {
        if (postgres is not null) return Store.Postgres(postgres);
        var path = db ?? Store.DefaultSqlitePath;
        if (!create && !File.Exists(path)) throw new UserInputException($"database file not found: {path}");
        if (create) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return Store.Sqlite(path);
    }

    /// <summary>Opens an existing registry for reading or resuming; refuses a foreign or missing database.</summary>
    public static RunRegistry Existing(string? db, string? postgres, bool write = false)
    {
        var writable = Resolve(db, postgres, create: false);
        var store = writable.AsReadOnly();
        var registry = new RunRegistry(store);
        bool ok;
        try { ok = registry.HasSchema(); }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException)
        {
            throw new UserInputException($"{store.Display} is not a GridActors database: {ex.Message}");
        }
        if (!ok) throw new UserInputException($"{store.Display} is not a GridActors database (no run registry)");
        return write ? new RunRegistry(writable) : registry;
    }

    /// <summary>The scenario a run was started with (its text is stored in the registry).</summary>
    public static Scenario ScenarioOf(RunRecord run)
    {
        try { return ScenarioLoader.Load(run.Scenario, run.ScenarioText); }
        catch (ScenarioException ex) { throw new UserInputException($"the scenario stored with run '{run.RunId}' no longer loads: {ex.Errors[0]}"); }
    }
}

/// <summary>Runs (or resumes) one registered run and keeps the registry up to date.</summary>
public sealed class RunJob(string runId, Scenario scenario, ulong seed, long horizon, string executor, int threads, int partitions,
    long checkpointEvery, Store store, RunRegistry registry, string outDir, bool json)
{
    public async Task<int> ExecuteAsync((int K, long Micros)? resume, CancellationToken cancellation)
    {
        var model = new SupplyChainModel(scenario.Spec);
        var runSettings = new RunSettings(seed, new SimTime(horizon));
        var sw = Stopwatch.StartNew();
        bool interactive = !json && !Console.IsOutputRedirected;
        var lastRegistryUpdate = Stopwatch.StartNew();
        void Report(SimTime t, long events)
        {
            if (interactive) Progress(t, events, horizon, sw);
            if (lastRegistryUpdate.Elapsed.TotalSeconds >= 1)
            {
                lastRegistryUpdate.Restart();
                try { registry.Progress(runId, t.TotalSeconds); } catch (Exception) { /* progress is best effort */ }
            }
        }
        RunResult result;
        try
        {
            if (executor == "sequential")
            {
                result = await Task.Run(() => new SequentialExecutor().Run(model, runSettings, Report), cancellation)
                    .WaitAsync(cancellation).ConfigureAwait(false);
            }
            else
            {
                var persistence = new PersistenceOptions(runId, store.AkkaConfig(), checkpointEvery,
                    resume is not null, resume?.K ?? 0, resume?.Micros ?? 0,
                    (k, t) => registry.Checkpoint(runId, k, t / 1e6));
                result = await new ActorExecutor(new ActorExecutorOptions(threads, Partitions: partitions, Persistence: persistence))
                    .RunAsync(model, runSettings, p => Report(p.Time, p.Events), cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            registry.Status(runId, "interrupted");
            throw;
        }
        catch (Exception ex)
        {
            registry.Status(runId, "failed", error: ex.Message);
            throw;
        }
        if (interactive) Console.Error.WriteLine();
        double wall = sw.Elapsed.TotalSeconds;
        var s = SupplyChainSummary.From(model, result);
        var summary = RunCommand.SummaryJson(runId, scenario, executor, seed, result, s, wall);
        RunFolder.Write(outDir, model, scenario, runId, executor, seed, result, s, summary);
        registry.Summary(runId, JsonSerializer.Serialize(summary));
        registry.Status(runId, "completed", result.Digest, result.End.TotalSeconds);
        if (json) Console.Out.WriteLine(JsonSerializer.Serialize(summary));
        else RunCommand.PrintTable(runId, outDir, result, s, wall);
        return s.EnergyConserved && s.RequestsConserved ? 0 : 3;
    }

    private static void Progress(SimTime t, long events, long horizon, Stopwatch sw)
    {
        double pct = 100.0 * t.Micros / horizon;
        double secs = sw.Elapsed.TotalSeconds;
        Console.Error.Write($"\r  simulated {t.TotalSeconds / 3600:0.00} h ({pct:0.0} %)  {events / Math.Max(secs, 1e-3):N0} events/s  {t.TotalSeconds / Math.Max(secs, 1e-3):N0} sim-s/s   ");
    }
}
