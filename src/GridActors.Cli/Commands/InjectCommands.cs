using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Runtime;
using GridActors.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

/// <summary>Injected faults: between the registry's records, the model's fault specs and the run's external events.</summary>
public static class Injections
{
    public static FaultSpec Spec(InjectionRecord r) => new(r.Kind, r.Target, r.AtMicros, r.DurationMicros, r.Fraction, r.Multiplier);

    public static InjectionRecord Record(Injection i)
    {
        var f = (FaultSpec)i.Tag!;
        return new InjectionRecord(i.Index, f.Kind, f.Target, f.StartMicros, f.DurationMicros, f.Fraction, f.Multiplier, i.AfterCheckpoint,
            DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>A run's journaled injections as the model's external events.</summary>
    public static List<Injection> Recorded(SupplyChainModel model, IEnumerable<InjectionRecord> records) =>
        records.Select(r => new Injection(r.Index, r.AtMicros, model.InjectionEvents(r.Index, Spec(r)), r.AfterCheckpoint, Spec(r))).ToList();

    /// <summary>Simulated time as day.HH:MM:SS since the start.</summary>
    public static string Clock(long micros)
    {
        var t = TimeSpan.FromTicks(micros * 10);
        return (t.Days > 0 ? $"day {t.Days} " : "") + t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    public static Dictionary<string, object?> Json(FaultSpec f, int index) => new()
    {
        ["index"] = index, ["kind"] = f.Kind, ["target"] = f.Target, ["atSeconds"] = f.StartMicros / 1e6,
        ["durationSeconds"] = f.DurationMicros / 1e6, ["fraction"] = f.Fraction, ["multiplier"] = f.Multiplier,
    };

    /// <summary>Parses <c>+DURATION</c> (after the safe horizon), <c>DURATION</c> (since the start) or a clock time
    /// <c>[D.]HH:MM[:SS]</c> of the simulated days (day 0 = the scenario's start date), e.g. <c>+30min</c>, <c>14h</c>, <c>20:00</c>, <c>1.06:30</c>.</summary>
    public static bool TryParseAt(string? text, long safeMicros, out long micros, out string? error)
    {
        micros = safeMicros;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var clock = System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?$");
        if (clock.Success)
        {
            int day = clock.Groups[1].Success ? int.Parse(clock.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            int h = int.Parse(clock.Groups[2].Value, CultureInfo.InvariantCulture), m = int.Parse(clock.Groups[3].Value, CultureInfo.InvariantCulture);
            int sec = clock.Groups[4].Success ? int.Parse(clock.Groups[4].Value, CultureInfo.InvariantCulture) : 0;
            if (h > 23 || m > 59 || sec > 59)
            {
                error = $"--at '{text}': not a clock time (HH:MM[:SS] with HH < 24)";
                return false;
            }
            micros = (((day * 24L + h) * 60 + m) * 60 + sec) * 1_000_000;
            return true;
        }
        bool relative = text.StartsWith('+');
        if (!Quantity.TryParseDuration(RunSettingsCli.InsertSpace(relative ? text[1..] : text), out var t, out var e))
        {
            error = $"--at '{text}': {e} (use +DURATION after the current safe horizon, DURATION since the start or a clock time, e.g. +30min, 14h or 20:00)";
            return false;
        }
        micros = relative ? safeMicros + t.Micros : t.Micros;
        return true;
    }
}

/// <summary>
/// The run process's control endpoint on loopback: one JSON request per connection (a fault to inject), one JSON
/// answer once the coordinator accepted it at a window boundary (or why not). Its address is published in the registry.
/// </summary>
public sealed class ControlEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly SupplyChainModel _model;
    private readonly InjectionGate _gate;
    private readonly FaultValidator _rules;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Action<string> _log;

    public ControlEndpoint(SupplyChainModel model, InjectionGate gate, long endMicros, Action<string> log)
    {
        _model = model;
        _gate = gate;
        _rules = FaultRules.For(model.Spec, endMicros);
        _log = log;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public string Address => ((IPEndPoint)_listener.LocalEndpoint).ToString();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            var line = await reader.ReadLineAsync(_stop.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            var answer = await Handle(line).ConfigureAwait(false);
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(answer) + "\n");
            await stream.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception) { /* the client went away or the run is ending */ }
    }

    private static Dictionary<string, object?> Error(string message) => new() { ["ok"] = false, ["error"] = message };

    private async Task<Dictionary<string, object?>> Handle(string? line)
    {
        InjectRequest? req;
        try { req = line is null ? null : JsonSerializer.Deserialize<InjectRequest>(line); }
        catch (JsonException ex) { return Error("malformed request: " + ex.Message); }
        if (req is null) return Error("empty request");
        long safe = _gate.SafeHorizonMicros;
        if (!Injections.TryParseAt(req.At, safe, out long at, out var atError)) return Error(atError!);
        long duration = 0;
        if (req.Duration is { Length: > 0 } d)
        {
            if (!Quantity.TryParseDuration(RunSettingsCli.InsertSpace(d), out var dt, out var de)) return Error($"--duration '{d}': {de}");
            duration = dt.Micros;
        }
        var spec = new FaultSpec(req.Kind, req.Target, at, duration, req.Fraction, req.Multiplier);
        // The same rules as scenario files and run --outage (kind, target, start before the end, fraction, multiplier, duration).
        if (_rules.FirstProblem(spec) is string bad) return Error(bad);
        if (at < safe) return Error($"--at {Injections.Clock(at)} has already passed: the run is safe only from {Injections.Clock(safe)} on (use +DURATION for a time after it)");
        try
        {
            var injection = await _gate.Submit(at, i => _model.InjectionEvents(i, spec), spec).WaitAsync(TimeSpan.FromSeconds(60), _stop.Token).ConfigureAwait(false);
            _log($"injected #{injection.Index}: {spec.Kind} on {spec.Target} at {Injections.Clock(at)}" + (duration > 0 ? $" for {Injections.Clock(duration)}" : ""));
            var ok = Injections.Json(spec, injection.Index);
            ok["ok"] = true;
            ok["safeHorizonSeconds"] = safe / 1e6;
            return ok;
        }
        catch (InjectionRejectedException ex) { return Error(ex.Message); }
        catch (TimeoutException) { return Error("the run did not reach a window boundary within 60 s"); }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try { await _loop.ConfigureAwait(false); } catch (Exception) { /* stopping */ }
        _stop.Dispose();
    }
}

public sealed record InjectRequest(string Kind, string Target, string? At, string? Duration, double Fraction = 1, double Multiplier = 1);

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

/// <summary><c>gridactors inject RUN KIND TARGET</c>: sends a fault to a running run's coordinator; it is journaled with the run.</summary>
public sealed class InjectCommand : AsyncCommand<InjectSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, InjectSettings s, CancellationToken cancellation)
    {
        var registry = Stores.Existing(s.Db, s.Postgres);
        var run = registry.Get(s.Run) ?? throw new UserInputException($"unknown run '{s.Run}' in {registry.Store.Display}");
        if (run.Status != "running")
            throw new UserInputException($"run '{run.RunId}' is {run.Status}: faults can only be injected into a running run (gridactors replay re-runs a finished one with its injections)");
        // What can be checked before asking the run (its time and duration are checked there, by the same rules).
        var rules = FaultRules.For(Stores.ScenarioOf(run).Spec, SimTime.FromSeconds(run.HorizonSeconds).Micros);
        if (rules.FirstProblem(new FaultSpec(s.Kind, s.Target, 0, 0, s.Fraction, s.Multiplier)) is string bad) throw new UserInputException(bad);
        if (run.Control is not { } control)
            throw new UserInputException($"run '{run.RunId}' takes no injections ({(run.Executor == "sequential" ? "the sequential executor has no coordinator; use --executor actors" : "it publishes no control endpoint")})");
        var request = new InjectRequest(s.Kind, s.Target, s.At, s.Duration, s.Fraction, s.Multiplier);
        Dictionary<string, JsonElement>? answer;
        try
        {
            using var client = new TcpClient();
            var ep = IPEndPoint.Parse(control);
            await client.ConnectAsync(ep, cancellation).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request) + "\n"), cancellation).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var line = await reader.ReadLineAsync(cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(90), cancellation).ConfigureAwait(false);
            answer = line is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line);
        }
        catch (SocketException ex)
        {
            throw new UserInputException($"run '{run.RunId}' does not answer at {control} ({ex.Message}); has its process ended?");
        }
        if (answer is null) throw new UserInputException($"run '{run.RunId}' closed the connection without an answer (it may have just finished)");
        if (!answer["ok"].GetBoolean()) throw new UserInputException(answer["error"].GetString()!);
        if (s.Json) Console.Out.WriteLine(JsonSerializer.Serialize(answer));
        else
        {
            double at = answer["atSeconds"].GetDouble(), dur = answer["durationSeconds"].GetDouble();
            Console.Out.WriteLine($"injected #{answer["index"].GetInt32()} into {run.RunId}: {s.Kind} on {s.Target} at {Injections.Clock(SimTime.FromSeconds(at).Micros)}"
                + (dur > 0 ? $" for {Injections.Clock(SimTime.FromSeconds(dur).Micros)}" : " until the end") + " (journaled; gridactors replay reproduces it)");
        }
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

