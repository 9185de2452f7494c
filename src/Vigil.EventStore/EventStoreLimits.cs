namespace Vigil.EventStore;

/// <summary>
/// Sizes the store accepts; larger input is refused with an <see cref="ArgumentException"/> naming the field, so one
/// bad caller cannot bloat a database every replica shares.
/// </summary>
public static class EventStoreLimits
{
    /// <summary>Job, source, detector, author, round id and other names (several of them share one PostgreSQL index entry, at most ~2.7 KB).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Labels of one series (or matchers of one selector).</summary>
    public const int MaxLabels = 64;

    /// <summary>One series in its canonical form, <c>{a="1",b="2"}</c>.</summary>
    public const int MaxSeriesLength = 4096;

    /// <summary>Dedup and alert keys (primary keys: PostgreSQL indexes at most ~2.7 KB per entry).</summary>
    public const int MaxKeyLength = 512;

    public const int MaxCommentLength = 4096;

    /// <summary>Episode context, alert payload and inspection report bodies (UTF-16 characters of JSON).</summary>
    public const int MaxJsonLength = 256 * 1024;

    public const int MaxErrors = 1000;

    /// <summary>A log template's text (the miner truncates lines long before this; the recorder cuts to it).</summary>
    public const int MaxTemplateLength = 8192;

    public const int MaxPageSize = 1000;

    /// <summary>The longest dedup window (a day): a longer one is almost certainly a unit mistake.</summary>
    public static readonly TimeSpan MaxDedupWindow = TimeSpan.FromDays(1);
}
