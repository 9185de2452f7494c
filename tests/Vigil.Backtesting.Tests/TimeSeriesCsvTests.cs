using Vigil.Backtesting;

namespace Vigil.Backtesting.Tests;

public sealed class TimeSeriesCsvTests
{
    private static TimeSeriesData Read(string text) => TimeSeriesCsv.Read(new StringReader(text), "test");

    [Fact]
    public void Read_NabFormatWithHeader_ParsesUtcTimestampsAndValues()
    {
        var data = Read("timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,-2e3\n");

        Assert.Equal("test", data.Name);
        Assert.Equal(new[] { 1396310400000L, 1396310700000L }, data.TimestampsMs);
        Assert.Equal(new[] { 1.5, -2000.0 }, data.Values);
    }

    [Fact]
    public void Read_NoHeader_ReadsFirstRowAsData()
    {
        var data = Read("2014-04-01 00:00:00,1\n2014-04-01 00:05:00,2\n");

        Assert.Equal(2, data.Count);
    }

    [Theory]
    [InlineData("2014-04-01T00:00:00Z")]
    [InlineData("2014-04-01T02:00:00+02:00")]
    [InlineData("2014-04-01T00:00:00")]
    [InlineData("2014-04-01T00:00:00.000Z")]
    [InlineData("1396310400")]
    [InlineData("1396310400000")]
    [InlineData("1396310400.0")]
    public void Read_TimestampFormats_AllMeanTheSameInstant(string timestamp)
    {
        var data = Read($"{timestamp},1\n");

        Assert.Equal(1396310400000L, data.TimestampsMs[0]);
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("", double.NaN)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("1e-05", 1e-05)]
    public void Read_SpecialValues_ParseInvariant(string cell, double expected)
    {
        var data = Read($"timestamp,value\n1396310400,{cell}\n");

        Assert.Equal(expected, data.Values[0]);
    }