/// <summary><c>gridactors replay RUN</c>: re-runs a run's scenario and seed with its journaled injections and checks the digest.</summary>
public sealed class ReplayCommand : AsyncCommand<ReplaySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReplaySettings s, CancellationToken cancellation)
    {
        var registry = Stores.Existing(s.Db, s.Postgres);
        var run = registry.Get(s.Run) ?? throw new UserInputException($"unknown run '{s.Run}' in {registry.Store.Display}");
        if (run.Status != "completed" || run.Digest is null)
            throw new UserInputException($"run '{run.RunId}' is {run.Status}: only a completed run has a digest to reproduce (gridactors resume finishes an interrupted one)");
        var scenario = Stores.ScenarioOf(run);
        var model = new SupplyChainModel(scenario.Spec);
        var records = registry.Injections(run.RunId);
        var recorded = Injections.Recorded(model, records);
        var settings = new RunSettings(run.Seed, SimTime.FromSeconds(run.HorizonSeconds));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        RunResult result = s.Executor == "sequential"
            ? await Task.Run(() => new SequentialExecutor().Run(model, settings, external: recorded.SelectMany(i => i.Events).ToList()), cancellation).ConfigureAwait(false)
            : await new ActorExecutor(new ActorExecutorOptions(Control: new RunControl(new InjectionGate(recorded))))
                .RunAsync(model, settings, cancellation: cancellation).ConfigureAwait(false);
        bool same = result.Digest == run.Digest;
        if (s.Json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["runId"] = run.RunId, ["executor"] = s.Executor, ["digest"] = result.Digest, ["recordedDigest"] = run.Digest, ["matches"] = same,
                ["events"] = result.Events, ["wallSeconds"] = Math.Round(sw.Elapsed.TotalSeconds, 3),
                ["injections"] = records.Select(r => Injections.Json(Injections.Spec(r), r.Index)).ToArray(),
            }));
        else
        {
            Console.Out.WriteLine($"replayed {run.RunId} with {records.Count} injection{(records.Count == 1 ? "" : "s")} ({s.Executor}, {result.Events:N0} events, {sw.Elapsed.TotalSeconds:0.0} s)");
            Console.Out.WriteLine($"digest {result.Digest}");
            Console.Out.WriteLine(same ? "matches the recorded run" : $"DIFFERS from the recorded digest {run.Digest}");
        }
        return same ? 0 : 4;
    }
}
