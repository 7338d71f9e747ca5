using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using GridActors.Hosting;
using GridActors.Hosting.Inspection;
using GridActors.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GridActors.WebConsole;

/// <summary>
/// The console's pages, rendered on the server: the runs list, launch, a run's live view (with injection and replay), the inspector
/// and the comparison of two runs. What changes is fetched from <c>/api/…</c> by one small script of ours (console.js) and streamed
/// over server-sent events. Nothing is fetched from anywhere else.
/// </summary>
public static class Pages
{
    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string U(string s) => Uri.EscapeDataString(s);
    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Resource(string name)
    {
        using var stream = typeof(Pages).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static readonly Lazy<string> Script = new(() => Resource("console.js"));
    private static readonly Lazy<string> Style = new(() => Resource("console.css") + "\n" + LiveView.Css);

    private static IResult Page(string title, string page, string body, string? runId = null) => Results.Text($"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/console.css">
        <title>{E(title)} — GridActors console</title>
        <script src="/console.js" defer></script>
        </head>
        <body data-page="{page}"{(runId is null ? "" : $" data-run=\"{E(runId)}\"")}>
        <header class="console"><a href="/" class="brand">GridActors console</a> <nav><a href="/">Runs</a> <a href="/launch">Launch</a></nav></header>
        <main>
        {body}
        </main>
        </body>
        </html>
        """, "text/html; charset=utf-8");

    public static void Map(IEndpointRouteBuilder app, ConsoleServices s)
    {
        app.MapGet("/console.js", () => Results.Text(Script.Value, "text/javascript; charset=utf-8"));
        app.MapGet("/console.css", () => Results.Text(Style.Value, "text/css; charset=utf-8"));
        app.MapGet("/", (string? scenario, string? status, int? limit) => RunsPage(s, scenario, status, limit ?? DefaultListLimit));
        app.MapGet("/launch", () => LaunchPage(s));
        app.MapGet("/runs/{id}", (string id) => s.Run(id) is { } run ? RunPage(s, run) : NotFoundPage(s, id));
        app.MapGet("/runs/{id}/inspect", (string id) => s.Run(id) is { } run ? InspectPage(run) : NotFoundPage(s, id));
        app.MapGet("/runs/{id}/report", (string id) =>
        {
            var file = Path.Combine("runs", id, "report.html");
            return s.Run(id) is null || !File.Exists(file)
                ? Results.NotFound(new ApiError($"no report for run '{id}' (a run writes runs/<id>/report.html when it completes)"))
                : Results.File(Path.GetFullPath(file), "text/html; charset=utf-8");
        });
        app.MapGet("/compare", (string? a, string? b) => ComparePage(s, a, b));
        app.MapGet("/compare/report", (string? a, string? b) =>
        {
            if (a is null || b is null || s.Run(a) is null || s.Run(b) is null) return Results.NotFound(new ApiError("compare/report needs two known runs: ?a=RUN_A&b=RUN_B"));
            try
            {
                var file = Path.Combine(Path.GetTempPath(), $"gridactors-console-compare-{Environment.ProcessId}-{a}-vs-{b}.html");
                ReportBuilder.WriteComparison(RunReports.Folder(a), RunReports.Folder(b), file);
                var html = File.ReadAllText(file);
                File.Delete(file);
                return Results.Text(html, "text/html; charset=utf-8");
            }
            catch (Exception ex) when (ex is UserInputException or ReportException) { return Results.BadRequest(new ApiError(ex.Message)); }
        });
    }

    private static IResult NotFoundPage(ConsoleServices s, string id) =>
        Results.NotFound(new ApiError($"unknown run '{id}' in {s.Options.Store.Display}"));

    public static string Row(RunRow r) =>
        $"<tr data-run=\"{E(r.RunId)}\" data-status=\"{E(r.Status)}\"><td><input type=\"checkbox\" name=\"pick\" value=\"{E(r.RunId)}\" aria-label=\"select {E(r.RunId)}\"></td>" +
        $"<td><a href=\"/runs/{U(r.RunId)}\">{E(r.RunId)}</a></td><td>{E(r.ScenarioName)}</td><td class=\"num\">{r.Seed}</td><td>{E(r.Executor)}</td>" +
        $"<td class=\"num\">{r.Nodes}</td><td class=\"status {E(r.Status)}\" data-field=\"status\">{E(r.Status)}</td>" +
        $"<td data-field=\"progress\"><progress max=\"100\" value=\"{F(r.Percent)}\"></progress> {F(r.SimulatedSeconds / 3600)} / {F(r.HorizonSeconds / 3600)} h</td>" +
        $"<td data-field=\"checkpoint\">{(r.LastCheckpoint == 0 ? "—" : $"#{r.LastCheckpoint} at {F(r.LastCheckpointSeconds / 3600)} h")}</td>" +
        $"<td class=\"digest\" data-field=\"digest\">{E((r.Digest ?? "")[..Math.Min(16, (r.Digest ?? "").Length)])}</td>" +
        $"<td data-field=\"report\">{(r.Status == "completed" ? $"<a href=\"/runs/{U(r.RunId)}/report\">report</a>" : "")}</td></tr>";

    /// <summary>Rows the runs list shows unless <c>?limit=N</c> (0 = every run) says otherwise: the newest first. 1,000 rows took the
    /// browser ~0.8 s to lay out here; 200 take a fifth of that.</summary>
    public const int DefaultListLimit = 200;

    private static IResult RunsPage(ConsoleServices s, string? scenario, string? status, int limit)
    {
        if (limit < 0) return Results.BadRequest(new ApiError($"limit must be 0 (every run) or a positive number of rows; got {limit}"));
        var runs = s.Runs();
        var matching = runs.Where(r => Api.Matches(r, scenario, status)).Reverse().ToList();
        var shown = limit > 0 ? matching.Take(limit).ToList() : matching;
        string Options(IEnumerable<string> values, string? selected) =>
            "<option value=\"\">all</option>" + string.Concat(values.Select(v => $"<option{(v == selected ? " selected" : "")}>{E(v)}</option>"));
        var body = new StringBuilder();
        body.Append("<h1>Runs</h1>\n<form class=\"filters\" method=\"get\" action=\"/\">")
            .Append("<label>scenario <select name=\"scenario\">").Append(Options(runs.Select(r => Path.GetFileName(r.Scenario)).Distinct().Order(StringComparer.Ordinal), scenario)).Append("</select></label> ")
            .Append("<label>status <select name=\"status\">").Append(Options(["running", "completed", "failed", "interrupted"], status)).Append("</select></label> ")
            .Append("<button type=\"submit\">Filter</button></form>\n")
            .Append($"<p class=\"note\"><span id=\"count\">{shown.Count}</span> of {runs.Count} runs in {E(s.Options.Store.Display)}")
            .Append(shown.Count < matching.Count
                ? $" (the newest {shown.Count} of {matching.Count} that match: <a href=\"/?{(scenario is null ? "" : "scenario=" + U(scenario) + "&")}{(status is null ? "" : "status=" + U(status) + "&")}limit=0\">show all</a>)"
                : "")
            .Append("; live updates over server-sent events. ")
            .Append("Tick two runs and <button type=\"button\" id=\"compare\">compare</button> them.</p>\n")
            .Append($"<table class=\"runs\" data-table=\"runs\" data-scenario=\"{E(scenario)}\" data-status=\"{E(status)}\"><thead><tr><th></th><th>run</th><th>scenario</th><th>seed</th><th>executor</th><th>nodes</th><th>status</th><th>progress</th><th>last checkpoint</th><th>digest</th><th></th></tr></thead><tbody>\n");
        foreach (var r in shown) body.Append(Row(RunRow.Of(r))).Append('\n');
        body.Append("</tbody></table>\n");
        return Page("Runs", "runs", body.ToString());
    }

    private static IResult LaunchPage(ConsoleServices s)
    {
        var options = string.Concat(s.Scenarios().Select(f => $"<option{(f == "small.yaml" ? " selected" : "")}>{E(f)}</option>"));
        var body = $"""
            <h1>Launch a run</h1>
            <form id="launch" class="grid-form">
            <label>scenario <select name="scenario">{options}</select></label>
            <label>seed <input name="seed" inputmode="numeric" placeholder="the file's"></label>
            <label>horizon <input name="until" placeholder="the file's, e.g. 6h"></label>
            <label>executor <select name="executor"><option>actors</option><option>sequential</option></select></label>
            <label>nodes (local processes) <input name="nodes" type="number" min="1" max="16" value="1"></label>
            <label>checkpoint every <input name="checkpointEvery" value="1h"></label>
            <label>pace (simulated s per s; 0 = full speed) <input name="pace" type="number" min="0" step="any" value="0"></label>
            <label><span><input type="checkbox" name="open" checked> open its live view when started</span></label>
            <div class="buttons"><button type="button" id="validate">Validate</button> <button type="submit" id="start">Start</button></div>
            </form>
            <div id="launch-result" class="note"></div>
            <ul id="launch-errors" class="errors"></ul>
            <p class="note">The run is a <code>gridactors run</code> process of its own (with <code>--nodes N</code>, N−1 local worker processes), exactly as on the command line: same registry, run folder and digest.</p>
            """;
        return Page("Launch", "launch", body);
    }

    private static IResult RunPage(ConsoleServices s, Persistence.RunRecord run)
    {
        var r = RunRow.Of(run);
        var body = $"""
            <h1>Run <span class="mono">{E(run.RunId)}</span></h1>
            <p class="note">{E(r.ScenarioName)}, seed {run.Seed}, {E(run.Executor)}, <span data-live="nodes">{run.Nodes}</span> node(s) ·
            <a href="/runs/{U(run.RunId)}/inspect">inspect state</a> · <span id="report-link">{(r.Status == "completed" ? $"<a href=\"/runs/{U(run.RunId)}/report\">report</a>" : "")}</span></p>
            <div class="tiles">
            <div class="tile"><div class="tile-label">status</div><div class="tile-value" data-live="status">{E(r.Status)}</div></div>
            <div class="tile"><div class="tile-label">simulated</div><div class="tile-value"><span data-live="simHours">{F(r.SimulatedSeconds / 3600)}</span> h</div><div class="tile-sub"><span data-live="percent">{F(r.Percent, "0.0")}</span> % of {F(r.HorizonSeconds / 3600)} h</div></div>
            <div class="tile"><div class="tile-label">events/s</div><div class="tile-value" data-live="eps">—</div><div class="tile-sub"><span data-live="events">—</span> events</div></div>
            <div class="tile"><div class="tile-label">sim-s per s</div><div class="tile-value" data-live="simRate">—</div></div>
            <div class="tile"><div class="tile-label">last checkpoint</div><div class="tile-value" data-live="checkpoint">{(r.LastCheckpoint == 0 ? "—" : $"#{r.LastCheckpoint}")}</div></div>
            <div class="tile"><div class="tile-label">digest</div><div class="tile-value mono small" data-live="digest">{E(r.Digest ?? "—")}</div></div>
            </div>
            <progress id="progress" max="100" value="{F(r.Percent)}"></progress>
            <section><h2>Inject a fault</h2>
            <form id="inject" class="grid-form">
            <label>kind <select name="kind"></select></label>
            <label>target <select name="target"></select></label>
            <label>at <input name="at" placeholder="+30min, 14h or 20:00 (default: safe horizon)"></label>
            <label>duration <input name="duration" placeholder="e.g. 1h (default: until the end)"></label>
            <label>fraction <input name="fraction" type="number" min="0" max="1" step="any" value="1"></label>
            <label>multiplier <input name="multiplier" type="number" min="0" step="any" value="1"></label>
            <div class="buttons"><button type="submit">Inject</button> <button type="button" id="replay">Replay</button></div>
            </form>
            <p id="inject-result" class="note"></p><p id="inject-error" class="error"></p><p id="replay-result" class="note"></p>
            <table data-table="injections"><thead><tr><th>#</th><th>kind</th><th>target</th><th>at (h)</th><th>duration (h)</th><th>fraction</th><th>multiplier</th></tr></thead><tbody id="injections"></tbody></table>
            </section>
            <section><h2>Topology map</h2><div id="map" class="map-holder"></div></section>
            <section><h2>Nodes, placement and fail-overs</h2>
            <table data-table="placement"><thead><tr><th>node</th><th>address</th><th>host</th><th>pid</th><th>entities</th></tr></thead><tbody id="placement"></tbody></table>
            <ul id="failovers"></ul>
            <pre id="log" class="log"></pre></section>
            <section><h2>Charts</h2><div id="charts"></div></section>
            """;
        return Page("Run " + run.RunId, "run", body, run.RunId);
    }

    private static IResult InspectPage(Persistence.RunRecord run)
    {
        var body = $"""
            <h1>Inspect <a class="mono" href="/runs/{U(run.RunId)}">{E(run.RunId)}</a></h1>
            <p class="note">What the store holds for the run, as <code>gridactors inspect</code> shows it (works while the run goes on).</p>
            <table data-table="overview"><thead><tr><th>kind</th><th>entities</th><th>records</th><th>snapshots</th><th>record kinds</th></tr></thead><tbody id="overview"></tbody></table>
            <p id="checkpoints" class="note"></p>
            <form id="entity" class="grid-form">
            <label>kind <select name="kind"></select></label>
            <label>entity <select name="name"></select></label>
            <label class="wide">time <input type="range" name="slider" min="0" max="0" value="0"> <span id="at-label">latest checkpoint</span></label>
            <label><input type="checkbox" name="events" checked> history</label>
            </form>
            <p id="entity-error" class="error"></p>
            <h2 id="entity-title"></h2>
            <table data-table="state"><thead><tr><th>field</th><th>value</th></tr></thead><tbody id="state"></tbody></table>
            <h3>Changes since the checkpoint</h3><ul id="changes"></ul>
            <h3>Journaled history</h3>
            <table data-table="history"><thead><tr><th>seq</th><th>hours</th><th>kind</th><th>detail</th></tr></thead><tbody id="history"></tbody></table>
            """;
        return Page("Inspect " + run.RunId, "inspect", body, run.RunId);
    }

    private static IResult ComparePage(ConsoleServices s, string? a, string? b)
    {
        if (a is null || b is null) return Results.BadRequest(new ApiError("compare needs two runs: /compare?a=RUN_A&b=RUN_B"));
        if (s.Run(a) is null) return NotFoundPage(s, a);
        if (s.Run(b) is null) return NotFoundPage(s, b);
        RunDifference d;
        try { d = s.Inspector.Diff(a, b); }
        catch (UserInputException ex) { return Results.BadRequest(new ApiError(ex.Message)); }
        var sb = new StringBuilder();
        sb.Append($"<h1>{E(a)} vs {E(b)}</h1>\n<p class=\"note\">Digests {(d.A.Digest == d.B.Digest ? "equal" : "differ")}; {d.Entities.Count} of {d.EntitiesCompared} entities' final states differ; {d.Metrics.Count} metrics differ. ")
          .Append($"<a href=\"/compare/report?a={U(a)}&b={U(b)}\">side-by-side report</a> (both run folders needed).</p>\n");
        sb.Append("<h2>Entities whose final state differs</h2><ul data-list=\"entities\">");
        foreach (var e in d.Entities) sb.Append($"<li>{E(e.Entity)}{(e.InA && e.InB ? "" : e.InA ? " (only in A)" : " (only in B)")}</li>");
        sb.Append("</ul>\n<h2>Metrics that differ</h2><table data-table=\"metrics\"><thead><tr><th>metric</th><th>A</th><th>B</th><th>change</th><th>relative</th></tr></thead><tbody>");
        foreach (var (m, x, y) in d.Metrics)
            sb.Append($"<tr><td>{E(m)}</td><td class=\"num\">{F(x, "G6")}</td><td class=\"num\">{F(y, "G6")}</td><td class=\"num\">{F(y - x, "G6")}</td><td class=\"num\">{(x != 0 ? ((y - x) / Math.Abs(x)).ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "—")}</td></tr>");
        sb.Append("</tbody></table>\n");
        return Page("Compare", "compare", sb.ToString());
    }
}
