using System.Collections.Concurrent;
using System.Diagnostics;
using GridActors.Hosting;
using GridActors.Hosting.Cluster;
using GridActors.Hosting.Runs;
using GridActors.Persistence;

namespace GridActors.WebConsole;

/// <summary>A run the console launched: its <c>gridactors run</c> child process, the lines it logged (nodes joining, placement,
/// checkpoints, fail-overs, injections) and its recent progress samples.</summary>
public sealed class LaunchedRun
{
    private const int MaxLog = 400;
    private readonly List<string> _log = [];
    private readonly Queue<(double Wall, long Micros, long Events)> _samples = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    internal LaunchedRun(Process process) => Process = process;

    public Process Process { get; }
    public string? RunId { get; internal set; }
    public int? ExitCode { get; internal set; }
    internal TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void Line(string line)
    {
        if (ProgressLine.TryParse(line, out long micros, out long events))
        {
            lock (_samples)
            {
                _samples.Enqueue((_clock.Elapsed.TotalSeconds, micros, events));
                while (_samples.Count > 40) _samples.Dequeue();
            }
            return;
        }
        lock (_log)
        {
            _log.Add(line);
            if (_log.Count > MaxLog) _log.RemoveRange(0, _log.Count - MaxLog);
        }
    }

    public IReadOnlyList<string> Log { get { lock (_log) return [.. _log]; } }

    /// <summary>Simulated time reached, events committed, events per wall second and simulated seconds per wall second over the last ~2 s of progress lines.</summary>
    public (long Micros, long Events, double? EventsPerSecond, double? SimSecondsPerSecond)? Rates()
    {
        lock (_samples)
        {
            if (_samples.Count == 0) return null;
            var last = _samples.Last();
            var first = _samples.FirstOrDefault(s => last.Wall - s.Wall <= 2.5);
            double dt = last.Wall - first.Wall;
            if (dt <= 0) return (last.Micros, last.Events, null, null);
            return (last.Micros, last.Events, (last.Events - first.Events) / dt, (last.Micros - first.Micros) / 1e6 / dt);
        }
    }
}

/// <summary>
/// Launches runs the way the command line does: a <c>gridactors run FILE … --json</c> child process of this executable (the same
/// process model, so the same digest), with the console's store; finds the run it registered by the child's process id (the
/// registry records the coordinating process) and keeps its log and progress for the live view. Also launches replays.
/// </summary>
public sealed class RunLauncher(ConsoleOptions options) : IAsyncDisposable
{
    /// <summary>How long a child may take to register its run (process start, scenario load) — a bound, not an expectation.</summary>
    public static readonly TimeSpan RegisterBound = TimeSpan.FromSeconds(90);

    private readonly ConcurrentDictionary<string, LaunchedRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReplayJob> _replays = new(StringComparer.Ordinal);
    private readonly List<Process> _children = [];

    public LaunchedRun? Find(string runId) => _runs.TryGetValue(runId, out var r) ? r : null;

    public IEnumerable<string> StoreArguments()
    {
        if (options.Postgres is { } pg) return ["--postgres", pg];
        return ["--db", Path.GetFullPath(options.Db!)];
    }

    private Process Start(IEnumerable<string> args, Action<string> stderr, Action<string>? stdout = null)
    {
        var psi = SelfProcess.StartInfo();
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment[ProgressLine.EnvironmentVariable] = "1";
        psi.WorkingDirectory = Environment.CurrentDirectory;
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr(e.Data); };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) stdout?.Invoke(e.Data); };
        p.Start();
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        lock (_children) _children.Add(p);
        return p;
    }

    /// <summary>Starts <c>gridactors run</c> with <paramref name="runArgs"/> (file and options, already validated) and returns the run
    /// id once the child registered it; bad input with the child's own words when it ended first.</summary>
    public async Task<string> LaunchAsync(IReadOnlyList<string> runArgs, CancellationToken cancellation)
    {
        LaunchedRun? launched = null;
        var process = Start(["run", .. runArgs, "--json", .. StoreArguments()], l => launched?.Line(l));
        launched = new LaunchedRun(process);
        process.Exited += (_, _) =>
        {
            try { launched.ExitCode = process.ExitCode; } catch (InvalidOperationException) { }
            launched.Exited.TrySetResult();
        };
        if (process.HasExited) launched.Exited.TrySetResult();
        string owner = RunRegistry.OwnerIdOf(process.Id);
        var registry = new RunRegistry(options.Store);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RegisterBound)
        {
            var run = registry.ListBrief().LastOrDefault(r => r.Owner == owner);
            if (run is not null)
            {
                launched.RunId = run.RunId;
                _runs[run.RunId] = launched;
                return run.RunId;
            }
            if (launched.Exited.Task.IsCompleted)
            {
                await process.WaitForExitAsync(cancellation).ConfigureAwait(false);   // returns once the redirected streams are drained
                throw new UserInputException("gridactors run ended before it registered a run: " + string.Join(" ", launched.Log.TakeLast(5)));
            }
            await Task.WhenAny(launched.Exited.Task, Task.Delay(100, cancellation)).ConfigureAwait(false);
        }
        throw new UserInputException($"gridactors run did not register a run within {RegisterBound.TotalSeconds:0} s");
    }

    /// <summary>A replay of a completed run (<c>gridactors replay RUN --json</c>) in a child process.</summary>
    public sealed class ReplayJob
    {
        public string State { get; internal set; } = "running";
        public string? Result { get; internal set; }
        public List<string> Stderr { get; } = [];
    }

    public ReplayJob? Replay(string runId) => _replays.TryGetValue(runId, out var j) ? j : null;

    public ReplayJob StartReplay(string runId, string executor)
    {
        var job = new ReplayJob();
        var stdout = new List<string>();
        _replays[runId] = job;
        var p = Start(["replay", runId, "--executor", executor, "--json", .. StoreArguments()], l => { lock (job.Stderr) job.Stderr.Add(l); }, l => { lock (stdout) stdout.Add(l); });
        p.Exited += (_, _) =>
        {
            p.WaitForExit(); // flushes the redirected streams
            lock (stdout) job.Result = stdout.LastOrDefault(l => l.StartsWith('{'));
            job.State = p.ExitCode switch { 0 => "matches", 4 => "differs", _ => "failed" };
        };
        return job;
    }

    /// <summary>Stops the children still running (SIGTERM: a run leaves itself interrupted and resumable).</summary>
    public async ValueTask DisposeAsync()
    {
        List<Process> children;
        lock (_children) children = [.. _children];
        foreach (var p in children)
        {
            try
            {
                if (p.HasExited) continue;
                SelfProcess.Terminate(p);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try { await p.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
            }
            catch (InvalidOperationException) { /* never started or already gone */ }
        }
    }
}
