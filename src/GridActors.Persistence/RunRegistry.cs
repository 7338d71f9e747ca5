using System.Data.Common;
using System.Globalization;

namespace GridActors.Persistence;

/// <summary>One row of the run registry.</summary>
public sealed record RunRecord(
    string RunId, string Scenario, string ScenarioHash, string ScenarioText, ulong Seed, string Executor, int Nodes,
    string EngineVersion, string Status, double SimulatedSeconds, double HorizonSeconds, int LastCheckpoint,
    double LastCheckpointSeconds, double CheckpointEverySeconds, string? Digest, string Created, string Updated, string? Error)
{
    /// <summary>The coordinating process of a run in progress, as <c>host:pid</c>.</summary>
    public string? Owner { get; init; }

    /// <summary>The loopback control endpoint (<c>host:port</c>) of a run in progress, for <c>gridactors inject</c>.</summary>
    public string? Control { get; init; }
}

/// <summary>A fault injected into a running run, as journaled (times in µs of simulated time).
/// <paramref name="AfterCheckpoint"/>: checkpoints begun before it was delivered.</summary>
public sealed record InjectionRecord(int Index, string Kind, string Target, long AtMicros, long DurationMicros, double Fraction, double Multiplier,
    int AfterCheckpoint, string Created);

/// <summary>
/// The run registry (table <c>gridactors_runs</c>) beside the Akka tables: every run with its scenario
/// (path, hash and text), seed, executor, node count, engine version, status
/// (running, completed, failed, interrupted), simulated progress, last complete checkpoint and digest.
/// </summary>
public sealed class RunRegistry(Store store)
{
    public const string Table = "gridactors_runs";
    public Store Store { get; } = store;

    public void EnsureSchema()
    {
        using var c = Store.Open();
        Exec(c, $"""
            CREATE TABLE IF NOT EXISTS {Table} (
              run_id TEXT PRIMARY KEY, scenario TEXT NOT NULL, scenario_hash TEXT NOT NULL, scenario_text TEXT NOT NULL,
              seed TEXT NOT NULL, executor TEXT NOT NULL, nodes INTEGER NOT NULL, engine_version TEXT NOT NULL,
              status TEXT NOT NULL, simulated_seconds DOUBLE PRECISION NOT NULL, horizon_seconds DOUBLE PRECISION NOT NULL,
              last_checkpoint INTEGER NOT NULL, last_checkpoint_seconds DOUBLE PRECISION NOT NULL,
              checkpoint_every_seconds DOUBLE PRECISION NOT NULL, digest TEXT NULL, created TEXT NOT NULL, updated TEXT NOT NULL, error TEXT NULL,
              summary_json TEXT NULL, owner TEXT NULL, control TEXT NULL)
            """);
        // Registries created by earlier versions lack later columns (Read relies on this column order).
        AddColumnIfMissing(c, "summary_json");
        AddColumnIfMissing(c, "owner");
        AddColumnIfMissing(c, "control");
        Exec(c, $"""
            CREATE TABLE IF NOT EXISTS {InjectionTable} (
              run_id TEXT NOT NULL, idx INTEGER NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,
              at_us BIGINT NOT NULL, duration_us BIGINT NOT NULL, fraction DOUBLE PRECISION NOT NULL, multiplier DOUBLE PRECISION NOT NULL,
              after_checkpoint INTEGER NOT NULL, created TEXT NOT NULL, PRIMARY KEY (run_id, idx))
            """);
    }

    /// <summary>Adds a nullable text column; tolerates another process adding it at the same moment (parallel runs on a new file).</summary>
    private static void AddColumnIfMissing(DbConnection c, string column)
    {
        bool Has()
        {
            try
            {
                using var probe = c.CreateCommand();
                probe.CommandText = $"SELECT {column} FROM {Table} WHERE 1 = 0";
                probe.ExecuteNonQuery();
                return true;
            }
            catch (DbException) { return false; }
        }
        if (Has()) return;
        try { Exec(c, $"ALTER TABLE {Table} ADD COLUMN {column} TEXT NULL"); }
        catch (DbException) when (Has()) { /* added by a concurrent process */ }
    }

    public const string InjectionTable = "gridactors_injections";

