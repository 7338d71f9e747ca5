using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Reports.Format;

namespace GridActors.Hosting.Control;

/// <summary>
/// Injects a fault into a running run: checks what can be checked here (the run is running, has a control endpoint, the fault
/// fits its topology), sends the request to the run's control endpoint and returns the accepted injection — or bad input saying
/// why not.
/// </summary>
public static class InjectionClient
{
    public static async Task<(RunRecord Run, InjectAnswer Answer)> InjectAsync(RunRegistry registry, string runId, InjectRequest request, CancellationToken cancellation)
    {
        var run = Stores.Run(registry, runId);
        if (run.Status != "running")
            throw new UserInputException($"run '{run.RunId}' is {run.Status}: faults can only be injected into a running run (gridactors replay re-runs a finished one with its injections)");
        // What can be checked before asking the run (its time and duration are checked there, by the same rules).
        var rules = FaultRules.For(Stores.ScenarioOf(run).Spec, SimTime.FromSeconds(run.HorizonSeconds).Micros);
        if (rules.FirstProblem(new FaultSpec(request.Kind, request.Target, 0, 0, request.Fraction, request.Multiplier)) is string bad) throw new UserInputException(bad);
        if (run.Control is not { } control)
            throw new UserInputException($"run '{run.RunId}' takes no injections ({(run.Executor == "sequential" ? "the sequential executor has no coordinator; use --executor actors" : "it publishes no control endpoint")})");
        InjectAnswer? answer;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPEndPoint.Parse(control), cancellation).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, RunFolderJson.Compact) + "\n"), cancellation).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var line = await reader.ReadLineAsync(cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(90), cancellation).ConfigureAwait(false);
            answer = line is null ? null : JsonSerializer.Deserialize<InjectAnswer>(line, RunFolderJson.Compact);
        }
        catch (SocketException ex)
        {
            throw new UserInputException($"run '{run.RunId}' does not answer at {control} ({ex.Message}); has its process ended?");
        }
        if (answer is null) throw new UserInputException($"run '{run.RunId}' closed the connection without an answer (it may have just finished)");
        if (!answer.Ok || answer.Injection is null) throw new UserInputException(answer.Error ?? "the run refused the injection");
        return (run, answer);
    }
}
