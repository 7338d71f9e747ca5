using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GridActors.WebConsole;

/// <summary>
/// The web console's server: ASP.NET Core (Kestrel) with minimal APIs under <c>/api/…</c> and server-rendered pages that use them,
/// live updates over server-sent events. Bound beyond loopback, every request must carry the access token.
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    public const string TokenCookie = "gridactors_token";
    public const string TokenQuery = "token";

    private readonly WebApplication _app;
    private readonly RunLauncher _launcher;

    private ConsoleServer(WebApplication app, RunLauncher launcher)
    {
        _app = app;
        _launcher = launcher;
    }

    /// <summary>The address it listens on (the port resolved when 0 was asked).</summary>
    public string Url => _app.Urls.First();

    /// <summary>Cancelled when the host begins to stop (SIGTERM, Ctrl-C).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public static async Task<ConsoleServer> StartAsync(ConsoleOptions options, CancellationToken cancellation)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        var host = options.Host is "*" ? "0.0.0.0" : options.Host;
        builder.WebHost.UseUrls($"http://{(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host)}:{options.Port}");
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);
        if (options.Loopback)
        {
            // Bound to loopback without a token: answer only requests addressed to loopback names, so a web page elsewhere cannot
            // reach the console through a DNS name that resolves to 127.0.0.1 (DNS rebinding). ASP.NET Core's host filtering.
            builder.Services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o =>
                o.AllowedHosts = ["127.0.0.1", "localhost", "[::1]", host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host]);
        }
        var launcher = new RunLauncher(options);
        var app = builder.Build();
        if (options.Loopback) app.UseHostFiltering();
        app.Use(SameOriginWrites);
        if (options.Token is { } token) app.Use(RequireToken(token, options.Host));
        var services = new ConsoleServices(options, launcher);
        Api.Map(app, services);
        Pages.Map(app, services);
        await app.StartAsync(cancellation).ConfigureAwait(false);
        return new ConsoleServer(app, launcher);
    }

    /// <summary>Refuses a request that changes something (not GET/HEAD) sent by a page of another origin (its <c>Origin</c> header names
    /// another host): a form on some web site must not start runs, inject faults or replay through the user's browser.</summary>
    private static async Task SameOriginWrites(HttpContext ctx, RequestDelegate next)
    {
        var origin = ctx.Request.Headers.Origin.ToString();
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method) && origin.Length > 0
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, ctx.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
            await ctx.Response.WriteAsJsonAsync(new ApiError($"cross-origin request refused: {origin} is not this console ({ctx.Request.Host})")).ConfigureAwait(false);
            return;
        }
        await next(ctx).ConfigureAwait(false);
    }

    /// <summary>Accepts a request that carries the token as <c>Authorization: Bearer TOKEN</c>, as <c>?token=TOKEN</c> (which sets a
    /// cookie, so the pages' own requests carry it) or as that cookie; refuses any other with 401 and a message.</summary>
    private static Func<HttpContext, RequestDelegate, Task> RequireToken(string token, string host)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        bool Matches(string? given) => given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
        return async (ctx, next) =>
        {
            var header = ctx.Request.Headers.Authorization.ToString();
            var bearer = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : null;
            var query = ctx.Request.Query[TokenQuery].ToString();
            if (Matches(bearer) || Matches(ctx.Request.Cookies[TokenCookie]))
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }
            if (Matches(query))
            {
                ctx.Response.Cookies.Append(TokenCookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
                await next(ctx).ConfigureAwait(false);
                return;
            }
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await ctx.Response.WriteAsJsonAsync(new ApiError(
                $"this console listens on {host}, beyond loopback: every request needs its access token (Authorization: Bearer TOKEN, or ?{TokenQuery}=TOKEN once, which sets a cookie)"))
                .ConfigureAwait(false);
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _launcher.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>An API error: one message saying what is wrong (and, for an invalid scenario, every problem with its place).</summary>
public sealed record ApiError(string Error, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ScenarioProblem>? Errors = null);

/// <summary>A problem of a scenario file at its line and column.</summary>
public sealed record ScenarioProblem(string File, int Line, int Column, string Message);
