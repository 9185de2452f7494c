using System.Globalization;
using System.Text;

namespace Vigil.Exposition.Tests;

/// <summary>
/// A deliberately independent reader of the text format (char by char, no shared code with the writer), so
/// round-trip tests compare the writer against the spec rather than against itself.
/// </summary>
internal static class ExpositionParser
{
    internal sealed record Sample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, string ValueText)
    {
        public double Value => ParseValue(ValueText);

        public string? Label(string name) => Labels.FirstOrDefault(l => l.Key == name).Value;
    }

    public static List<Sample> ParseSamples(byte[] utf8) => ParseSamples(Encoding.UTF8.GetString(utf8));

    public static List<Sample> ParseSamples(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var pos = 0;
            while (pos < line.Length && line[pos] != '{' && line[pos] != ' ')
            {
                pos++;
            }

            var name = line[..pos];
            var labels = pos < line.Length && line[pos] == '{' ? ParseLabelBlock(line, ref pos) : [];
            Assert.Equal(' ', line[pos]);
            samples.Add(new Sample(name, labels, line[(pos + 1)..]));
        }

        return samples;
    }

    /// <summary>Parses <c>{a="b",...}</c> starting at <paramref name="pos"/>, leaving it after the closing brace.</summary>
    public static List<KeyValuePair<string, string>> ParseLabelBlock(string text, ref int pos)
    {
        var labels = new List<KeyValuePair<string, string>>();
        Assert.Equal('{', text[pos++]);
        while (text[pos] != '}')
        {
            var nameStart = pos;
            while (text[pos] != '=')
            {
                pos++;
            }

            var name = text[nameStart..pos];
            pos++;
            Assert.Equal('"', text[pos++]);
            var value = new StringBuilder();
            while (text[pos] != '"')
            {
                if (text[pos] == '\\')
                {
                    pos++;
                    value.Append(text[pos] switch
                    {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        var other => throw new FormatException($"Unknown escape \\{other}."),
                    });
                }
                else
                {
                    value.Append(text[pos]);
                }

                pos++;
            }

            pos++;
            labels.Add(new(name, value.ToString()));
            if (text[pos] == ',')
            {
                pos++;
            }
        }

        pos++;
        return labels;
    }

    public static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
