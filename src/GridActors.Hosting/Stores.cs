using GridActors.Persistence;
using GridActors.Scenarios;

namespace GridActors.Hosting;

/// <summary>Where state is kept: a SQLite file (default <see cref="Store.DefaultSqlitePath"/>) or PostgreSQL, and the run registry in it.</summary>
public static class Stores
{
    /// <summary>The store named by <paramref name="db"/> or <paramref name="postgres"/>; <paramref name="create"/> makes the SQLite file's folder.</summary>
    public static Store Resolve(string? db, string? postgres, bool create)
    {
        if (postgres is not null) return Store.Postgres(postgres);
        var path = db ?? Store.DefaultSqlitePath;
        if (!create && !File.Exists(path)) throw new UserInputException($"database file not found: {path}");
        if (create) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return Store.Sqlite(path);
    }

    /// <summary>Opens an existing registry for reading (or, with <paramref name="write"/>, resuming); refuses a foreign or missing
    /// database. Runs whose coordinating process on this host died are marked interrupted on the way (only then is the file written).</summary>
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
        var orphans = registry.Orphans();
        if (orphans.Count > 0)
        {
            var writer = new RunRegistry(writable);
            writer.EnsureSchema();
            foreach (var run in orphans) writer.MarkInterrupted(run);
        }
        return write ? new RunRegistry(writable) : registry;
    }

    /// <summary>A registered run, or bad input naming the store.</summary>
    public static RunRecord Run(RunRegistry registry, string runId) =>
        registry.Get(runId) ?? throw new UserInputException($"unknown run '{runId}' in {registry.Store.Display}");

    /// <summary>The scenario a run was started with (its text is stored in the registry).</summary>
    public static Scenario ScenarioOf(RunRecord run)
    {
        try { return ScenarioLoader.Load(run.Scenario, run.ScenarioText); }
        catch (ScenarioException ex) { throw new UserInputException($"the scenario stored with run '{run.RunId}' no longer loads: {ex.Errors[0]}"); }
    }
}
