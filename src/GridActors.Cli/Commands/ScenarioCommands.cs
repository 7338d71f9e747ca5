using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class ValidateSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Scenario file (YAML).")]
    public string File { get; init; } = "";
}

/// <summary><c>gridactors validate FILE</c>: entity counts, or every error as FILE:LINE:COL: message.</summary>
public sealed class ValidateCommand : Command<ValidateSettings>
{
    public override int Execute(CommandContext context, ValidateSettings settings, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(settings.File);
        if (scenario is null) return 1;
        Console.Out.WriteLine($"{settings.File}: valid — {scenario.Counts}; horizon {SimTime.ToHours(scenario.HorizonMicros):0.##} h, seed {scenario.Seed}");
        return 0;
    }
}

public sealed class RunSettingsCli : ClusterSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Scenario file (YAML).")]
    public string File { get; init; } = "";

    [CommandOption("--seed <N>")]
    [Description("Run seed (overrides the file's time.seed).")]
    public ulong? Seed { get; init; }

    [CommandOption("--until <DURATION>")]
    [Description("Simulated duration, e.g. 6h or '90 min' (overrides the file's time.horizon).")]
    public string? Until { get; init; }

    [CommandOption("--executor <NAME>")]
    [Description("sequential (reference) or actors (one Akka.NET actor per entity).")]
    [DefaultValue("actors")]
    public string Executor { get; init; } = "actors";

    [CommandOption("--threads <N>")]
    [Description("Dispatcher threads of the actor executor (0 = automatic: one per core for ≥ 512 entities, else one).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("--partitions <N>")]
    [Description("Node schedulers in the process for the actor executor (0 = one per thread).")]
    [DefaultValue(0)]
    public int Partitions { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Run folder (default runs/<runId>).")]
    public string? Out { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object with the run's summary on stdout.")]
    public bool Json { get; init; }

    [CommandOption("--no-store")]
    [Description("Keep no actor state in the store: no checkpoints, so no inspect and no fail-over beyond restarting from the start (the run is still registered). For large throw-away runs: persistent entity actors each cost a store round trip at start.")]
    public bool NoStore { get; init; }

    [CommandOption("--outage <KIND:TARGET>")]
    [Description("Take one component out for the whole run, e.g. cable-cut:sjc2 (an injection at time 0, journaled like gridactors inject; what sweep runs).")]
    public string[] Outages { get; init; } = [];

    [CommandOption("--no-report")]
    [Description("Do not write report.html into the run folder.")]
    public bool NoReport { get; init; }

    [CommandOption("--pace <SIM_SECONDS_PER_SECOND>")]
    [Description("Run no faster than this many simulated seconds per wall second (actors executor), e.g. 600 = ten simulated minutes per second: to watch a run and inject faults into it. 0 = as fast as possible.")]
    [DefaultValue(0.0)]
    public double Pace { get; init; }

    [CommandOption("--checkpoint-every <DURATION>")]
    [Description("Simulated time between checkpoints (actors executor), e.g. 1h; 0 disables.")]
    [DefaultValue("1h")]
    public string CheckpointEvery { get; init; } = "1h";

    public override ValidationResult Validate()
    {
        var cluster = base.Validate();
        if (!cluster.Successful) return cluster;
        if (Clustered && Executor != "actors") return ValidationResult.Error("--nodes and --seed-nodes need the actors executor");
        if (CheckpointEvery != "0" && !Quantity.TryParseDuration(InsertSpace(CheckpointEvery), out _, out var ce))
            return ValidationResult.Error("--checkpoint-every: " + ce);
        if (Executor is not ("sequential" or "actors"))
            return ValidationResult.Error($"--executor must be sequential or actors; got '{Executor}'");
        if (Threads < 0 || Partitions < 0) return ValidationResult.Error("--threads and --partitions must not be negative");
        if (Pace < 0 || double.IsNaN(Pace)) return ValidationResult.Error("--pace must not be negative");
        foreach (var o in Outages)
            if (o.Split(':') is not [{ Length: > 0 }, { Length: > 0 }]) return ValidationResult.Error($"--outage '{o}': expected KIND:TARGET, e.g. cable-cut:sjc2");
        if (Pace > 0 && Executor != "actors") return ValidationResult.Error("--pace needs the actors executor");
        if (Until is not null && !Quantity.TryParseDuration(InsertSpace(Until), out var t, out var error))
            return ValidationResult.Error("--until: " + error);
        return ValidationResult.Success();
    }

    /// <summary>Accepts "6h" as well as "6 h".</summary>
    public static string InsertSpace(string s)
    {
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        return i > 0 && i < s.Length && s[i] != ' ' ? s[..i] + " " + s[i..] : s;
    }
}

/// <summary>
/// <c>gridactors run FILE</c>: validates (nothing is written for an invalid file), runs, shows progress,
/// prints a summary and writes the run folder: run.json, summary.json and metric time series as CSV.
/// </summary>
public sealed class RunCommand : AsyncCommand<RunSettingsCli>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettingsCli settings, CancellationToken cancellation)
    {
        var scenario = ScenarioCli.Load(settings.File);
        if (scenario is null) return 1;
        long horizon = scenario.HorizonMicros;
        if (settings.Until is not null)
        {
            Quantity.TryParseDuration(RunSettingsCli.InsertSpace(settings.Until), out var t, out _);
            horizon = t.Micros;
        }
        ulong seed = settings.Seed ?? scenario.Seed;
        long every = settings.CheckpointEvery == "0" || settings.NoStore ? 0 : Every(settings.CheckpointEvery);
        var outages = new List<InjectionRecord>();
        var rules = FaultRules.For(scenario.Spec, horizon);
        foreach (var o in settings.Outages)
        {
            var kt = o.Split(':');
            if (kt[0] == FaultKinds.DemandSpike.Name)
                throw new UserInputException($"--outage '{o}': takes {string.Join(", ", FaultKinds.Infos.Where(k => k != FaultKinds.DemandSpike).Select(k => k.Name))}");
            var fault = new FaultSpec(kt[0], kt[1], 0, 0);
            if (rules.FirstProblem(fault) is string bad) throw new UserInputException("--outage: " + bad);
            outages.Add(new InjectionRecord(outages.Count, fault.Kind, fault.Target, fault.StartMicros, fault.DurationMicros, fault.Fraction, fault.Multiplier, 0,
                DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        }
        var store = Stores.Resolve(settings.Db, settings.Postgres, create: true);
        string runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + scenario.Spec.Name + "-s" + seed
            + "-" + Guid.NewGuid().ToString("N")[..6];
        var registry = new RunRegistry(store);
        registry.EnsureSchema();
        string now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        registry.Insert(new RunRecord(runId, scenario.Path, scenario.Hash, scenario.Text, seed, settings.Executor, settings.ToLaunch(0)?.RequiredNodes ?? 1,
            EngineInfo.Version, "running", 0, horizon / 1e6, 0, 0, every / 1e6, null, now, now, null));
        foreach (var o in outages) registry.Injection(runId, o);
        var job = new RunJob(runId, scenario, seed, horizon, settings.Executor, settings.Threads, settings.Partitions, every, store, registry,
            settings.Out ?? Path.Combine("runs", runId), settings.Json, settings.ToLaunch(settings.Threads), settings.NoStore, settings.Pace, !settings.NoReport);
        return await job.ExecuteAsync(resume: null, cancellation).ConfigureAwait(false);
    }

    public static long Every(string text)
    {
        Quantity.TryParseDuration(RunSettingsCli.InsertSpace(text), out var t, out _);
        return t.Micros;
    }

    public static Dictionary<string, object?> SummaryJson(string runId, Scenario scenario, string executor, ulong seed, RunResult r, SupplyChainSummary s, double wall) => new()
    {
        ["runId"] = runId,
        ["scenario"] = scenario.Path,
        ["scenarioHash"] = scenario.Hash,
        ["seed"] = seed,
        ["executor"] = executor,
        ["engineVersion"] = EngineInfo.Version,
        ["digest"] = r.Digest,
        ["events"] = r.Events,
        ["wallSeconds"] = Math.Round(wall, 3),
        ["simulationWallSeconds"] = Math.Round(r.WallSeconds, 3),
        ["checkpointWallSeconds"] = Math.Round(r.CheckpointSeconds, 3),
        ["simulatedSeconds"] = r.End.TotalSeconds,
        ["energy"] = new Dictionary<string, double>
        {
            ["generatedMWh"] = Math.Round(s.GeneratedMWh, 3), ["consumedMWh"] = Math.Round(s.ConsumedMWh, 3),
            ["lossesMWh"] = Math.Round(s.LossesMWh, 3), ["curtailedMWh"] = Math.Round(s.CurtailedMWh, 3),
            ["unservedMWh"] = Math.Round(s.UnservedMWh, 3), ["hubMWh"] = Math.Round(s.HubMWh, 3), ["carbonT"] = Math.Round(s.CarbonT, 3),
        },
        ["requests"] = new Dictionary<string, object>
        {
            ["arrived"] = s.Arrived, ["served"] = s.Served, ["queuedAtEnd"] = s.QueuedAtEnd, ["inFlightAtEnd"] = s.InFlightAtEnd,
            ["dropped"] = s.Dropped, ["droppedBy"] = s.DroppedBy, ["rerouted"] = s.Rerouted,
            ["atHubs"] = new Dictionary<string, double> { ["received"] = s.HubReceived, ["served"] = s.HubServed, ["dropped"] = s.HubDropped },
        },
        ["hubWaitMs"] = new Dictionary<string, double> { ["mean"] = Math.Round(s.HubWaitMsMean, 3) },
        ["tokens"] = new Dictionary<string, double> { ["served"] = s.TokensServed, ["arrived"] = s.TokensArrived },
        ["energyPerTokenJ"] = Math.Round(s.EnergyPerTokenJ, 6),
        ["costPerMillionTokensUsd"] = new Dictionary<string, double>
        {
            ["total"] = Math.Round(s.CostPerMillionTokens(s.CostElectricity + s.CostCapital + s.CostNetwork), 6),
            ["electricity"] = Math.Round(s.CostPerMillionTokens(s.CostElectricity), 6),
            ["capital"] = Math.Round(s.CostPerMillionTokens(s.CostCapital), 6),
            ["network"] = Math.Round(s.CostPerMillionTokens(s.CostNetwork), 6),
        },
        ["latencyMs"] = new Dictionary<string, double> { ["p50"] = Math.Round(s.P50, 2), ["p95"] = Math.Round(s.P95, 2), ["p99"] = Math.Round(s.P99, 2) },
        ["latencyMsByRegion"] = s.TtftByRegion.ToDictionary(kv => kv.Key, kv => new Dictionary<string, double>
        {
            ["p50"] = Math.Round(kv.Value.Percentile(0.5), 2), ["p95"] = Math.Round(kv.Value.Percentile(0.95), 2), ["p99"] = Math.Round(kv.Value.Percentile(0.99), 2),
        }),
        ["batchTurnaroundMs"] = Percentiles(s.BatchTurnaround),
        ["batchTurnaroundMsByRegion"] = s.BatchTurnaroundByRegion.ToDictionary(kv => kv.Key, kv => Percentiles(kv.Value)),
        ["sloViolationRate"] = Math.Round(s.SloViolationRate, 6),
        ["invariants"] = new Dictionary<string, object?>
        {
            ["energyConserved"] = s.EnergyConserved, ["requestsConserved"] = s.RequestsConserved,
            ["energyImbalance"] = s.EnergyImbalance, ["requestImbalance"] = s.RequestImbalance,
        },
    };

    private static Dictionary<string, double> Percentiles(LatencyHistogram h) => new()
    {
        ["p50"] = Math.Round(h.Percentile(0.5), 2), ["p95"] = Math.Round(h.Percentile(0.95), 2), ["p99"] = Math.Round(h.Percentile(0.99), 2),
    };

    public static void PrintTable(string runId, string outDir, RunResult r, SupplyChainSummary s, double wall)
    {
        string F(double v, string fmt = "N1") => v.ToString(fmt, CultureInfo.InvariantCulture);
        var t = new Table().AddColumn("run " + Markup.Escape(runId)).AddColumn(new TableColumn("").RightAligned());
        t.AddRow("events", F(r.Events, "N0"));
        t.AddRow("wall seconds", F(wall, "0.000"));
        t.AddRow("simulated hours", F(r.End.TotalSeconds / 3600, "0.##"));
        t.AddRow("generated / consumed MWh", $"{F(s.GeneratedMWh)} / {F(s.ConsumedMWh)}");
        t.AddRow("losses / curtailed MWh", $"{F(s.LossesMWh)} / {F(s.CurtailedMWh)}");
        t.AddRow("requests arrived / served / dropped", $"{F(s.Arrived, "N0")} / {F(s.Served, "N0")} / {F(s.Dropped, "N0")}");
        t.AddRow("TTFT p50 / p95 / p99 ms", $"{F(s.P50)} / {F(s.P95)} / {F(s.P99)}");
        t.AddRow("SLO violation rate", F(s.SloViolationRate, "P2"));
        t.AddRow("energy per token J", F(s.EnergyPerTokenJ, "0.000"));
        t.AddRow("USD per million tokens", F(s.CostPerMillionTokens(s.CostElectricity + s.CostCapital + s.CostNetwork), "0.0000"));
        t.AddRow("energy conserved / requests conserved", $"{s.EnergyConserved} / {s.RequestsConserved}");
        AnsiConsole.Write(t);
        Console.Out.WriteLine("digest " + r.Digest);
        Console.Out.WriteLine("run folder " + outDir);
    }
}

/// <summary>Shared scenario handling for the commands: load or print every error.</summary>
public static class ScenarioCli
{
    public static Scenario? Load(string file)
    {
        try
        {
            return ScenarioLoader.LoadFile(file);
        }
        catch (ScenarioException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine(e.ToString());
            return null;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"{file}: {ex.Message}");
            return null;
        }
    }
}

/// <summary>Writes a run folder: run.json, summary.json and time series as CSV (one file per entity kind).</summary>
public static class RunFolder
{
    public static void Write(string dir, SupplyChainModel model, Scenario scenario, string runId, string executor, ulong seed,
        RunResult r, SupplyChainSummary s, Dictionary<string, object?> summary, Dictionary<string, object?>? cluster = null, IReadOnlyList<FaultSpec>? injected = null)
    {
        var tmp = dir + ".partial";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        var opts = new JsonSerializerOptions { WriteIndented = true };
        var run = new Dictionary<string, object?>
        {
            ["runId"] = runId, ["scenario"] = scenario.Path, ["scenarioHash"] = scenario.Hash, ["seed"] = seed,
            ["executor"] = executor, ["nodes"] = 1, ["engineVersion"] = EngineInfo.Version,
            ["horizonSeconds"] = r.End.TotalSeconds, ["entities"] = model.EntityCount,
        };
        foreach (var (k, v) in cluster ?? []) run[k] = v;
        File.WriteAllText(Path.Combine(tmp, "run.json"), JsonSerializer.Serialize(run, opts));
        File.WriteAllText(Path.Combine(tmp, "summary.json"), JsonSerializer.Serialize(summary, opts));
        foreach (var kind in EntityKinds.All)
            if (kind.Csv is { } csv) WriteCsv(tmp, csv, s, kind.Prefix);
        var faults = new StringBuilder().AppendJoin(',', FaultStep.CsvColumns).Append('\n');
        foreach (var (h, f, begin) in s.FaultLog)
        {
            var spec = model.Spec.Faults[f];
            faults.Append(CultureInfo.InvariantCulture, $"{h:0.######},{f},{spec.Kind},{spec.Target},{(begin ? "begin" : "end")}\n");
        }
        // Injected faults follow the scenario's (numbered after them); they begin and end exactly when injected.
        int first = model.Spec.Faults.Count;
        var steps = new List<(double Hours, int Fault, FaultSpec Spec, bool Begin)>();
        for (int i = 0; i < (injected?.Count ?? 0); i++)
        {
            var f = injected![i];
            steps.Add((SimTime.ToHours(f.StartMicros), first + i, f, true));
            if (f.DurationMicros > 0 && f.StartMicros + f.DurationMicros < r.End.Micros) steps.Add((SimTime.ToHours(f.StartMicros + f.DurationMicros), first + i, f, false));
        }
        foreach (var (h, f, spec, begin) in steps.OrderBy(x => x.Hours).ThenBy(x => x.Fault))
            faults.Append(CultureInfo.InvariantCulture, $"{h:0.######},{f},{spec.Kind},{spec.Target},{(begin ? "begin" : "end")}\n");
        File.WriteAllText(Path.Combine(tmp, "faults.csv"), faults.ToString());
        File.WriteAllText(Path.Combine(tmp, "topology.json"), JsonSerializer.Serialize(Topology(model.Spec, r.End.TotalSeconds, injected), opts));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.Move(tmp, dir);
    }

    /// <summary>What the report's map and fault timeline need: every element with its place (regions sit at the mean
    /// of their plants and hubs; users where the scenario puts them, else null) and every fault.</summary>
    public static Dictionary<string, object?> Topology(SupplyChainSpec spec, double horizonSeconds, IReadOnlyList<FaultSpec>? injected = null)
    {
        var places = spec.Plants.Select(p => (p.Region, p.Lat, p.Lon)).Concat(spec.Hubs.Select(h => (h.Region, h.Lat, h.Lon)))
            .GroupBy(x => x.Region).ToDictionary(g => g.Key, g => (Lat: g.Average(x => x.Lat), Lon: g.Average(x => x.Lon)));
        double? Round(double? v) => v is double d ? Math.Round(d, 4) : null;
        return new()
        {
            ["name"] = spec.Name,
            ["horizonHours"] = horizonSeconds / 3600,
            ["dispatchIntervalHours"] = SimTime.ToHours(spec.DispatchIntervalMicros),
            ["policy"] = spec.Policy.Name,
            ["plants"] = spec.Plants.Select(p => new Dictionary<string, object?>
            {
                ["id"] = p.Id, ["region"] = p.Region, ["type"] = p.Type.ToString().ToLowerInvariant(), ["capacityMW"] = p.CapacityMW, ["lat"] = p.Lat, ["lon"] = p.Lon,
            }).ToArray(),
            ["regions"] = spec.Regions.Select(g => new Dictionary<string, object?>
            {
                ["id"] = g.Id, ["backgroundLoadMW"] = g.BackgroundLoadMW,
                ["lat"] = places.TryGetValue(g.Id, out var at) ? Round(at.Lat) : null, ["lon"] = places.TryGetValue(g.Id, out var at2) ? Round(at2.Lon) : null,
            }).ToArray(),
            ["links"] = spec.Links.Select(l => new Dictionary<string, object?>
            {
                ["id"] = l.Id, ["from"] = l.From, ["to"] = l.To, ["capacityMW"] = l.CapacityMW, ["lengthKm"] = l.LengthKm,
            }).ToArray(),
            ["hubs"] = spec.Hubs.Select(h => new Dictionary<string, object?>
            {
                ["id"] = h.Id, ["region"] = h.Region, ["role"] = h.East ? "east" : "west", ["lat"] = h.Lat, ["lon"] = h.Lon, ["servers"] = h.Servers,
            }).ToArray(),
            ["cables"] = spec.Cables.Select(c => new Dictionary<string, object?>
            {
                ["id"] = c.Id, ["lengthKm"] = c.LengthKm, ["capacityTbps"] = c.CapacityTbps,
            }).ToArray(),
            ["users"] = spec.Users.Select(u => new Dictionary<string, object?>
            {
                ["id"] = u.Id, ["lat"] = u.Lat, ["lon"] = u.Lon, ["sloTtftMs"] = u.SloTtftMs,
                ["routes"] = u.Routes.Select(r => new Dictionary<string, object?> { ["hub"] = r.Hub, ["cable"] = r.Cable }).ToArray(),
            }).ToArray(),
            ["faults"] = spec.Faults.Select(f => (f, "scenario")).Concat((injected ?? []).Select(f => (f, "injected"))).Select((x, i) => new Dictionary<string, object?>
            {
                ["index"] = i, ["kind"] = x.f.Kind, ["target"] = x.f.Target, ["startHours"] = SimTime.ToHours(x.f.StartMicros),
                ["durationHours"] = SimTime.ToHours(x.f.DurationMicros), ["fraction"] = x.f.Fraction, ["multiplier"] = x.f.Multiplier, ["source"] = x.Item2,
            }).ToArray(),
        };
    }

    private static void WriteCsv(string dir, CsvTable csv, SupplyChainSummary s, string prefix)
    {
        var sb = new StringBuilder().AppendJoin(',', csv.Columns).Append('\n');
        foreach (var (key, series) in s.SeriesByEntity.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var row in series.Samples)
                sb.Append(key[prefix.Length..]).Append(',').AppendJoin(',', row.Values().Select(v => v.ToString("0.######", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(Path.Combine(dir, csv.File), sb.ToString());
    }
}
