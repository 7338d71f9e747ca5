using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GridActors.Hosting;
using GridActors.Hosting.Control;
using GridActors.Hosting.Inspection;
using GridActors.Hosting.Runs;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GridActors.WebConsole;

/// <summary>What the launch form sends (every field but the scenario optional; the scenario file's seed and horizon by default).</summary>
public sealed record LaunchRequest(string? Scenario, ulong? Seed = null, string? Until = null, string? Executor = null, int? Nodes = null,
    string? CheckpointEvery = null, double? Pace = null);

/// <summary>What the inject form sends: the fields of <c>gridactors inject</c>.</summary>
public sealed record InjectBody(string? Kind, string? Target, string? At = null, string? Duration = null, double? Fraction = null, double? Multiplier = null);

/// <summary>A row of the runs list that changed: the row and its table row as the runs page renders it (the page swaps it in).</summary>
public sealed record RunRowChange(RunRow Row, string Html);

/// <summary>The JSON API under <c>/api/…</c> (documented in README.md); the pages use nothing else.</summary>
public static class Api
{
    /// <summary>How often the live streams look at the registry.</summary>
    public static readonly TimeSpan StreamInterval = TimeSpan.FromMilliseconds(500);

    private static IResult Bad(string message) => Results.BadRequest(new ApiError(message));
    private static IResult NotFound(string message) => Results.NotFound(new ApiError(message));
    private static IResult UnknownRun(ConsoleServices s, string id) => NotFound($"unknown run '{id}' in {s.Options.Store.Display}");
    private static IResult Json(string json, int status = 200) => Results.Text(json, "application/json", statusCode: status);

