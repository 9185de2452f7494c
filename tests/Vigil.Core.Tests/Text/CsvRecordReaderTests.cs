using Vigil.Core.Text;

namespace Vigil.Core.Tests.Text;

public sealed class CsvRecordReaderTests
{
    private static List<(long Line, List<string> Fields)> ReadAll(string text)
    {
        var reader = new CsvRecordReader(new StringReader(text));
        var records = new List<(long, List<string>)>();
        while (true)
        {
            var line = reader.Line;
            if (reader.Read() is not { } fields)
            {
                return records;
            }

            records.Add((line, fields));
        }
    }

    [Fact]
    public void Read_PlainRecords_SplitOnCommasWithLineNumbers()
    {
        var records = ReadAll("a,b\n1,2\n");

        Assert.Equal([1L, 2L], records.Select(r => r.Line));
        Assert.Equal([["a", "b"], ["1", "2"]], records.Select(r => r.Fields));
    }

    [Fact]
    public void Read_QuotedFields_HoldCommasDoubledQuotesAndNewlines()
    {
        var records = ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,row\n");

        Assert.Equal(["a,b", "say \"hi\"", "two\nlines"], records[0].Fields);
        Assert.Equal(3L, records[1].Line);
        Assert.Equal(["next", "row"], records[1].Fields);
    }

    [Fact]
    public void Read_CrLfAndNoFinalNewline_ReadLikeLf()
        => Assert.Equal([["a", "b"], ["1", "2"]], ReadAll("a,b\r\n1,2").Select(r => r.Fields));

    [Fact]
    public void Read_QuoteAfterBlanks_OpensQuotedFieldAndDropsTheBlanks()
        => Assert.Equal(["a", "b,c"], ReadAll("a, \"b,c\"\n")[0].Fields);

    [Fact]
    public void Read_QuoteInsideAField_IsAnOrdinaryCharacter()
        => Assert.Equal(["ab\"c", "d"], ReadAll("ab\"c,d\n")[0].Fields);

    [Fact]
    public void Read_EmptyLine_IsOneEmptyField()
        => Assert.Equal([[""], ["x"]], ReadAll("\nx\n").Select(r => r.Fields));

    [Fact]
    public void Read_EmptyInput_ReturnsNull()
        => Assert.Null(new CsvRecordReader(new StringReader(string.Empty)).Read());
}
