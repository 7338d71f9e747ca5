using System.Net;
using System.Security.Cryptography;
using GridActors.Hosting;
using GridActors.Persistence;

namespace GridActors.WebConsole;

/// <summary>
/// What <c>gridactors console</c> serves: the store (SQLite file or PostgreSQL, as for every command), the address it binds
/// (127.0.0.1 by default), the access token (required on any other address), the scenario folder the launch form offers and
/// where run folders are (runs/, as for the command line).
/// </summary>
public sealed record ConsoleOptions
{
    public string? Db { get; init; }
    public string? Postgres { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 5080;
    public string? Token { get; init; }
    public string ScenariosDir { get; init; } = "scenarios";

    /// <summary>The store, resolved once (a missing SQLite file is created with an empty registry).</summary>
    public Store Store { get; init; } = null!;

    /// <summary>True when the console listens on a loopback address only.</summary>
    public bool Loopback => Host is "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Checks the options, resolves the store, and makes a token when one is needed and none was given
    /// (<paramref name="generated"/> says so, to print it).</summary>
    public ConsoleOptions Resolve(out bool generated)
    {
        generated = false;
        if (Db is not null && Postgres is not null) throw new UserInputException("--db and --postgres exclude each other");
        if (Port is < 0 or > 65535) throw new UserInputException($"--port must be 0 to 65535; got {Port}");
        if (Host != "localhost" && Host != "*" && !IPAddress.TryParse(Host, out _))
            throw new UserInputException($"--host '{Host}' is not an IP address (use 127.0.0.1, 0.0.0.0, :: or an address of this machine)");
        if (Token is { Length: < 16 }) throw new UserInputException("--token must be at least 16 characters");
        if (!Directory.Exists(ScenariosDir)) throw new UserInputException($"scenario folder not found: {ScenariosDir} (run from the repository root or give --scenarios DIR)");
        var store = Stores.Resolve(Db, Postgres, create: true);
        new RunRegistry(store).EnsureSchema();
        var token = Token;
        if (token is null && !Loopback)
        {
            token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            generated = true;
        }
        return this with { Store = store, Token = token, Db = Postgres is null ? Db ?? Store.DefaultSqlitePath : null };
    }
}
