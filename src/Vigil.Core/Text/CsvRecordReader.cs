using System.Text;

namespace Vigil.Core.Text;

/// <summary>
/// The one CSV tokenizer of Vigil (time series for backtests and `vigil detect`, business events for import), so both
/// read quoting the same way: RFC 4180 records from a <see cref="TextReader"/>, streamed one record at a time.
/// <list type="bullet">
/// <item>Fields are separated by <c>,</c>; a record ends at <c>\n</c> (a <c>\r</c> outside quotes is dropped, so
/// CRLF files read the same).</item>
/// <item>A <c>"</c> opens a quoted field at the start of a field, after optional blanks (which are then dropped:
/// <c>a, "b,c"</c> is two fields); inside it <c>""</c> is a quote and commas and newlines are data. A <c>"</c>
/// anywhere else is an ordinary character.</item>
/// <item><see cref="Line"/> is the 1-based line on which the next record starts, counting the newlines inside quoted
/// fields, so errors can name the line a user sees in an editor.</item>
/// </list>
/// No trimming and no comment handling here: what a blank or <c>#</c> line means is the caller's format.
/// </summary>
public sealed class CsvRecordReader(TextReader reader)
{
    private readonly TextReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly StringBuilder _field = new();

    /// <summary>The line on which the next record starts (1 before the first).</summary>
    public long Line { get; private set; } = 1;

    /// <summary>The next record's fields (at least one: an empty line is one empty field), or null at the end of the input.</summary>
    public List<string>? Read()
    {
        if (_reader.Peek() < 0)
        {
            return null;
        }

        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var blanksOnly = true;
        while (true)
        {
            var c = _reader.Read();
            if (c < 0)
            {
                fields.Add(_field.ToString());
                return fields;
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    Line += c == '\n' ? 1 : 0;
                    _field.Append((char)c);
                }
            }
            else if (c == '"' && blanksOnly)
            {
                quoted = true;
                blanksOnly = false;
                _field.Clear();
            }
            else if (c == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
                blanksOnly = true;
            }
            else if (c == '\n')
            {
                Line++;
                fields.Add(_field.ToString());
                return fields;
            }
            else if (c != '\r')
            {
                blanksOnly &= c is ' ' or '\t';
                _field.Append((char)c);
            }
        }
    }
}
