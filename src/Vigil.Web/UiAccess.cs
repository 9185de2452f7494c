using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Vigil.Pipeline.Telemetry;

namespace Vigil.Web;

/// <summary>
/// Who may read pages and who may press the write buttons. Pages are open unless <c>server.ui_auth</c> is set; then
/// they need the API's read (or write) token as the password of HTTP Basic authentication, because a browser can send
/// Basic credentials on every page, form and image request without JavaScript, which it cannot do with a Bearer
/// header. Write forms carry the write token in a field, and are refused when posted from another site (an HTML form
/// can be posted cross-site without a CORS preflight, unlike the API's JSON).
/// </summary>
internal sealed class UiAccess(WebUiOptions options, VigilMetrics metrics)
{
    public const string TokenField = "token";

    public WebUiOptions Options => options;

    /// <summary>Null when the request may read; else why not (the 401 is answered by the caller).</summary>
    public bool MayRead(HttpContext http)
    {
        if (!options.RequireReadToken)
        {
            return true;
        }

        var presented = PresentedSecret(http.Request.Headers.Authorization.ToString());
        var ok = presented is not null && (Equal(presented, options.ReadToken) || Equal(presented, options.WriteToken));
        if (!ok)
        {
            metrics.CountError(ErrorTypes.Unauthorized);
        }

        return ok;
    }

    /// <summary>Null when the form may write; else the status and the message to show.</summary>
    public (int Status, string Message)? CheckWrite(HttpContext http, IFormCollection form)
    {
        if (CrossSite(http))
        {
            metrics.CountError(ErrorTypes.Unauthorized);
            return (StatusCodes.Status403Forbidden, "This form was posted from another site; Vigil accepts its forms only from its own pages.");
        }

        if (options.WritesRefused)
        {
            metrics.CountError(ErrorTypes.Unauthorized);
            return (StatusCodes.Status403Forbidden, "Write actions are disabled: Vigil listens beyond loopback and no server.write_token (VIGIL_WRITE_TOKEN) is configured.");
        }

        if (options.WriteToken is { } token && !Equal(form[TokenField].ToString().Trim(), token))
        {
            metrics.CountError(ErrorTypes.Unauthorized);
            return (StatusCodes.Status401Unauthorized, "The API write token is missing or wrong: enter server.write_token (VIGIL_WRITE_TOKEN) in the token field.");
        }

        return null;
    }

    /// <summary>Browsers send <c>Sec-Fetch-Site</c> and <c>Origin</c> on form posts; either naming another site is refused.</summary>
    private static bool CrossSite(HttpContext http)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || origin == "null")
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The password of <c>Basic</c> credentials, or the token of <c>Bearer</c>; null otherwise.</summary>
    internal static string? PresentedSecret(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // FixedTimeEquals leaks only the length, not how many leading bytes matched (as the API's check).
    private static bool Equal(string presented, string? expected)
        => expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
