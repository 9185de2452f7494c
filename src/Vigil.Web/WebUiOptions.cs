namespace Vigil.Web;

/// <summary>
/// What the UI needs to know about access, decided by the host from <c>server.*</c> (docs/ui.md, docs/security.md).
/// The tokens are the API's own: the UI adds no credential of its own.
/// </summary>
public sealed record WebUiOptions
{
    /// <summary><c>server.ui_auth</c>: pages need the read token (HTTP Basic, any user name, the token as password). Default false: reading is open.</summary>
    public bool RequireReadToken { get; init; }

    /// <summary>The API's read token (or the write token when only that is set); what <see cref="RequireReadToken"/> checks.</summary>
    public string? ReadToken { get; init; }

    /// <summary>The API's write token: write forms (feedback, promote, rollback) must carry it in their <c>token</c> field. Null: no token needed.</summary>
    public string? WriteToken { get; init; }

    /// <summary>Writes are refused outright (beyond loopback without a write token), as the API refuses them.</summary>
    public bool WritesRefused { get; init; }

    /// <summary>Zone of the times shown on pages and charts (<c>server.time_zone</c>). Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Every error, one per line; empty when valid. Checked at start-up by the host's configuration.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RequireReadToken && ReadToken is null)
        {
            errors.Add("server.ui_auth: needs server.read_token or server.write_token (VIGIL_READ_TOKEN / VIGIL_WRITE_TOKEN): the UI checks the API's token");
        }

        return errors;
    }
}