    public static void Map(IEndpointRouteBuilder app, ConsoleServices s)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/runs", (string? scenario, string? status) =>
            Results.Ok(s.Runs().Where(r => Matches(r, scenario, status)).Select(RunRow.Of)));

        api.MapGet("/runs/stream", (string? scenario, string? status, CancellationToken ct) =>
            TypedResults.ServerSentEvents(RunChanges(s, scenario, status, ct)));

        api.MapGet("/runs/{id}", (string id) => s.Run(id) is { } run ? Results.Ok(s.Live(run)) : UnknownRun(s, id));

        api.MapGet("/runs/{id}/stream", (string id, CancellationToken ct) =>
            s.Run(id) is null ? UnknownRun(s, id) : TypedResults.ServerSentEvents(LiveChanges(s, id, ct)));

        api.MapGet("/scenarios", () => Results.Ok(s.Scenarios()));

        api.MapPost("/scenarios/validate", (LaunchRequest? body) =>
        {
            try
            {
                var sc = s.LoadScenario(body?.Scenario);
                return Results.Ok(new { ok = true, scenario = body!.Scenario, counts = sc.Counts, horizonHours = SimTime.ToHours(sc.HorizonMicros), seed = sc.Seed });
            }
            catch (ScenarioException ex) { return Invalid(ex); }
            catch (UserInputException ex) { return Bad(ex.Message); }
        });

        api.MapPost("/runs", async (LaunchRequest? body, CancellationToken ct) =>
        {
            List<string> args;
            try { args = LaunchArguments(s, body); }
            catch (ScenarioException ex) { return Invalid(ex); }
            catch (UserInputException ex) { return Bad(ex.Message); }
            try
            {
                var runId = await s.Launcher.LaunchAsync(args, ct).ConfigureAwait(false);
                return Results.Created($"/api/runs/{runId}", new { runId });
            }
            catch (UserInputException ex) { return Bad(ex.Message); }
        });

        api.MapGet("/runs/{id}/targets", (string id) =>
        {
            if (s.Run(id) is not { } run) return UnknownRun(s, id);
            var spec = s.ModelOf(run).Spec;
            return Results.Ok(FaultKinds.Infos.Select(k => new
            {
                kind = k.Name, help = k.Help, targetKind = k.Target.Name,
                targets = (k.TargetsAll ? ["all"] : Array.Empty<string>()).Concat(k.Target.Ids(spec)),
            }));
        });

        api.MapGet("/runs/{id}/injections", (string id) =>
            s.Run(id) is null ? UnknownRun(s, id) : Results.Ok(s.Registry.Injections(id).Select(InjectionRow.Of)));

        api.MapPost("/runs/{id}/injections", async (string id, InjectBody? body, CancellationToken ct) =>
        {
            if (s.Run(id) is null) return UnknownRun(s, id);
            if (body is null || string.IsNullOrWhiteSpace(body.Kind) || string.IsNullOrWhiteSpace(body.Target))
                return Bad($"an injection needs a kind ({string.Join(", ", FaultKinds.All)}) and a target");
            try
            {
                var request = new InjectRequest(body.Kind, body.Target, string.IsNullOrWhiteSpace(body.At) ? null : body.At,
                    string.IsNullOrWhiteSpace(body.Duration) ? null : body.Duration, body.Fraction ?? 1, body.Multiplier ?? 1);
                var (_, answer) = await InjectionClient.InjectAsync(s.Registry, id, request, ct).ConfigureAwait(false);
                var i = answer.Injection!;
                return Results.Created($"/api/runs/{id}/injections", new
                {
                    index = i.Index, kind = i.Kind, target = i.Target, atSeconds = i.AtSeconds, durationSeconds = i.DurationSeconds,
                    fraction = i.Fraction, multiplier = i.Multiplier, safeHorizonSeconds = answer.SafeHorizonSeconds,
                });
            }
            catch (UserInputException ex) { return Bad(ex.Message); }
        });

        api.MapPost("/runs/{id}/replay", (string id, string? executor) =>
        {
            if (s.Run(id) is not { } run) return UnknownRun(s, id);
            executor ??= "sequential";
            if (executor is not ("sequential" or "actors")) return Bad($"executor must be sequential or actors; got '{executor}'");
            if (run.Status != "completed" || run.Digest is null)
                return Bad($"run '{run.RunId}' is {run.Status}: only a completed run has a digest to reproduce");
            if (s.Launcher.Replay(id) is { State: "running" }) return Bad($"run '{run.RunId}' is being replayed already");
            s.Launcher.StartReplay(id, executor);
            return Results.Accepted($"/api/runs/{id}/replay", new { state = "running" });
        });

        api.MapGet("/runs/{id}/replay", (string id) =>
        {
            if (s.Run(id) is null) return UnknownRun(s, id);
            if (s.Launcher.Replay(id) is not { } job) return NotFound($"run '{id}' has not been replayed from this console");
            List<string> err;
            lock (job.Stderr) err = [.. job.Stderr];
            return Results.Ok(new { state = job.State, result = job.Result is null ? (JsonElement?)null : JsonDocument.Parse(job.Result).RootElement, stderr = err });
        });

        api.MapGet("/runs/{id}/map.svg", (string id, string? at) =>
        {
            if (s.Run(id) is not { } run) return UnknownRun(s, id);
            double? hours = null;
            if (at is not null)
            {
                try { hours = RunInspector.ParseAt(at, run) / (double)SimTime.MicrosPerHour; }
                catch (UserInputException ex) { return Bad(ex.Message); }
            }
            return Results.Text(s.Map(run, hours), "image/svg+xml");
        });

        api.MapGet("/runs/{id}/charts", async (string id, CancellationToken ct) =>
            s.Run(id) is { } run ? Results.Text(await s.ChartsAsync(run, ct).ConfigureAwait(false), "text/html; charset=utf-8") : UnknownRun(s, id));

        api.MapGet("/runs/{id}/overview", (string id) =>
            s.Run(id) is null ? UnknownRun(s, id) : Guard(() => Json(InspectionJson.Overview(s.Inspector.Overview(id)))));

        api.MapGet("/runs/{id}/entities", (string id) =>
        {
            if (s.Run(id) is not { } run) return UnknownRun(s, id);
            var spec = s.ModelOf(run).Spec;
            return Results.Ok(EntityKinds.All.Select(k => new { kind = k.Name, entities = k.Ids(spec) }).Where(k => k.entities.Count > 0));
        });

        api.MapGet("/runs/{id}/entities/{kind}/{name}", (string id, string kind, string name, string? at, bool? events) =>
        {
            if (s.Run(id) is not { } run) return UnknownRun(s, id);
            return Guard(() =>
            {
                long? micros = at is null ? null : RunInspector.ParseAt(at, run);
                return Json(InspectionJson.Entity(s.Inspector.Entity(id, kind + "/" + name, micros, events ?? false)));
            });
        });

        api.MapGet("/runs/{id}/entities/{kind}/{name}/times", (string id, string kind, string name) =>
        {
            if (s.Run(id) is null) return UnknownRun(s, id);
            return Guard(() =>
            {
                var (checkpoints, changes) = s.Inspector.Times(id, kind + "/" + name);
                return Results.Ok(new { checkpoints = checkpoints.Select(c => new { k = c.K, t = c.TimeMicros }), changes });
            });
        });

        api.MapGet("/compare", (string? a, string? b) =>
        {
            if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return Bad("compare needs two runs: /api/compare?a=RUN_A&b=RUN_B");
            if (s.Run(a) is null) return UnknownRun(s, a);
            if (s.Run(b) is null) return UnknownRun(s, b);
            return Guard(() => Json(InspectionJson.Diff(s.Inspector.Diff(a, b))));
        });
    }

    private static IResult Guard(Func<IResult> f)
    {
        try { return f(); }
        catch (UserInputException ex) { return Bad(ex.Message); }
    }

    private static IResult Invalid(ScenarioException ex) => Results.BadRequest(new ApiError(
        $"the scenario is invalid ({ex.Errors.Count} problem{(ex.Errors.Count == 1 ? "" : "s")}); first: {ex.Errors[0]}",
        [.. ex.Errors.Select(e => new ScenarioProblem(e.File, e.Line, e.Column, e.Message))]));

    public static bool Matches(Persistence.RunRecord r, string? scenario, string? status) =>
        (string.IsNullOrEmpty(scenario) || Path.GetFileName(r.Scenario) == scenario || r.Scenario == scenario)
        && (string.IsNullOrEmpty(status) || r.Status == status);

    /// <summary>The <c>gridactors run</c> arguments for a launch request, checked as the command line checks them (the scenario loaded and
    /// validated first).</summary>
    private static List<string> LaunchArguments(ConsoleServices s, LaunchRequest? body)
    {
        if (body is null) throw new UserInputException("send the launch as JSON: {\"scenario\": \"small.yaml\", …}");
        var scenario = s.LoadScenario(body.Scenario);
        var executor = body.Executor ?? "actors";
        if (executor is not ("sequential" or "actors")) throw new UserInputException($"executor must be sequential or actors; got '{executor}'");
        int nodes = body.Nodes ?? 1;
        if (nodes is < 1 or > 16) throw new UserInputException($"nodes must be 1 to 16 (local processes); got {nodes}");
        if (nodes > 1 && executor != "actors") throw new UserInputException("nodes above 1 need the actors executor");
        double pace = body.Pace ?? 0;
        if (pace < 0 || !double.IsFinite(pace)) throw new UserInputException($"pace must be a non-negative number of simulated seconds per second; got {pace}");
        if (pace > 0 && executor != "actors") throw new UserInputException("pace needs the actors executor");
        var args = new List<string> { Path.GetFullPath(Path.Combine(s.Options.ScenariosDir, body.Scenario!)), "--executor", executor };
        if (body.Seed is { } seed) args.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        if (!string.IsNullOrWhiteSpace(body.Until))
        {
            long until = Durations.Parse("until", body.Until);
            if (until <= 0) throw new UserInputException($"until must be a positive duration; got '{body.Until}'");
            args.AddRange(["--until", body.Until]);
        }
        if (!string.IsNullOrWhiteSpace(body.CheckpointEvery))
        {
            if (body.CheckpointEvery != "0" && Durations.Parse("checkpointEvery", body.CheckpointEvery) < 0)
                throw new UserInputException($"checkpointEvery must not be negative; got '{body.CheckpointEvery}'");
            args.AddRange(["--checkpoint-every", body.CheckpointEvery]);
        }
        if (nodes > 1) args.AddRange(["--nodes", nodes.ToString(CultureInfo.InvariantCulture)]);
        if (pace > 0) args.AddRange(["--pace", pace.ToString("R", CultureInfo.InvariantCulture)]);
        _ = scenario;
        return args;
    }

    /// <summary>Rows of the runs list that changed (or appeared) since the stream began, every <see cref="StreamInterval"/> × 2.</summary>
    private static async IAsyncEnumerable<SseItem<IReadOnlyList<RunRowChange>>> RunChanges(ConsoleServices s, string? scenario, string? status,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var seen = s.Runs().ToDictionary(r => r.RunId, r => r.Updated, StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(StreamInterval * 2, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { yield break; }
            var changed = new List<RunRowChange>();
            foreach (var r in s.Runs())
                if (!seen.TryGetValue(r.RunId, out var u) || u != r.Updated)
                {
                    seen[r.RunId] = r.Updated;
                    if (Matches(r, scenario, status)) changed.Add(new RunRowChange(RunRow.Of(r), Pages.Row(RunRow.Of(r))));
                }
            if (changed.Count > 0) yield return new SseItem<IReadOnlyList<RunRowChange>>(changed, "runs");
        }
    }

    /// <summary>The live view of one run every <see cref="StreamInterval"/> while it changes; ends a little after the run ended.</summary>
    private static async IAsyncEnumerable<SseItem<LiveRun>> LiveChanges(ConsoleServices s, string id, [EnumeratorCancellation] CancellationToken ct)
    {
        string? last = null;
        while (!ct.IsCancellationRequested)
        {
            if (s.Run(id) is not { } run) yield break;
            var live = s.Live(run);
            var json = JsonSerializer.Serialize(live);
            if (json != last)
            {
                last = json;
                yield return new SseItem<LiveRun>(live, "live");
            }
            try { await Task.Delay(StreamInterval, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { yield break; }
        }
    }
}
