using System.Globalization;
using Vigil.Core.Text;

namespace Vigil.Backtesting;

/// <summary>
/// Reads <c>timestamp,value</c> CSV files (NAB layout and anything exported the same way).
/// <list type="bullet">
/// <item>Header optional: a first row whose timestamp cell does not parse is a header; columns named
/// <c>timestamp</c>/<c>time</c>/<c>ts</c> and <c>value</c> are located by name, otherwise the first two columns are used.</item>
/// <item>Timestamps: <c>2014-04-01 00:00:00</c> (NAB), ISO-8601 with or without offset (no offset means UTC),
/// or Unix epoch numbers: seconds (fractions allowed) below 10¹¹, milliseconds from 10¹¹ on.</item>
/// <item>Values: invariant culture; <c>NaN</c>, <c>Inf</c>/<c>+Inf</c>/<c>-Inf</c>/<c>Infinity</c> accepted; an empty cell is NaN.</item>
/// <item>Blank lines and lines starting with <c>#</c> are ignored. Fields are split by <see cref="CsvRecordReader"/>
/// (the reader business events use too): RFC 4180 quotes, so a quoted cell may hold commas.</item>
/// <item>Rows are never fatal, as Prometheus never lets one bad sample stop ingestion: a row whose timestamp goes
/// back (<see cref="SkipReason.OutOfOrder"/>) or repeats the last accepted one (<see cref="SkipReason.Duplicate"/>), and
/// a row that does not parse (<see cref="SkipReason.Unparseable"/>), is skipped and listed in
/// <see cref="TimeSeriesData.Skipped"/> with its line number. Accepted timestamps are strictly increasing. A real NAB
/// file (<c>realKnownCause/machine_temperature_system_failure.csv</c>) has a row that goes back 55 minutes.</item>
/// </list>
/// Only a file with rows but not one readable row throws <see cref="FormatException"/> (naming the first problems):
/// that is the wrong file or the wrong format, not a few bad samples.
/// </summary>
public static class TimeSeriesCsv
{
    /// <summary>
    /// What to do with a row whose timestamp equals the last accepted one. Live semantics (Prometheus) skip it; the NAB
    /// benchmark keeps it, because NAB scores one result per data row and its DEV files hold such rows (twelve
    /// identical rows at 2014-03-09 03:00 in <c>realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv</c>, a DST artefact).
    /// </summary>
    public enum DuplicateTimestamps
    {
        Skip,
        Keep,
    }

