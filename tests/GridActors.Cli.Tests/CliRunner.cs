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
