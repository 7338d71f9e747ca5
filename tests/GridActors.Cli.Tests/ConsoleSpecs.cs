using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GridActors.Persistence;
using GridActors.Reports.Tests;

namespace GridActors.Cli.Tests;

/// <summary>A <c>gridactors console</c> process on a free port, started in its own working folder (where the runs it launches write
/// their run folders); Dispose kills it and every process it started.</summary>
public sealed partial class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _p;
    private readonly List<string> _stdout = [];
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConsoleProcess(string workDir, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gridactors.dll"));
        psi.ArgumentList.Add("console");
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        _p = Process.Start(psi)!;
        _p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _url.TrySetException(new Xunit.Sdk.XunitException("console ended before listening:\n" + Stdout)); return; }
            lock (_stdout) _stdout.Add(e.Data);
            if (Listening().Match(e.Data) is { Success: true } m) _url.TrySetResult(m.Groups[1].Value);
        };
        _p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add("stderr: " + e.Data); };
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
    }

    [GeneratedRegex(@"^console listening on (http://\S+)")]
    private static partial Regex Listening();

    public string Url { get; private set; } = "";
    public string Stdout { get { lock (_stdout) return string.Join('\n', _stdout); } }
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(120) };

    public static async Task<ConsoleProcess> StartAsync(string workDir, params string[] args)
    {
        var c = new ConsoleProcess(workDir, ["--port", "0", .. args]);
        c.Url = await c._url.Task.WaitAsync(TimeSpan.FromSeconds(60));
        c.Http.BaseAddress = new Uri(c.Url);
        return c;
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        try { if (!_p.HasExited) _p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _p.WaitForExit(10_000);
        _p.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The web console (issue 18) with real processes and a real browser: launch a clustered, paced run from the page, watch it
/// move, inject a cable cut and see it on the map and in the registry, inspect a hub at a checkpoint exactly as <c>gridactors inspect</c>
/// does, replay from the page; the token rule beyond loopback; precise 4xx answers to bad input that write nothing.</summary>
public class ConsoleSpecs(ChromiumFixture browser) : IClassFixture<ChromiumFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-console-").FullName;
    private string Db => Path.Combine(_dir, "g.db");
    private string ScenarioDir => Path.Combine(_dir, "scenarios");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private void Scenarios()
    {
        Directory.CreateDirectory(ScenarioDir);
        var small = File.ReadAllText(Path.Combine(CliPaths.Repo(), "scenarios", "small.yaml"));
        File.WriteAllText(Path.Combine(ScenarioDir, "small.yaml"), small);
        File.WriteAllText(Path.Combine(ScenarioDir, "broken.yaml"), small.Replace("policy: latency-first", "policy: latency-first\nwarp_drive: on", StringComparison.Ordinal));
    }

    /// <summary>Polls in the page every 50 ms until <c>f()</c> is truthy (its value) or the deadline passes (an error naming what).</summary>
    private const string Until = """
        const until = (what, f, ms = 60000) => new Promise((resolve, reject) => {
          const t0 = Date.now();
          const tick = () => {
            let v; try { v = f(); } catch (e) { reject(e); return; }
            if (v) resolve(v); else if (Date.now() - t0 > ms) reject(new Error('timed out waiting for ' + what)); else setTimeout(tick, 50);
          };
          tick();
        });
        const text = sel => (document.querySelector(sel)?.textContent ?? '').trim();
        """;

    private static JsonObject Clean(Chromium.PageRun page, string origin, string what)
    {
        Assert.True(!page.Problems.Any(), $"{what}:\n" + string.Join("\n", page.Problems));
        Assert.All(page.Requests, u => Assert.True(u.StartsWith(origin, StringComparison.Ordinal) || u.StartsWith("data:", StringComparison.Ordinal), $"{what}: request outside the console's origin: {u}"));
        return Assert.IsType<JsonObject>(page.Value);
    }

    [Fact]
    public async Task A_clustered_run_is_launched_watched_injected_inspected_and_replayed_from_the_browser()
    {
        Scenarios();
        await using var console = await ConsoleProcess.StartAsync(_dir, "--db", Db, "--scenarios", ScenarioDir);
        await using var chromium = await Chromium.LaunchAsync(browser.Path);
        var origin = console.Url;

        // Launch: validate, then start small.yaml on 2 nodes, paced (600 simulated s per s: the 3 h take ≥ 18 s).
        var launch = Clean(await chromium.LoadAsync(origin + "/launch", Until + """
            (async () => {
              const f = document.querySelector('#launch');
              f.scenario.value = 'small.yaml'; f.until.value = '3h'; f.nodes.value = '2'; f.pace.value = '600'; f.checkpointEvery.value = '30min';
              f.open.checked = false;
              document.querySelector('#validate').click();
              const valid = await until('validation', () => text('#launch-result').includes(': valid') && text('#launch-result'));
              document.querySelector('#start').click();
              const started = await until('the run to start', () => /^started (\S+)/.exec(text('#launch-result')), 90000);
              return { valid, runId: started[1] };
            })()
            """), origin, "launch page");
        Assert.Contains("small.yaml: valid — 5 plants", launch["valid"]!.GetValue<string>());
        var runId = launch["runId"]!.GetValue<string>();

        // Refusals of a running run come with gridactors inject's reasons, and nothing is journaled.
        await Refused(await console.Http.PostAsJsonAsync($"/api/runs/{runId}/injections", new { kind = "cable-cut", target = "atlantis" }),
            HttpStatusCode.BadRequest, "no cable named 'atlantis'");
        await Refused(await console.Http.PostAsJsonAsync($"/api/runs/{runId}/injections", new { kind = "meteor-strike", target = "apg" }),
            HttpStatusCode.BadRequest, "unknown fault kind 'meteor-strike'");

        // The runs list shows it running and its row moves with the run (server-sent events swap the row in).
        var listLive = Clean(await chromium.LoadAsync(origin + "/", Until + $$"""
            (async () => {
              const progress = () => parseFloat(document.querySelector('tr[data-run="{{runId}}"] progress')?.value ?? '-1');
              const before = progress();
              const after = await until('the row to move', () => progress() > before && progress());
              return { before, after, status: document.querySelector('tr[data-run="{{runId}}"]').dataset.status };
            })()
            """), origin, "runs list, live");
        Assert.Equal("running", listLive["status"]!.GetValue<string>());
        Assert.True(listLive["after"]!.GetValue<double>() > listLive["before"]!.GetValue<double>());

        // Live view: progress moves; inject a cable cut through the form; it shows in the injections table and, once simulated time
        // passes it, on the map; the charts of a checkpoint appear; the log shows both nodes.
        var live = Clean(await chromium.LoadAsync($"{origin}/runs/{runId}", Until + """
            (async () => {
              const sim = () => parseFloat(text('[data-live="simHours"]').replace(/,/g, ''));
              const first = await until('simulated time to pass 0', () => sim() > 0 && sim());
              const moved = await until('simulated time to move', () => sim() > first && sim());
              const f = document.querySelector('#inject');
              await until('the fault kinds', () => f.kind.options.length > 0);
              f.kind.value = 'cable-cut'; f.kind.dispatchEvent(new Event('change'));
              f.target.value = 'apg'; f.at.value = '+10min'; f.duration.value = '2h';
              f.querySelector('button[type="submit"]').click();
              const injected = await until('the injection', () => {
                if (text('#inject-error')) throw new Error(text('#inject-error'));
                return /^injected #0/.test(text('#inject-result')) && text('#inject-result');
              });
              const rows = await until('the injections table', () => document.querySelectorAll('#injections tr[data-injection]').length);
              const failed = await until('the cut on the map', () => document.querySelectorAll('#map svg[data-chart="topology-map"] .failed').length);
              const charts = await until('charts of a checkpoint', () => document.querySelectorAll('#charts svg.chart').length >= 5 && document.querySelectorAll('#charts svg.chart').length);
              const eps = text('[data-live="eps"]');
              return { first, moved, injected, rows, failed, charts, eps, log: text('#log') };
            })()
            """), origin, "run page");
        Assert.True(live["moved"]!.GetValue<double>() > live["first"]!.GetValue<double>());
        Assert.Matches(@"cable-cut on apg at", live["injected"]!.GetValue<string>());
        Assert.Equal(1, live["rows"]!.GetValue<int>());
        Assert.True(live["failed"]!.GetValue<int>() >= 1, "the cut cable is marked failed on the map");
        Assert.Matches(@"^[\d,]+$", live["eps"]!.GetValue<string>());
        Assert.Contains("joined (2 worker node(s) up)", live["log"]!.GetValue<string>());
        Assert.Matches(@"incarnation 1 on 2 node\(s\)", live["log"]!.GetValue<string>());

        // Checkpoint #1 is complete (the charts are drawn from it), so time 0 has passed: refused with the run's own reason.
        await Refused(await console.Http.PostAsJsonAsync($"/api/runs/{runId}/injections", new { kind = "cable-cut", target = "ncp", at = "0s" }),
            HttpStatusCode.BadRequest, "has already passed");

        // The store answers while the run goes on.
        var during = await console.Http.GetAsync($"/api/runs/{runId}/overview");
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        var hubNow = await console.Http.GetAsync($"/api/runs/{runId}/entities/hub/yrd?events=true");
        Assert.True(hubNow.StatusCode == HttpStatusCode.OK, await hubNow.Content.ReadAsStringAsync());

        // The registry journaled the injection, like gridactors inject's.
        var registry = new RunRegistry(Store.Sqlite(Db).AsReadOnly());
        var injection = Assert.Single(registry.Injections(runId));
        Assert.Equal(("cable-cut", "apg"), (injection.Kind, injection.Target));

        var clock = Stopwatch.StartNew();
        RunRecord? run;
        while ((run = registry.Get(runId))?.Status == "running" && clock.Elapsed < TimeSpan.FromMinutes(3)) await Task.Delay(200);
        Assert.True(run?.Status == "completed", $"run ended {run?.Status}: {run?.Error}\n{console.Stdout}");
        Assert.Equal(2, run!.Nodes);

        // The runs list shows it completed, with its report; the status filter keeps it.
        var list = Clean(await chromium.LoadAsync($"{origin}/?status=completed", Until + $$"""
            (async () => {
              const row = document.querySelector('tr[data-run="{{runId}}"]');
              return { status: row?.dataset.status ?? '', report: !!row?.querySelector('a[href$="/report"]'), rows: document.querySelectorAll('table[data-table="runs"] tbody tr').length };
            })()
            """), origin, "runs list");
        Assert.Equal("completed", list["status"]!.GetValue<string>());
        Assert.True(list["report"]!.GetValue<bool>());

        // Inspect hub/yrd at the 1 h checkpoint on the slider: the page shows exactly what gridactors inspect --json prints.
        var inspect = Clean(await chromium.LoadAsync($"{origin}/runs/{runId}/inspect", Until + """
            (async () => {
              await until('the entity form', () => window.gridactorsInspect && document.querySelector('#entity select[name="kind"]').options.length > 0);
              await window.gridactorsInspect.select('hub', 'yrd');
              const i = window.gridactorsInspect.times().indexOf(3600000000);
              if (i < 0) throw new Error('no time 1 h on the slider: ' + window.gridactorsInspect.times());
              await window.gridactorsInspect.at(i);
              return { json: document.querySelector('#entity-title').dataset.json, fields: document.querySelectorAll('#state tr[data-field]').length,
                       overview: document.querySelectorAll('#overview tr').length };
            })()
            """), origin, "inspect page");
        var cli = await CliRunner.RunAsync("inspect", runId, "--entity", "hub/yrd", "--at", "3600s", "--events", "--json", "--db", Db);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Equal(cli.Stdout.Trim(), inspect["json"]!.GetValue<string>());
        var state = JsonNode.Parse(cli.Stdout)!["state"]!.AsObject();
        Assert.Equal(state.Count, inspect["fields"]!.GetValue<int>());
        Assert.Equal(3600_000_000, JsonNode.Parse(cli.Stdout)!["checkpointMicros"]!.GetValue<long>());
        Assert.True(inspect["overview"]!.GetValue<int>() >= 5);

        // Replay from the page reproduces the digest (the injection delivered up front).
        var replay = Clean(await chromium.LoadAsync($"{origin}/runs/{runId}", Until + """
            (async () => {
              await until('the completed status', () => text('[data-live="status"]') === 'completed');
              const placement = await until('the placement', () => document.querySelectorAll('#placement tr').length);
              document.querySelector('#replay').click();
              return { placement, result: await until('the replay', () => /reproduced|differs|failed|refused/.test(text('#replay-result')) && text('#replay-result')) };
            })()
            """), origin, "replay");
        Assert.Equal($"replay reproduced the digest {run.Digest}", replay["result"]!.GetValue<string>());
        Assert.Equal(2, replay["placement"]!.GetValue<int>()); // both nodes of the cluster, from the run's summary
    }

    [Fact]
    public async Task Beyond_loopback_every_request_needs_the_token()
    {
        Scenarios();
        await using var console = await ConsoleProcess.StartAsync(_dir, "--db", Db, "--scenarios", ScenarioDir, "--host", "0.0.0.0");
        Assert.Contains("beyond loopback: every request needs the access token (generated)", console.Stdout);
        var token = Regex.Match(console.Stdout, @"^token ([0-9a-f]{32})$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(token);
        var port = new Uri(console.Url).Port;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var path in new[] { "/api/runs", "/", "/console.js", "/api/runs/stream" })
        {
            var refused = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("needs its access token", await refused.Content.ReadAsStringAsync());
        }
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "Authorization", "Bearer " + new string('0', 32) } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "Authorization", "Bearer " + token } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
        var viaQuery = await http.GetAsync("/?token=" + token);
        Assert.Equal(HttpStatusCode.OK, viaQuery.StatusCode);
        Assert.Contains(viaQuery.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gridactors_token=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<JsonObject> Refused(HttpResponseMessage r, HttpStatusCode status, string contains)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {body}");
        var json = Assert.IsType<JsonObject>(JsonNode.Parse(body));
        Assert.Contains(contains, json["error"]!.GetValue<string>());
        return json;
    }

    [Fact]
    public async Task Bad_input_to_the_api_gets_a_4xx_with_a_message_and_writes_nothing()
    {
        Scenarios();
        var done = await CliRunner.RunInAsync(_dir, "run", Path.Combine(ScenarioDir, "small.yaml"), "--until", "1h", "--executor", "sequential", "--no-report", "--json", "--db", Db);
        Assert.True(done.ExitCode == 0, done.Stderr);
        var runId = JsonNode.Parse(done.Stdout.Trim().Split('\n')[^1])!["runId"]!.GetValue<string>();
        var foldersBefore = Directory.GetDirectories(Path.Combine(_dir, "runs")).Length;

        await using var console = await ConsoleProcess.StartAsync(_dir, "--db", Db, "--scenarios", ScenarioDir);
        var http = console.Http;
        object Launch(string scenario, string? executor = null, int? nodes = null) => new { scenario, executor, nodes };

        // On loopback only requests addressed to a loopback name are answered (DNS rebinding).
        var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { Host = "evil.example" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);
        // A page of another origin cannot make the console do anything.
        var crossSite = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{runId}/replay") { Headers = { { "Origin", "http://evil.example" } } };
        await Refused(await http.SendAsync(crossSite), HttpStatusCode.Forbidden, "cross-origin request refused");

        await Refused(await http.GetAsync("/api/runs/no-such-run"), HttpStatusCode.NotFound, "unknown run 'no-such-run'");
        await Refused(await http.GetAsync("/api/runs/no-such-run/entities/hub/yrd?at=1h"), HttpStatusCode.NotFound, "unknown run 'no-such-run'");
        await Refused(await http.PostAsJsonAsync("/api/runs/no-such-run/injections", new { kind = "cable-cut", target = "apg" }), HttpStatusCode.NotFound, "unknown run");
        await Refused(await http.GetAsync("/api/compare?a=no-such-run&b=" + runId), HttpStatusCode.NotFound, "unknown run 'no-such-run'");

        await Refused(await http.GetAsync($"/api/runs/{runId}/entities/hub/yrd?at=99h"), HttpStatusCode.BadRequest, "--at 99h is outside run");
        await Refused(await http.GetAsync($"/api/runs/{runId}/entities/hub/yrd?at=noon-ish"), HttpStatusCode.BadRequest, "--at:");
        await Refused(await http.GetAsync($"/api/runs/{runId}/map.svg?at=99h"), HttpStatusCode.BadRequest, "outside run");
        await Refused(await http.GetAsync($"/api/runs/{runId}/entities/hub/atlantis"), HttpStatusCode.BadRequest, "unknown entity 'hub/atlantis'");
        await Refused(await http.PostAsJsonAsync($"/api/runs/{runId}/injections", new { kind = "cable-cut", target = "apg", at = "+10min" }), HttpStatusCode.BadRequest, "is completed");
        await Refused(await http.PostAsJsonAsync($"/api/runs/{runId}/injections", new { kind = "meteor-strike", target = "apg" }), HttpStatusCode.BadRequest, "is completed");
        await Refused(await http.PostAsync($"/api/runs/{runId}/replay?executor=warp", null), HttpStatusCode.BadRequest, "executor must be sequential or actors");

        var broken = await Refused(await http.PostAsJsonAsync("/api/runs", Launch("broken.yaml")), HttpStatusCode.BadRequest, "the scenario is invalid");
        var problem = broken["errors"]!.AsArray()[0]!;
        Assert.EndsWith("broken.yaml", problem["file"]!.GetValue<string>());
        Assert.Equal(13, problem["line"]!.GetValue<int>());
        Assert.Equal(1, problem["column"]!.GetValue<int>());
        Assert.Contains("warp_drive", problem["message"]!.GetValue<string>());
        await Refused(await http.PostAsJsonAsync("/api/scenarios/validate", Launch("broken.yaml")), HttpStatusCode.BadRequest, "broken.yaml:13:1");
        await Refused(await http.PostAsJsonAsync("/api/runs", Launch("../../etc/passwd")), HttpStatusCode.BadRequest, "unknown scenario '../../etc/passwd'");
        await Refused(await http.PostAsJsonAsync("/api/runs", Launch("small.yaml", executor: "warp")), HttpStatusCode.BadRequest, "executor must be sequential or actors");
        await Refused(await http.PostAsJsonAsync("/api/runs", Launch("small.yaml", executor: "sequential", nodes: 2)), HttpStatusCode.BadRequest, "nodes above 1 need the actors executor");
        await Refused(await http.PostAsJsonAsync("/api/runs", new { scenario = "small.yaml", until = "forever" }), HttpStatusCode.BadRequest, "until:");

        // Nothing was written: one run (the command line's), no injection, no new run folder.
        var registry = new RunRegistry(Store.Sqlite(Db).AsReadOnly());
        Assert.Equal(runId, Assert.Single(registry.List()).RunId);
        Assert.Empty(registry.Injections(runId));
        Assert.Equal(foldersBefore, Directory.GetDirectories(Path.Combine(_dir, "runs")).Length);
    }
}
