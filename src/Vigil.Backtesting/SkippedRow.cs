using System.Globalization;

namespace Vigil.Backtesting;

/// <summary>Why a CSV row was not replayed.</summary>
public enum SkipReason
{
    /// <summary>Its timestamp is before the last accepted one (Prometheus drops such samples as out of order).</summary>
    OutOfOrder,

    /// <summary>Its timestamp equals the last accepted one (the first sample for a timestamp wins, as in Prometheus).</summary>
    Duplicate,

    /// <summary>A cell could not be read: a missing column, a timestamp or a value in no accepted format.</summary>
    Unparseable,
}

/// <summary>
/// One row the reader skipped, where it was, and why. <see cref="Position"/> is the number of accepted points before
/// it, so per-point output can show it in file order.
/// </summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Position">Accepted points before this row.</param>
/// <param name="Reason">Why it was skipped.</param>
/// <param name="TimestampMs">Its timestamp, when it parsed.</param>
/// <param name="Value">Its value, when it parsed.</param>
/// <param name="Detail">What was wrong, for people.</param>
public sealed record SkippedRow(int Line, int Position, SkipReason Reason, long? TimestampMs, double? Value, string Detail)
{
    /// <summary>The per-point status written for the row: out_of_order, duplicate or unparseable.</summary>
    public string Status => StatusOf(Reason);

    public static string StatusOf(SkipReason reason) => reason switch
    {
        SkipReason.OutOfOrder => "out_of_order",
        SkipReason.Duplicate => "duplicate",
        SkipReason.Unparseable => "unparseable",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>
    /// One line for a run's summary: counts by reason and the first <paramref name="examples"/> rows of each with their
    /// line numbers, e.g. <c>2 rows skipped: out_of_order 1 (line 7: 55 min before line 6), unparseable 1 (line 9: 'abc' is not a number)</c>.
    /// </summary>
    public static string Summarise(IReadOnlyList<SkippedRow> rows, int examples = 3)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return "no rows skipped";
        }

        var parts = rows
            .GroupBy(r => r.Reason)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var shown = string.Join("; ", g.Take(examples).Select(r => string.Create(CultureInfo.InvariantCulture, $"line {r.Line}: {r.Detail}")));
                var more = g.Count() > examples ? string.Create(CultureInfo.InvariantCulture, $"; {g.Count() - examples} more") : string.Empty;
                return string.Create(CultureInfo.InvariantCulture, $"{StatusOf(g.Key)} {g.Count()} ({shown}{more})");
            });
        return string.Create(CultureInfo.InvariantCulture, $"{rows.Count} row{(rows.Count == 1 ? string.Empty : "s")} skipped: {string.Join(", ", parts)}");
    }
}
