using System.Net;
using System.Security.Cryptography;
using System.Text;
using Vigil.Configuration;
using Vigil.Pipeline.Telemetry;
using YamlDotNet.RepresentationModel;

namespace Vigil.Hosting;

/// <summary>Tokens of the HTTP API (<c>server.write_token</c>, <c>server.read_token</c>, <c>server.allow_unauthenticated_writes</c>). See docs/security.md.</summary>
public sealed record ApiAuthOptions
{
    /// <summary>Required as <c>Authorization: Bearer</c> by every write endpoint (<c>VIGIL_WRITE_TOKEN</c>). Default none.</summary>
    public string? WriteToken { get; init; }

    /// <summary>Required by reads of business data, anomalies and feedback (<c>VIGIL_READ_TOKEN</c>); the write token is accepted too. Default: the write token when only that is set, else none.</summary>
    public string? ReadToken { get; init; }

    /// <summary>Accept writes without a token while listening beyond loopback. Default false; logged as a warning when set.</summary>
    public bool AllowUnauthenticatedWrites { get; init; }

    internal static ApiAuthOptions Read(ConfigReader y, YamlMappingNode map)
    {
        var options = new ApiAuthOptions
        {
            WriteToken = y.String(map, "server", "write_token"),
            ReadToken = y.String(map, "server", "read_token"),
            AllowUnauthenticatedWrites = y.Bool(map, "server", "allow_unauthenticated_writes") ?? false,
        };
        foreach (var (key, value) in new[] { ("write_token", options.WriteToken), ("read_token", options.ReadToken) })
        {
            if (value is not null && value.Trim().Length < 16)
            {
                y.Error($"server.{key}", "must be at least 16 characters (a guessable token is no protection)");
            }
        }

        return options;
    }
}

/// <summary>What the API's authentication does for this configuration, decided once at start-up.</summary>
public sealed record ApiAuthPolicy(string? WriteToken, string? ReadToken, bool WritesOpen, string ListenAddress)
{
    /// <summary>Writes are refused outright: beyond loopback, no token, no explicit opt-out.</summary>
    public bool WritesRefused => WriteToken is null && !WritesOpen;

    /// <summary>
    /// The write token is <c>server.write_token</c>, else <c>business.ingest.bearer_token</c> (which protected ingest
    /// before); the read token is <c>server.read_token</c>, else the write token. Without a write token, writes are
    /// open only on loopback or with <c>allow_unauthenticated_writes</c>.
    /// </summary>
    public static ApiAuthPolicy For(VigilOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var auth = options.Server.Auth;
        var write = auth.WriteToken ?? options.Business?.Pipeline.Ingest.BearerToken;
        var address = options.Server.ListenAddress;
        var loopback = address == "localhost" || (IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip));
        return new ApiAuthPolicy(write, auth.ReadToken ?? write, write is null && (loopback || auth.AllowUnauthenticatedWrites), address);
    }

    /// <summary>The start-up line explaining the write policy; null when writes need a token (the normal case).</summary>
    public string? StartupNotice(bool allowUnauthenticated) => WriteToken is not null ? null
        : WritesRefused ? $"Write endpoints (POST /api/v1/events, POST /api/v1/feedback) are refused: Vigil listens on {ListenAddress}, beyond loopback, and no server.write_token (VIGIL_WRITE_TOKEN) is configured. Set one, or set server.allow_unauthenticated_writes: true."
        : allowUnauthenticated ? $"server.allow_unauthenticated_writes is true: anyone who can reach {ListenAddress} can write events and feedback."
        : null;
}

/// <summary>
/// Bearer-token checks for <c>/api/</c>: GET/HEAD are reads, every other method a write. <c>/metrics</c>,
/// <c>/healthz</c>, <c>/readyz</c> and <c>/</c> are public. A missing or wrong token is a 401 with
/// <c>WWW-Authenticate: Bearer</c>, counted as <c>unauthorized</c>; tokens are compared in constant time.
/// </summary>
internal sealed class ApiAuthenticationMiddleware(RequestDelegate next, ApiAuthPolicy policy, VigilMetrics metrics)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return next(http);
        }

        var write = !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        if (write)
        {
            if (policy.WritesRefused)
            {
                metrics.CountError(ErrorTypes.Unauthorized);
                return Refuse(http, StatusCodes.Status403Forbidden, "write endpoints are disabled: Vigil listens beyond loopback and no server.write_token is configured");
            }

            return policy.WriteToken is null || Presented(http, policy.WriteToken) ? next(http) : Unauthorized(http);
        }

        return policy.ReadToken is null || Presented(http, policy.ReadToken) || (policy.WriteToken is not null && Presented(http, policy.WriteToken))
            ? next(http)
            : Unauthorized(http);
    }

    private Task Unauthorized(HttpContext http)
    {
        metrics.CountError(ErrorTypes.Unauthorized);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Refuse(http, StatusCodes.Status401Unauthorized, "missing or invalid bearer token");
    }

    private static Task Refuse(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = message }, http.RequestAborted);
    }

    internal static bool Presented(HttpContext http, string token)
    {
        const string scheme = "Bearer ";
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // FixedTimeEquals leaks only the length, not how many leading bytes matched.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }
}