    [Fact]
    public void Read_BadValue_SkipsTheRowAndNamesItsLine()
    {
        var data = Read("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n2014-04-01 00:10:00,3\n");

        Assert.Equal(new[] { 1.0, 3.0 }, data.Values);
        var row = Assert.Single(data.Skipped);
        Assert.Equal((3, 1, SkipReason.Unparseable), (row.Line, row.Position, row.Reason));
        Assert.Contains("abc", row.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\nyesterday,2\n", "'yesterday' is not a timestamp")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n1396310700\n", "expected at least 2 columns, found 1")]
    public void Read_UnparseableRow_IsSkippedNotFatal(string csv, string detail)
    {
        var data = Read(csv);

        Assert.Single(data.Values);
        Assert.StartsWith(detail, Assert.Single(data.Skipped).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timestamp,value\n\nyesterday,1\n", "line 3")]
    [InlineData("timestamp,value\n1396310400\n", "line 2")]
    public void Read_NoReadableRowAtAll_ThrowsNamingTheLines(string csv, string line)
    {
        var ex = Assert.Throws<FormatException>(() => Read(csv));

        Assert.StartsWith("test: no readable row", ex.Message, StringComparison.Ordinal);
        Assert.Contains(line, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowGoingBack55Minutes_IsSkippedAsOutOfOrderAndTheRunGoesOn()
    {
        // The shape of NAB's realKnownCause/machine_temperature_system_failure.csv: 5-minute rows, one of which goes
        // back 55 minutes. Prometheus drops such a sample as out of order; so do we, and the rows after it are kept.
        var rows = new List<string> { "timestamp,value" };
        var start = new DateTimeOffset(2013, 12, 2, 21, 15, 0, TimeSpan.Zero);
        for (var i = 0; i < 300; i++)
        {
            rows.Add($"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{70 + (i % 7)}");
            if (i == 150)
            {
                rows.Add($"{start.AddMinutes((5 * i) - 55):yyyy-MM-dd HH:mm:ss},69.5");
            }
        }

        var data = Read(string.Join('\n', rows));

        Assert.Equal(300, data.Count);
        var row = Assert.Single(data.Skipped);
        Assert.Equal(SkipReason.OutOfOrder, row.Reason);
        Assert.Equal(153, row.Line);
        Assert.Equal(151, row.Position);
        Assert.Equal(69.5, row.Value);
        Assert.Equal("55 min before the last accepted row (line 152)", row.Detail);
        Assert.All(Enumerable.Range(1, data.Count - 1), i => Assert.True(data.TimestampsMs[i] > data.TimestampsMs[i - 1]));
    }

    [Fact]
    public void Read_DuplicateTimestamp_KeepsTheFirstAndSkipsTheRest()
    {
        var data = Read("1396310400,1\n1396310400,2\n1396310400,3\n1396310700,4\n");

        Assert.Equal(new[] { 1.0, 4.0 }, data.Values);
        Assert.Equal(2, data.Skipped.Count);
        Assert.All(data.Skipped, r => Assert.Equal(SkipReason.Duplicate, r.Reason));
        Assert.Equal(new[] { 2, 3 }, data.Skipped.Select(r => r.Line));
    }

    [Fact]
    public void Read_KeepDuplicates_KeepsEqualTimestampsButStillSkipsOutOfOrderRows()
    {
        var data = TimeSeriesCsv.Read(new StringReader("1396310400,1\n1396310400,2\n1396310100,0\n1396310700,4\n"), "nab", TimeSeriesCsv.DuplicateTimestamps.Keep);

        Assert.Equal(new[] { 1.0, 2.0, 4.0 }, data.Values);
        Assert.Equal(SkipReason.OutOfOrder, Assert.Single(data.Skipped).Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Read_ShuffledRows_AcceptsAStrictlyIncreasingSubsetAndAccountsForEveryRow(int seed)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, 200).Select(i => 1396310400L + (60 * (i / 2))).OrderBy(_ => random.Next()).Take(150).ToList();

        var data = Read(string.Join('\n', times.Select(t => $"{t},{t % 17}")));

        Assert.True(data.Count + data.Skipped.Count == times.Count, $"seed {seed}: rows lost");
        Assert.True(Enumerable.Range(1, data.Count - 1).All(i => data.TimestampsMs[i] > data.TimestampsMs[i - 1]), $"seed {seed}: accepted timestamps not increasing");
        Assert.True(data.Skipped.All(r => r.Reason is SkipReason.OutOfOrder or SkipReason.Duplicate), $"seed {seed}: unexpected reason");
    }

    [Fact]
    public void Summarise_CountsByReasonAndShowsTheFirstLines()
    {
        var rows = Enumerable.Range(0, 5).Select(i => new SkippedRow(10 + i, i, SkipReason.Duplicate, null, null, "dup"))
            .Append(new SkippedRow(40, 5, SkipReason.OutOfOrder, null, null, "back"))
            .ToList();

        var text = SkippedRow.Summarise(rows, examples: 2);

        Assert.Equal("6 rows skipped: out_of_order 1 (line 40: back), duplicate 5 (line 10: dup; line 11: dup; 3 more)", text);
        Assert.Equal("no rows skipped", SkippedRow.Summarise([]));
    }

    [Fact]
    public void Read_HeaderWithNamedColumnsInOtherOrder_UsesNames()
    {
        var data = Read("value,host,timestamp\n3.5,a,1396310400\n");

        Assert.Equal(3.5, data.Values[0]);
        Assert.Equal(1396310400000L, data.TimestampsMs[0]);
    }

    [Fact]
    public void Read_QuotedCellsCommentsAndCrLf_AreHandled()
    {
        var data = Read("# exported\r\n\"timestamp\",\"value\"\r\n\"2014-04-01 00:00:00\",\"7\"\r\n");

        Assert.Equal(7.0, data.Values[0]);
    }

    [Fact]
    public void Read_File_UsesFileNameAsName()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-csv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "timestamp,value\n2014-04-01 00:00:00,1\n");
        try
        {
            var data = TimeSeriesCsv.Read(path);
            Assert.Equal(Path.GetFileNameWithoutExtension(path), data.Name);
            Assert.Single(data.Values);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
