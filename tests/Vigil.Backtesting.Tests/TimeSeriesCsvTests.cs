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
    public void Read_BadValue_ThrowsWithLineNumber()
    {
        var ex = Assert.Throws<FormatException>(() => Read("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n"));

        Assert.Contains("test:3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("abc", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadTimestampAfterHeader_ThrowsWithLineNumber()
    {
        var ex = Assert.Throws<FormatException>(() => Read("timestamp,value\n\nyesterday,1\n"));

        Assert.Contains("test:3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingColumn_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => Read("timestamp,value\n1396310400\n"));

        Assert.Contains("test:2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DecreasingTimestamps_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => Read("1396310700,1\n1396310400,2\n"));

        Assert.Contains("test:2", ex.Message, StringComparison.Ordinal);
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
