using System.Net;
using System.Text.RegularExpressions;

namespace Vigil.Web.Tests.Support;

/// <summary>Small, strict readers of server-rendered HTML (the pages are plain HTML: no script to run).</summary>
public static partial class Html
{
    public static string Title(string html) => WebUtility.HtmlDecode(TitleTag().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no <title>"));

    public static string H1(string html) => WebUtility.HtmlDecode(H1Tag().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no <h1>"));

    /// <summary>The decoded href of every link whose href starts with <paramref name="prefix"/>, in document order.</summary>
    public static IReadOnlyList<string> Links(string html, string prefix)
        => [.. Href().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Where(h => h.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>The text of the row headers (<c>th scope="row"</c>) of the table with id <paramref name="id"/>.</summary>
    public static IReadOnlyList<string> RowHeaders(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table {id}");
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return [.. RowHeader().Matches(html[start..end]).Select(m => WebUtility.HtmlDecode(Tags().Replace(m.Groups[1].Value, string.Empty)).Trim())];
    }

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.Singleline)]
    private static partial Regex TitleTag();

    [GeneratedRegex("<h1>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex H1Tag();

    [GeneratedRegex("href=\"([^\"]*)\"")]
    private static partial Regex Href();

    [GeneratedRegex("<th scope=\"row\">(.*?)</th>", RegexOptions.Singleline)]
    private static partial Regex RowHeader();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
