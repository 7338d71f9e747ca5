using System.Diagnostics;
using GridActors.Persistence;

namespace GridActors.Cli.Tests;

/// <summary>Runs the real <c>gridactors</c> executable (built next to the tests) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Task<Outcome> RunAsync(params string[] args) => RunWithEnvAsync([], args);

    /// <summary>Runs the CLI with <paramref name="workingDirectory"/> as its current directory (to see what it writes there).</summary>
    public static Task<Outcome> RunInAsync(string workingDirectory, params string[] args) => RunWithEnvAsync([], args, workingDirectory);

    private static ProcessStartInfo Info(Dictionary<string, string> env, string[] args, string? workingDirectory = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "gridactors.dll");
        Assert.True(File.Exists(dll), $"CLI not built next to the tests: {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        return psi;
    }

    /// <summary>A generous bound for one CLI command (the longest test runs take well under a minute alone).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<Outcome> RunWithEnvAsync(Dictionary<string, string> env, string[] args, string? workingDirectory = null)
    {
        var psi = Info(env, args, workingDirectory);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true); // never leave a hung CLI (or its workers) behind
            await p.WaitForExitAsync();
            throw new Xunit.Sdk.XunitException($"gridactors {string.Join(' ', args)} did not finish within {Timeout}\nstdout: {await stdout}\nstderr: {await stderr}");
        }
        return new Outcome(p.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A CLI process whose stderr is read line by line while it runs, so a test can act on what it reports.</summary>
public sealed class LiveProcess : IDisposable
{
    private readonly Process _p;
    private readonly List<string> _lines = [];
    private readonly Task<string> _stdout;
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LiveProcess(Dictionary<string, string> env, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "gridactors.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (args.Length > 1 && args[0] == "--ns-exec")
        {
            // Inside a network namespace: `ip netns exec NS dotnet gridactors.dll …` (ip execs, so the pid is dotnet's).
            psi.FileName = "ip";
            foreach (var a in new[] { "netns", "exec", args[1], "dotnet" }) psi.ArgumentList.Add(a);
            args = args[2..];
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        _p = Process.Start(psi)!;
        _stdout = _p.StandardOutput.ReadToEndAsync();
        _p.ErrorDataReceived += (_, e) =>
        {
            lock (_lines)
            {
                if (e.Data is null) _stderrClosed = true;
                else _lines.Add(e.Data);
                Monitor.PulseAll(_lines);
            }
            if (e.Data is null) _stderrDone.TrySetResult();
        };
        _p.BeginErrorReadLine();
    }

    private bool _stderrClosed; // guarded by _lines

    public int Id => _p.Id;
    public bool HasExited => _p.HasExited;

    /// <summary>SIGKILL, like kill -9 (the process only; workers it started notice their coordinator is gone).</summary>
    public void Kill() => _p.Kill();
    public string Stderr { get { lock (_lines) return string.Join('\n', _lines); } }

    /// <summary>Waits for a stderr line matching <paramref name="pattern"/> (a regex) and returns its match. Woken by every
    /// new line; gives up when the timeout (a generous bound, not an expectation) passes or when stderr has closed
    /// (the process ended) without such a line — after reading every line it wrote, so a line printed just before exit
    /// is never missed.</summary>
    public System.Text.RegularExpressions.Match WaitFor(string pattern, TimeSpan timeout)
    {
        var re = new System.Text.RegularExpressions.Regex(pattern);
        var clock = Stopwatch.StartNew();
        int seen = 0;
        lock (_lines)
        {
            while (true)
            {
                for (; seen < _lines.Count; seen++)
                {
                    var m = re.Match(_lines[seen]);
                    if (m.Success) return m;
                }
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero || _stderrClosed)
                    throw new Xunit.Sdk.XunitException($"no stderr line matching '{pattern}' ({(_stderrClosed ? "the process ended" : $"none within {timeout}")}); stderr so far:\n{string.Join('\n', _lines)}");
                Monitor.Wait(_lines, left);
            }
        }
    }

    public async Task<CliRunner.Outcome> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _p.WaitForExitAsync(cts.Token);
        await _stderrDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return new CliRunner.Outcome(_p.ExitCode, await _stdout, Stderr);
    }

    public void Dispose()
    {
        if (!_p.HasExited) _p.Kill(entireProcessTree: true);
        _p.Dispose();
    }
}

/// <summary>Condition waits on the run registry of a run in progress, read in the test process (no process per poll).</summary>
public static class RegistryProbe
{
    /// <summary>A generous bound: the runs waited for are paced or take seconds.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    /// <summary>Waits until the registry's record of <paramref name="runId"/> satisfies <paramref name="condition"/>;
    /// fails when the run process ends first or after <see cref="Bound"/>. The poll interval only limits how often
    /// the database is read; nothing depends on it.</summary>
    public static async Task<RunRecord> WaitUntil(Store store, string runId, LiveProcess run, Func<RunRecord, bool> condition, string what)
    {
        var registry = new RunRegistry(store.IsSqlite ? store.AsReadOnly() : store);
        var clock = Stopwatch.StartNew();
        RunRecord? last = null;
        while (!run.HasExited && clock.Elapsed < Bound)
        {
            last = registry.Get(runId);
            if (last is not null && condition(last)) return last;
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        throw new Xunit.Sdk.XunitException($"run {runId} was never {what} (process exited: {run.HasExited}; last record: {last})\n{run.Stderr}");
    }
}