    /// <summary>Journals an injection (or updates the checkpoint it was last delivered after).</summary>
    public void Injection(string runId, InjectionRecord i)
    {
        using var c = Store.Open();
        Exec(c, $"""
            INSERT INTO {InjectionTable} (run_id, idx, kind, target, at_us, duration_us, fraction, multiplier, after_checkpoint, created)
            VALUES (@id, @i, @k, @t, @at, @d, @f, @m, @a, @c)
            ON CONFLICT (run_id, idx) DO UPDATE SET after_checkpoint = excluded.after_checkpoint
            """,
            ("@id", runId), ("@i", i.Index), ("@k", i.Kind), ("@t", i.Target), ("@at", i.AtMicros), ("@d", i.DurationMicros),
            ("@f", i.Fraction), ("@m", i.Multiplier), ("@a", i.AfterCheckpoint), ("@c", i.Created));
    }

    /// <summary>A run's injections in the order they were accepted (empty for registries without the table).</summary>
    public IReadOnlyList<InjectionRecord> Injections(string runId)
    {
        using var c = Store.Open();
        if (!StoreMaintenance.TableExists(c, InjectionTable)) return [];
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT idx, kind, target, at_us, duration_us, fraction, multiplier, after_checkpoint, created FROM {InjectionTable} WHERE run_id = @id ORDER BY idx";
        var p = cmd.CreateParameter(); p.ParameterName = "@id"; p.Value = runId; cmd.Parameters.Add(p);
        using var r = cmd.ExecuteReader();
        var list = new List<InjectionRecord>();
        while (r.Read())
            list.Add(new InjectionRecord(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), r.GetString(2),
                Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture),
                Convert.ToDouble(r.GetValue(5), CultureInfo.InvariantCulture), Convert.ToDouble(r.GetValue(6), CultureInfo.InvariantCulture),
                Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture), r.GetString(8)));
        return list;
    }

    /// <summary>Publishes (or, with null, withdraws) the run's control endpoint.</summary>
    public void Control(string runId, string? endpoint) => Update(runId, "control = @c", ("@c", (object?)endpoint));

    /// <summary>Records which process coordinates the run (this one).</summary>
    public void ClaimOwnership(string runId) => Update(runId, "owner = @o", ("@o", OwnerId));

    public static string OwnerId => OwnerIdOf(Environment.ProcessId);

    /// <summary>How the registry names process <paramref name="pid"/> of this host as a run's coordinator.</summary>
    public static string OwnerIdOf(int pid) => Environment.MachineName + ":" + pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs marked running whose coordinating process on this host is gone (killed, crashed): they are
    /// interrupted, and <c>gridactors resume</c> continues them. Runs coordinated from other hosts are not judged.
    /// </summary>
    public IReadOnlyList<RunRecord> Orphans()
    {
        var orphans = new List<RunRecord>();
        foreach (var run in ListBrief().Where(r => r.Status == "running" && r.Owner is not null))
        {
            int colon = run.Owner!.LastIndexOf(':');
            if (colon < 0 || run.Owner[..colon] != Environment.MachineName) continue;
            if (!int.TryParse(run.Owner[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            bool alive;
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); alive = !p.HasExited; }
            catch (ArgumentException) { alive = false; }
            catch (InvalidOperationException) { alive = false; }
            if (!alive) orphans.Add(run);
        }
        return orphans;
    }

    public void MarkInterrupted(RunRecord run) =>
        Status(run.RunId, "interrupted", error: $"coordinator process {run.Owner} ended without finishing the run");

    /// <summary>True when the database holds a GridActors run registry (used to refuse foreign files).</summary>
    public bool HasSchema()
    {
        using var c = Store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = Store.IsSqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='{Table}'"
            : $"SELECT COUNT(*) FROM information_schema.tables WHERE table_name='{Table}'";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    public void Insert(RunRecord r)
    {
        using var c = Store.Open();
        Exec(c, $"INSERT INTO {Table} (run_id, scenario, scenario_hash, scenario_text, seed, executor, nodes, engine_version, status, simulated_seconds, horizon_seconds, last_checkpoint, last_checkpoint_seconds, checkpoint_every_seconds, digest, created, updated, error, owner) VALUES (@id,@sc,@h,@txt,@seed,@ex,@n,@ev,@st,@sim,@hor,@lc,@lcs,@every,@d,@cr,@up,@err,@owner)",
            ("@id", r.RunId), ("@sc", r.Scenario), ("@h", r.ScenarioHash), ("@txt", r.ScenarioText), ("@seed", r.Seed.ToString(CultureInfo.InvariantCulture)),
            ("@ex", r.Executor), ("@n", r.Nodes), ("@ev", r.EngineVersion), ("@st", r.Status), ("@sim", r.SimulatedSeconds),
            ("@hor", r.HorizonSeconds), ("@lc", r.LastCheckpoint), ("@lcs", r.LastCheckpointSeconds), ("@every", r.CheckpointEverySeconds),
            ("@d", (object?)r.Digest), ("@cr", r.Created), ("@up", r.Updated), ("@err", (object?)r.Error), ("@owner", OwnerId));
    }

    public void Progress(string runId, double simulatedSeconds) =>
        Update(runId, "simulated_seconds = @v", ("@v", simulatedSeconds));

    public void Checkpoint(string runId, int k, double seconds) =>
        Update(runId, "last_checkpoint = @k, last_checkpoint_seconds = @s, simulated_seconds = CASE WHEN simulated_seconds < @s THEN @s ELSE simulated_seconds END",
            ("@k", k), ("@s", seconds));

    public void Status(string runId, string status, string? digest = null, double? simulatedSeconds = null, string? error = null)
    {
        var sets = new List<string> { "status = @st" };
        var ps = new List<(string, object?)> { ("@st", status) };
        if (digest is not null) { sets.Add("digest = @d"); ps.Add(("@d", digest)); }
        if (simulatedSeconds is not null) { sets.Add("simulated_seconds = @sim"); ps.Add(("@sim", simulatedSeconds)); }
        if (error is not null) { sets.Add("error = @e"); ps.Add(("@e", error)); }
        Update(runId, string.Join(", ", sets), ps.ToArray());
    }

    public void Summary(string runId, string json) => Update(runId, "summary_json = @j", ("@j", json));

    public void Nodes(string runId, int nodes) => Update(runId, "nodes = @n", ("@n", nodes));

    public string? SummaryOf(string runId)
    {
        using var c = Store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT summary_json FROM {Table} WHERE run_id = @id";
        var p = cmd.CreateParameter(); p.ParameterName = "@id"; p.Value = runId; cmd.Parameters.Add(p);
        return cmd.ExecuteScalar() as string;
    }

    public IReadOnlyList<RunRecord> List() => Query("*");

    /// <summary>The registry without each run's scenario text and summary (<see cref="RunRecord.ScenarioText"/> is empty): what a
    /// list of many runs needs, at a fraction of the bytes read.</summary>
    public IReadOnlyList<RunRecord> ListBrief() => Query(BriefColumns);

    private List<RunRecord> Query(string columns)
    {
        using var c = Store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {columns} FROM {Table} ORDER BY created, run_id";
        using var r = cmd.ExecuteReader();
        var list = new List<RunRecord>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    /// <summary>The columns of <see cref="Read"/>'s order with the scenario text and summary left empty.</summary>
    private const string BriefColumns = "run_id, scenario, scenario_hash, '' AS scenario_text, seed, executor, nodes, engine_version, status, simulated_seconds, "
        + "horizon_seconds, last_checkpoint, last_checkpoint_seconds, checkpoint_every_seconds, digest, created, updated, error, CAST(NULL AS TEXT) AS summary_json, owner, control";

    public RunRecord? Get(string runId)
    {
        using var c = Store.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT * FROM {Table} WHERE run_id = @id";
        var p = cmd.CreateParameter(); p.ParameterName = "@id"; p.Value = runId; cmd.Parameters.Add(p);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    private static RunRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ulong.Parse(r.GetString(4), CultureInfo.InvariantCulture),
        r.GetString(5), Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture), r.GetString(7), r.GetString(8),
        Convert.ToDouble(r.GetValue(9), CultureInfo.InvariantCulture), Convert.ToDouble(r.GetValue(10), CultureInfo.InvariantCulture),
        Convert.ToInt32(r.GetValue(11), CultureInfo.InvariantCulture), Convert.ToDouble(r.GetValue(12), CultureInfo.InvariantCulture),
        Convert.ToDouble(r.GetValue(13), CultureInfo.InvariantCulture), r.IsDBNull(14) ? null : r.GetString(14),
        r.GetString(15), r.GetString(16), r.IsDBNull(17) ? null : r.GetString(17))
    {
        Owner = r.FieldCount > 19 && !r.IsDBNull(19) ? r.GetString(19) : null,
        Control = r.FieldCount > 20 && !r.IsDBNull(20) ? r.GetString(20) : null,
    };

    private void Update(string runId, string set, params (string, object?)[] ps)
    {
        using var c = Store.Open();
        Exec(c, $"UPDATE {Table} SET {set}, updated = @now WHERE run_id = @id",
            [.. ps, ("@now", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)), ("@id", runId)]);
    }

    internal static int Exec(DbConnection c, string sql, params (string Name, object? Value)[] ps)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in ps)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd.ExecuteNonQuery();
    }
}
