using System.Diagnostics;

namespace GridActors.Cli.Tests;

/// <summary>Runs the real <c>gridactors</c> executable (built next to the tests) as a separate process.</summary>
public static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Task<Outcome> RunAsync(params string[] args) => RunWithEnvAsync([], args);

    private static ProcessStartInfo Info(Dictionary<string, string> env, string[] args)
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
        return psi;
    }

    /// <summary>Starts the CLI without waiting (output is discarded).</summary>
    public static Process Start(string[] args)
    {
        var psi = Info([], args);
        psi.RedirectStandardOutput = false;
        psi.RedirectStandardError = false;
        return Process.Start(psi)!;
    }

    public static async Task<Outcome> RunWithEnvAsync(Dictionary<string, string> env, string[] args)
    {
        var psi = Info(env, args);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
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
            if (e.Data is null) { _stderrDone.TrySetResult(); return; }
            lock (_lines) { _lines.Add(e.Data); Monitor.PulseAll(_lines); }
        };
        _p.BeginErrorReadLine();
    }

    public int Id => _p.Id;
    public string Stderr { get { lock (_lines) return string.Join('\n', _lines); } }

    /// <summary>Waits for a stderr line matching <paramref name="pattern"/> (a regex) and returns its match.</summary>
    public System.Text.RegularExpressions.Match WaitFor(string pattern, TimeSpan timeout)
    {
        var re = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
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
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _p.HasExited && seen == _lines.Count)
                    throw new Xunit.Sdk.XunitException($"no stderr line matching '{pattern}' (exited: {_p.HasExited}); stderr so far:\n{string.Join('\n', _lines)}");
                Monitor.Wait(_lines, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
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
