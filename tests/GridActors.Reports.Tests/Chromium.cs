using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GridActors.Reports.Tests;

/// <summary>A headless Chromium driven over the Chrome DevTools Protocol (one WebSocket, flattened sessions).
/// Loads pages and records every console error, uncaught exception, log entry of level error and network request,
/// so tests can assert a report page loads cleanly and offline. Dispose kills the whole browser process tree.</summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string DefaultPath = "/usr/bin/chromium";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _ws;
    private readonly CancellationTokenSource _cts = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly List<Action<string, JsonObject, string?>> _listeners = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _receiver;
    private int _nextId;

    private Chromium(Process process, string profile, ClientWebSocket ws)
    {
        _process = process;
        _profile = profile;
        _ws = ws;
        _receiver = Task.Run(ReceiveLoop);
    }

    /// <summary>Starts Chromium with a fresh profile. Fails (never skips) when the binary is missing; tests get it through
    /// <see cref="ChromiumFixture"/>, which installs it first.</summary>
    public static async Task<Chromium> LaunchAsync(string path = DefaultPath)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"{path} not found: run scripts/chromium.sh to install Debian's chromium (ChromiumFixture runs it for the browser tests; CI before the build).");
        var profile = Directory.CreateTempSubdirectory("gridactors-chromium-").FullName;
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions", "--no-default-browser-check",
            "--mute-audio", "--hide-scrollbars", $"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
        }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {path}");
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { endpoint.TrySetException(new InvalidOperationException("chromium exited before DevTools was listening:\n" + stderr)); return; }
            lock (stderr) stderr.AppendLine(e.Data);
            const string marker = "DevTools listening on ";
            var i = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (i >= 0) endpoint.TrySetResult(e.Data[(i + marker.Length)..].Trim());
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var url = await endpoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var ws = new ClientWebSocket();
            ws.Options.KeepAliveInterval = TimeSpan.Zero;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await ws.ConnectAsync(new Uri(url), cts.Token);
            return new Chromium(process, profile, ws);
        }
        catch (Exception ex)
        {
            Kill(process);
            TryDelete(profile);
            string log;
            lock (stderr) log = stderr.ToString();
            throw new InvalidOperationException($"chromium did not open its DevTools endpoint: {ex.Message}\n{log}", ex);
        }
    }

    /// <summary>What happened while a page loaded.</summary>
    public sealed class PageRun
    {
        public List<string> ConsoleErrors { get; } = [];
        public List<string> Exceptions { get; } = [];
        public List<string> LogErrors { get; } = [];
        public List<string> Requests { get; } = [];
        public JsonNode? Value { get; set; }
        public byte[]? Screenshot { get; set; }

        public IEnumerable<string> Problems => ConsoleErrors.Select(e => "console error: " + e).Concat(Exceptions.Select(e => "uncaught exception: " + e))
            .Concat(LogErrors.Select(e => "log error: " + e));
    }

    /// <summary>Opens a new tab, loads the URL, waits for the load event and two animation frames, then evaluates
    /// <paramref name="expression"/> (its JSON-serialisable value is returned) and optionally takes screenshots.</summary>
    public async Task<PageRun> LoadAsync(string url, string expression, int width = 1400, int height = 1000, IReadOnlyList<(double X, double Y, double W, double H)>? shots = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var created = await Send("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null, cts.Token);
        var targetId = created["targetId"]!.GetValue<string>();
        var attached = await Send("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true }, null, cts.Token);
        var session = attached["sessionId"]!.GetValue<string>();
        var run = new PageRun();
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Listener(string method, JsonObject p, string? sid)
        {
            if (sid != session) return;
            lock (run)
            {
                switch (method)
                {
                    case "Runtime.consoleAPICalled" when Str(p, "type") is "error" or "assert":
                        run.ConsoleErrors.Add(string.Join(" ", ((p["args"] as JsonArray) ?? []).Select(a => a?["value"]?.ToJsonString() ?? a?["description"]?.GetValue<string>() ?? "?")));
                        break;
                    case "Runtime.exceptionThrown":
                        run.Exceptions.Add(p["exceptionDetails"]?["exception"]?["description"]?.GetValue<string>() ?? p["exceptionDetails"]?["text"]?.GetValue<string>() ?? "?");
                        break;
                    case "Log.entryAdded" when Str(p["entry"], "level") == "error":
                        run.LogErrors.Add(string.Join(" ", new[] { "source", "text", "url" }.Select(k => p["entry"]?[k]?.ToString() ?? "")));
                        break;
                    case "Network.requestWillBeSent":
                        run.Requests.Add(p["request"]?["url"]?.GetValue<string>() ?? "?");
                        break;
                    case "Page.loadEventFired":
                        loaded.TrySetResult();
                        break;
                }
            }
        }
        lock (_listeners) _listeners.Add(Listener);
        try
        {
            foreach (var m in new[] { "Runtime.enable", "Log.enable", "Page.enable", "Network.enable" })
                await Send(m, new JsonObject(), session, cts.Token);
            await Send("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false }, session, cts.Token);
            var nav = await Send("Page.navigate", new JsonObject { ["url"] = url }, session, cts.Token);
            if (nav["errorText"] is { } err) throw new InvalidOperationException($"navigation to {url} failed: {err}");
            await loaded.Task.WaitAsync(cts.Token);
            // Two animation frames: layout and paint have happened, late script errors have been reported.
            await Evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))", session, cts.Token);
            run.Value = await Evaluate(expression, session, cts.Token);
            if (shots is not null)
            {
                foreach (var (x, y, w, h) in shots)
                {
                    var shot = await Send("Page.captureScreenshot", new JsonObject
                    {
                        ["format"] = "png", ["captureBeyondViewport"] = true,
                        ["clip"] = new JsonObject { ["x"] = x, ["y"] = y, ["width"] = w, ["height"] = h, ["scale"] = 1 },
                    }, session, cts.Token);
                    run.Screenshot = Convert.FromBase64String(shot["data"]!.GetValue<string>());
                    Screenshots.Add(run.Screenshot);
                }
            }
            await Evaluate("new Promise(r => requestAnimationFrame(() => r(true)))", session, cts.Token);
        }
        finally
        {
            lock (_listeners) _listeners.Remove(Listener);
            try { await Send("Target.closeTarget", new JsonObject { ["targetId"] = targetId }, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)); }
            catch (Exception) { /* the browser is killed on dispose anyway */ }
        }
        lock (run) return run;
    }

    private static string? Str(JsonNode? node, string key) => node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Screenshots taken by the last LoadAsync calls, in order (for looking at pages by hand).</summary>
    public List<byte[]> Screenshots { get; } = [];

    private async Task<JsonNode?> Evaluate(string expression, string session, CancellationToken ct)
    {
        var r = await Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true }, session, ct);
        if (r["exceptionDetails"] is { } ex) throw new InvalidOperationException("evaluation failed: " + ex.ToJsonString());
        return r["result"]?["value"]?.DeepClone();
    }

    private async Task<JsonObject> Send(string method, JsonObject parameters, string? session, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var msg = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null) msg["sessionId"] = session;
        var bytes = Encoding.UTF8.GetBytes(msg.ToJsonString());
        await _sendLock.WaitAsync(ct);
        try { await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
        finally { _sendLock.Release(); }
        using (ct.Register(() => tcs.TrySetCanceled(ct)))
        {
            var result = await tcs.Task;
            _pending.TryRemove(id, out _);
            return result;
        }
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        var ms = new MemoryStream();
        try
        {
            while (!_cts.IsCancellationRequested && _ws.State == WebSocketState.Open)
            {
                var r = await _ws.ReceiveAsync(buffer, _cts.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                ms.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(ms.ToArray()) as JsonObject;
                ms.SetLength(0);
                if (node is null) continue;
                if (node["id"] is { } idNode && _pending.TryGetValue(idNode.GetValue<int>(), out var tcs))
                {
                    if (node["error"] is { } error) tcs.TrySetException(new InvalidOperationException($"CDP error: {error.ToJsonString()}"));
                    else tcs.TrySetResult(node["result"] as JsonObject ?? []);
                }
                else if (node["method"]?.GetValue<string>() is { } method)
                {
                    Action<string, JsonObject, string?>[] ls;
                    lock (_listeners) ls = [.. _listeners];
                    foreach (var l in ls) l(method, node["params"] as JsonObject ?? [], node["sessionId"]?.GetValue<string>());
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or JsonException)
        {
            // The browser went away or we are shutting down.
        }
        foreach (var p in _pending.Values) p.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    public async ValueTask DisposeAsync()
    {
        try { await _cts.CancelAsync(); } catch (ObjectDisposedException) { }
        try { _ws.Abort(); } catch (WebSocketException) { }
        try { await _receiver.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { /* receiver ends when the socket is aborted */ }
        Kill(_process);
        _ws.Dispose();
        _cts.Dispose();
        _sendLock.Dispose();
        TryDelete(_profile);
    }

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        p.Dispose();
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The page check used by the tests: every svg.chart with its box size and count of drawn marks
    /// (paths, polygons, circles, filled rects, polylines of 3+ points, each with a non-empty box).</summary>
    public const string ChartsProbe = """
        (() => {
          const charts = [];
          for (const svg of document.querySelectorAll('svg.chart')) {
            const r = svg.getBoundingClientRect();
            let marks = 0;
            for (const el of svg.querySelectorAll('path,polyline,polygon,rect,circle,ellipse')) {
              const b = el.getBBox();
              if (b.width <= 0 && b.height <= 0) continue;
              const tag = el.tagName.toLowerCase();
              if (tag === 'polyline' && el.points.numberOfItems < 3) continue;
              if (tag === 'rect' && (getComputedStyle(el).fill === 'none' || el.closest('svg.chart') !== svg)) continue;
              marks++;
            }
            charts.push({ name: svg.dataset.chart || '', width: r.width, height: r.height, marks,
              nodata: svg.dataset.nodata === 'true', texts: svg.querySelectorAll('text').length,
              inFigure: !!svg.closest('figure'), caption: (svg.closest('figure')?.querySelector('figcaption')?.textContent || '').length });
          }
          return { title: document.title, charts, failedOnMap: document.querySelectorAll('svg[data-chart="topology-map"] .failed').length,
                   heatCells: document.querySelectorAll('table[data-table="sweep-heatmap"] td').length,
                   calibrationRows: [...document.querySelectorAll('table[data-table="calibration"] tbody tr')]
                     .filter(tr => tr.getBoundingClientRect().height > 0).length,
                   calibrationMisses: [...document.querySelectorAll('table[data-table="calibration"] .miss')]
                     .filter(el => getComputedStyle(el).color === 'rgb(192, 57, 43)').length,
                   bodyHeight: document.body.scrollHeight };
        })()
        """;
}

/// <summary>Makes sure the Chromium binary is there before browser tests start, the way PostgresFixture makes sure a
/// PostgreSQL server is: when the binary is missing it runs the install script (scripts/chromium.sh, found by walking
/// up from the test assembly's folder to the repository) — once per instance, however many fixtures ask, also
/// concurrently — and fails with the script's own message when it cannot; it never skips.</summary>
public sealed class ChromiumInstaller
{
    private readonly Lazy<string> _ensured;
    private int _scriptRuns;

    /// <param name="binary">The browser that must exist afterwards.</param>
    /// <param name="script">The install script (run with bash), or null when none was found.</param>
    public ChromiumInstaller(string binary, string? script)
    {
        Binary = binary;
        Script = script;
        _ensured = new(Install, LazyThreadSafetyMode.ExecutionAndPublication); // caches a failure too: the script runs once
    }

    /// <summary>/usr/bin/chromium, installed with the repository's scripts/chromium.sh.</summary>
    public static ChromiumInstaller Default => DefaultInstance.Value;

    private static readonly Lazy<ChromiumInstaller> DefaultInstance = new(() => new(Chromium.DefaultPath, FindScript(AppContext.BaseDirectory)));

    public string Binary { get; }
    public string? Script { get; }
    public int ScriptRuns => Volatile.Read(ref _scriptRuns);

    /// <summary>Generous: apt-get downloads ~100 MB on a machine shared with other builds.</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The binary's path once it exists; throws InvalidOperationException saying why it could not be installed.</summary>
    public string Ensure() => _ensured.Value;

    /// <summary>scripts/chromium.sh in the nearest folder above <paramref name="start"/> that has one (the repository).</summary>
    public static string? FindScript(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "scripts", "chromium.sh");
            if (File.Exists(script)) return script;
        }
        return null;
    }

    private string Install()
    {
        if (File.Exists(Binary)) return Binary;
        if (Script is null || !File.Exists(Script))
            throw new InvalidOperationException($"{Binary} is missing, and scripts/chromium.sh (which installs it) was not found in any folder above {AppContext.BaseDirectory}");
        Interlocked.Increment(ref _scriptRuns);
        var psi = new ProcessStartInfo("bash", [Script]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start bash {Script}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(ScriptTimeout))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Binary} is missing and {Script} did not finish installing it within {ScriptTimeout.TotalMinutes:0} min");
        }
        var output = (stderr.Result + stdout.Result).Trim();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Binary} is missing and {Script} could not install it (exit {p.ExitCode}): {output}");
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Script} succeeded but {Binary} is still missing. {output}".Trim());
        return Binary;
    }
}

/// <summary>Class fixture of every test that opens a browser: makes sure /usr/bin/chromium is installed (see
/// <see cref="ChromiumInstaller"/>); when it cannot be, every test of the class fails with the reason.</summary>
public sealed class ChromiumFixture
{
    public ChromiumFixture() => Path = ChromiumInstaller.Default.Ensure();

    public string Path { get; }
}
