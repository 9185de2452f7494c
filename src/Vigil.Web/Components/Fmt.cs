using System.Globalization;

namespace Vigil.Web.Components;

/// <summary>How pages write numbers and times: invariant culture, the configured zone, and "–" for what is not known.</summary>
internal static class Fmt
{
    public const string Missing = "–";

    public static string Time(DateTimeOffset? at, TimeZoneInfo zone)
        => at is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : Missing;

    public static string Time(long ms, TimeZoneInfo zone) => Time(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone);

    /// <summary>Round-trippable for form fields (RFC 3339, UTC): what the feedback API parses.</summary>
    public static string Rfc3339(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Num(double value) => double.IsNaN(value) ? Missing : value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Url(string text) => Uri.EscapeDataString(text);
}
