using System.ComponentModel;
using GridActors.WebConsole;
using Spectre.Console.Cli;

namespace GridActors.Cli.Commands;

public sealed class ConsoleSettings : StoreSettings
{
    [CommandOption("--host <ADDRESS>")]
    [Description("Address to listen on (default 127.0.0.1). Any other address needs an access token: --token, or one is generated and printed.")]
    [DefaultValue("127.0.0.1")]
    public string Host { get; init; } = "127.0.0.1";

    [CommandOption("--port <PORT>")]
    [Description("Port to listen on (0 picks a free one; the address is printed).")]
    [DefaultValue(5080)]
    public int Port { get; init; } = 5080;

    [CommandOption("--token <TOKEN>")]
    [Description("Access token (at least 16 characters) every request must carry: Authorization: Bearer TOKEN, or ?token=TOKEN once in the browser. Required beyond loopback (generated when not given); optional on loopback.")]
    public string? Token { get; init; }

    [CommandOption("--scenarios <DIR>")]
    [Description("Folder of the scenario files the launch form offers (default scenarios).")]
    [DefaultValue("scenarios")]
    public string Scenarios { get; init; } = "scenarios";
}

/// <summary><c>gridactors console</c>: serves the web console (GridActors.WebConsole) until SIGTERM or Ctrl-C.</summary>
public sealed class ConsoleCommand : AsyncCommand<ConsoleSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ConsoleSettings s, CancellationToken cancellation)
    {
        var options = new ConsoleOptions { Db = s.Db, Postgres = s.Postgres, Host = s.Host, Port = s.Port, Token = s.Token, ScenariosDir = s.Scenarios }
            .Resolve(out bool generated);
        await using var server = await ConsoleServer.StartAsync(options, cancellation).ConfigureAwait(false);
        if (options.Token is { } token)
        {
            Console.Out.WriteLine(options.Loopback
                ? "every request needs the access token given with --token"
                : $"bound to {options.Host}, beyond loopback: every request needs the access token{(generated ? " (generated)" : "")}");
            if (generated) Console.Out.WriteLine($"token {token}");
            Console.Out.WriteLine($"open {server.Url}/?token={(generated ? token : "TOKEN")}");
        }
        // Last, so whoever waits for this line (a script, the tests) has read the token lines too.
        Console.Out.WriteLine($"console listening on {server.Url} (store {options.Store.Display})");
        await Console.Out.FlushAsync(cancellation).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, server.Stopping);
        try { await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { /* Ctrl-C or SIGTERM: stop the server and the runs it launched */ }
        return 0;
    }
}