    // Unix seconds stay below 1e11 until the year 5138; milliseconds pass 1e11 in 1973. Either way the guess is safe
    // for any metric a user could have.
    private const double MillisecondsThreshold = 1e11;

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ss zzz",
        "yyyy-MM-dd",
    ];

    public static TimeSeriesData Read(string path, DuplicateTimestamps duplicates = DuplicateTimestamps.Skip)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileNameWithoutExtension(path), duplicates);
    }

    public static TimeSeriesData Read(TextReader reader, string sourceName, DuplicateTimestamps duplicates = DuplicateTimestamps.Skip)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);

        var timestamps = new List<long>(1024);
        var values = new List<double>(1024);
        var skipped = new List<SkippedRow>();
        var timeColumn = 0;
        var valueColumn = 1;
        var lineNumber = 0;
        var sawFirstRow = false;
        var previous = long.MinValue;
        var previousLine = 0;
        var csv = new CsvRecordReader(reader);
        while (true)
        {
            lineNumber = (int)csv.Line;
            if (csv.Read() is not { } record)
            {
                break;
            }

            if ((record.Count == 1 && record[0].AsSpan().Trim().IsEmpty) || record[0].AsSpan().TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = record.ToArray();
            if (!sawFirstRow)
            {
                sawFirstRow = true;
                if (!TryParseTimestamp(fields[0], out _))
                {
                    (timeColumn, valueColumn) = LocateColumns(fields, sourceName, lineNumber);
                    continue;
                }
            }

            var needed = Math.Max(timeColumn, valueColumn) + 1;
            if (fields.Length < needed)
            {
                Skip(SkipReason.Unparseable, null, null, $"expected at least {needed} columns, found {fields.Length}");
                continue;
            }

            if (!TryParseTimestamp(fields[timeColumn], out var timestamp))
            {
                Skip(SkipReason.Unparseable, null, null, $"'{fields[timeColumn]}' is not a timestamp (expected e.g. 2014-04-01 00:00:00, ISO-8601 or Unix seconds/milliseconds)");
                continue;
            }

            if (!TryParseValue(fields[valueColumn], out var value))
            {
                Skip(SkipReason.Unparseable, timestamp, null, $"'{fields[valueColumn]}' is not a number");
                continue;
            }

            if (timestamp < previous)
            {
                Skip(SkipReason.OutOfOrder, timestamp, value, $"{Describe(previous - timestamp)} before the last accepted row (line {previousLine})");
                continue;
            }

            if (timestamp == previous && duplicates == DuplicateTimestamps.Skip)
            {
                Skip(SkipReason.Duplicate, timestamp, value, $"same timestamp as line {previousLine}; the first is kept");
                continue;
            }

            previous = timestamp;
            previousLine = lineNumber;
            timestamps.Add(timestamp);
            values.Add(value);
        }

        if (timestamps.Count == 0 && skipped.Count > 0)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{sourceName}: no readable row; {SkippedRow.Summarise(skipped)}"));
        }

        return new TimeSeriesData(sourceName, [.. timestamps], [.. values]) { Skipped = skipped };

        void Skip(SkipReason reason, long? timestampMs, double? value, string detail)
            => skipped.Add(new SkippedRow(lineNumber, timestamps.Count, reason, timestampMs, value, detail));
    }

    private static string Describe(long milliseconds)
    {
        var span = TimeSpan.FromMilliseconds(milliseconds);
        return span.TotalMinutes >= 1 && span.Seconds == 0 && span.Milliseconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMinutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");
    }

    /// <summary>Parses one timestamp cell to Unix milliseconds (UTC).</summary>
    public static bool TryParseTimestamp(string text, out long timestampMs)
    {
        ArgumentNullException.ThrowIfNull(text);
        timestampMs = 0;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        if (IsEpochNumber(span))
        {
            if (!double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch) || !double.IsFinite(epoch))
            {
                return false;
            }

            var ms = Math.Abs(epoch) >= MillisecondsThreshold ? epoch : epoch * 1000.0;
            if (ms < -62_135_596_800_000.0 || ms > 253_402_300_799_999.0)
            {
                return false;
            }

            timestampMs = (long)Math.Round(ms);
            return true;
        }

        if (DateTimeOffset.TryParseExact(span, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            timestampMs = parsed.ToUnixTimeMilliseconds();
            return true;
        }

        return false;
    }

    /// <summary>Parses one value cell: invariant numbers, NaN, ±Inf in Prometheus and .NET spellings; empty is NaN.</summary>
    public static bool TryParseValue(string text, out double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            value = double.NaN;
            return true;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var sign = 1.0;
        if (span[0] is '+' or '-')
        {
            sign = span[0] == '-' ? -1.0 : 1.0;
            span = span[1..];
        }

        if (span.Equals("inf", StringComparison.OrdinalIgnoreCase) || span.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }

        if (span.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        value = double.NaN;
        return false;
    }

    private static bool IsEpochNumber(ReadOnlySpan<char> span)
    {
        // Digits with at most one dot (and an optional sign): a date always has '-' after its year, never first.
        var start = span[0] is '-' or '+' ? 1 : 0;
        if (start == span.Length)
        {
            return false;
        }

        var dots = 0;
        for (var i = start; i < span.Length; i++)
        {
            var c = span[i];
            if (c == '.')
            {
                dots++;
            }
            else if (c is < '0' or > '9' and not 'e' and not 'E')
            {
                return false;
            }
        }

        return dots <= 1;
    }

    private static (int Time, int Value) LocateColumns(string[] header, string sourceName, int lineNumber)
    {
        var time = -1;
        var value = -1;
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            if (time < 0 && (name.Equals("timestamp", StringComparison.OrdinalIgnoreCase) || name.Equals("time", StringComparison.OrdinalIgnoreCase) || name.Equals("ts", StringComparison.OrdinalIgnoreCase)))
            {
                time = i;
            }
            else if (value < 0 && name.Equals("value", StringComparison.OrdinalIgnoreCase))
            {
                value = i;
            }
        }

        if (time < 0 && value < 0)
        {
            if (header.Length < 2)
            {
                throw Error(sourceName, lineNumber, $"'{string.Join(',', header)}' is neither a header with two columns nor a data row");
            }

            return (0, 1);
        }

        if (time < 0 || value < 0)
        {
            // One named column: the other is the first remaining one.
            var other = time < 0 ? value : time;
            var pick = other == 0 ? 1 : 0;
            return time < 0 ? (pick, value) : (time, pick);
        }

        return (time, value);
    }

    private static FormatException Error(string sourceName, int lineNumber, string message)
        => new(string.Create(CultureInfo.InvariantCulture, $"{sourceName}:{lineNumber}: {message}"));
}
