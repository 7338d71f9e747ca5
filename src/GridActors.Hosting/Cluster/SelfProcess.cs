using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GridActors.Hosting.Cluster;

/// <summary>Starts another gridactors process (a worker node, a sweep case) the way this one was started, and stops processes politely.</summary>
public static class SelfProcess
{
    public static ProcessStartInfo StartInfo()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the gridactors executable");
        var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Started as `dotnet gridactors.dll`: start the same entry assembly.
            var entry = Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("cannot locate the gridactors assembly");
            psi.ArgumentList.Add(entry);
        }
        return psi;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Asks a process to stop cleanly (SIGTERM).</summary>
    public static void Terminate(Process p)
    {
        if (OperatingSystem.IsWindows()) p.Kill();
        else _ = SysKill(p.Id, 15);
    }
}
