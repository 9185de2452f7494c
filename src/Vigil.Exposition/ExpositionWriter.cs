using System.Buffers;
using System.Text;
using Vigil.Core.Series;

namespace Vigil.Exposition;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4 as UTF-8 straight into an <see cref="IBufferWriter{T}"/>
/// (e.g. <c>HttpResponse.BodyWriter</c> or an <see cref="ArrayBufferWriter{T}"/>).
/// Spec: https://prometheus.io/docs/instrumenting/exposition_formats/.
/// </summary>
/// <remarks>
/// Each line is written with one <c>GetSpan</c>/<c>Advance</c> pair and allocates nothing. Metric and label
/// names are validated (an invalid name would make the whole scrape unparsable); preformatted label blocks are
/// trusted as given. Callers keep the lines of one family together, headers first, as the format requires.
/// Not thread-safe: one writer per render.
/// </remarks>
public sealed class ExpositionWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly IBufferWriter<byte> _output;

    // Collectors write the same name string for many lines in a row; validate it once per run, not per line.
    private string? _lastValidMetricName;
    private string? _lastValidExtraLabelName;

    public ExpositionWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Writes the <c># HELP</c> (backslash and line feed escaped) and <c># TYPE</c> lines of a family.</summary>
    public void WriteHeader(string name, string help, MetricType type)
    {
        CheckMetricName(name);
        ArgumentNullException.ThrowIfNull(help);
        var typeText = type switch
        {
            MetricType.Counter => "counter"u8,
            MetricType.Gauge => "gauge"u8,
            MetricType.Histogram => "histogram"u8,
            MetricType.Untyped => "untyped"u8,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown metric type."),
        };

        var span = _output.GetSpan((2 * name.Length) + (TextEscaper.MaxBytesPerChar * help.Length) + 32);
        var pos = 0;
        pos += Copy("# HELP "u8, span[pos..]);
        pos += Encoding.UTF8.GetBytes(name, span[pos..]);
        span[pos++] = (byte)' ';
        pos += TextEscaper.Write(help, TextEscaper.HelpSpecials, span[pos..]);
        pos += Copy("\n# TYPE "u8, span[pos..]);
        pos += Encoding.UTF8.GetBytes(name, span[pos..]);
        span[pos++] = (byte)' ';
        pos += Copy(typeText, span[pos..]);
        span[pos++] = (byte)'\n';
        _output.Advance(pos);
    }

    /// <summary>Writes <c>name{labels} value</c>; <paramref name="labelBlock"/> is a preformatted <c>{a="b"}</c> (see <see cref="FormatLabelBlock"/>) or empty.</summary>
    public void WriteSample(string name, ReadOnlySpan<byte> labelBlock, double value)
    {
        CheckMetricName(name);
        var span = _output.GetSpan(name.Length + labelBlock.Length + ValueFormatter.MaxLength + 2);
        var pos = Encoding.UTF8.GetBytes(name, span);
        pos += Copy(labelBlock, span[pos..]);
        _output.Advance(pos + WriteValueAndNewline(value, span[pos..]));
    }

    /// <summary>Writes <c>name{labels} value</c>, formatting and escaping the labels on the fly.</summary>
    public void WriteSample(string name, ReadOnlySpan<Label> labels, double value)
    {
        CheckMetricName(name);
        var span = _output.GetSpan(name.Length + MaxLabelBlockLength(labels) + ValueFormatter.MaxLength + 2);
        var pos = Encoding.UTF8.GetBytes(name, span);
        pos += WriteLabelBlock(labels, span[pos..]);
        _output.Advance(pos + WriteValueAndNewline(value, span[pos..]));
    }

    /// <summary>
    /// Writes <c>name{labels,extra="value"} value</c>: the extra label goes inside <paramref name="labelBlock"/>
    /// (e.g. a histogram's <c>le</c>).
    /// </summary>
    public void WriteSample(string name, ReadOnlySpan<byte> labelBlock, string extraLabelName, string extraLabelValue, double value)
    {
        CheckMetricName(name);
        ArgumentNullException.ThrowIfNull(extraLabelValue);
        if (!ReferenceEquals(extraLabelName, _lastValidExtraLabelName))
        {
            MetricNames.ThrowIfInvalidLabelName(extraLabelName, nameof(extraLabelName));
            _lastValidExtraLabelName = extraLabelName;
        }

        if (!labelBlock.IsEmpty && (labelBlock.Length < 2 || labelBlock[0] != '{' || labelBlock[^1] != '}'))
        {
            throw new ArgumentException("A label block is empty or starts with '{' and ends with '}'.", nameof(labelBlock));
        }

        var max = name.Length + labelBlock.Length + extraLabelName.Length
            + (TextEscaper.MaxBytesPerChar * extraLabelValue.Length) + ValueFormatter.MaxLength + 8;
        var span = _output.GetSpan(max);
        var pos = Encoding.UTF8.GetBytes(name, span);
        pos += WriteOpenBlock(labelBlock, span[pos..]);
        pos += Encoding.UTF8.GetBytes(extraLabelName, span[pos..]);
        span[pos++] = (byte)'=';
        span[pos++] = (byte)'"';
        pos += TextEscaper.Write(extraLabelValue, TextEscaper.LabelValueSpecials, span[pos..]);
        span[pos++] = (byte)'"';
        span[pos++] = (byte)'}';
        _output.Advance(pos + WriteValueAndNewline(value, span[pos..]));
    }

    /// <summary>
    /// Formats <c>{name="escaped value",...}</c> as UTF-8 in the given order, or an empty array when there are
    /// no labels. Values escape backslash, double quote and line feed. Keep the result to render a series by memcpy.
    /// </summary>
    public static byte[] FormatLabelBlock(ReadOnlySpan<Label> labels)
    {
        if (labels.IsEmpty)
        {
            return [];
        }

        ValidateLabels(labels);
        var length = 1;
        foreach (var label in labels)
        {
            length += label.Name.Length + 4 + TextEscaper.Count(label.Value, TextEscaper.LabelValueSpecials);
        }

        var block = new byte[length];
        var written = WriteLabelBlockUnchecked(labels, block);
        System.Diagnostics.Debug.Assert(written == length, "Count and Write disagree.");
        return block;
    }

    public static bool IsValidMetricName(string name) => MetricNames.IsValidMetricName(name);

    /// <summary>True for <c>[a-zA-Z_][a-zA-Z0-9_]*</c> not starting with the reserved <c>__</c>.</summary>
    public static bool IsValidLabelName(string name) => MetricNames.IsValidLabelName(name);

    /// <summary>
    /// Makes a valid label name: invalid chars become '_', a leading digit gets a '_' prefix, a leading run of
    /// underscores collapses to one (the "__" prefix is reserved) and an empty name becomes "_".
    /// </summary>
    public static string SanitizeLabelName(string name) => MetricNames.SanitizeLabelName(name);

    /// <summary>Registry fast path: name already validated and encoded, block preformatted.</summary>
    internal void WriteSample(ReadOnlySpan<byte> nameUtf8, ReadOnlySpan<byte> labelBlock, double value)
    {
        var span = _output.GetSpan(nameUtf8.Length + labelBlock.Length + ValueFormatter.MaxLength + 2);
        var pos = Copy(nameUtf8, span);
        pos += Copy(labelBlock, span[pos..]);
        _output.Advance(pos + WriteValueAndNewline(value, span[pos..]));
    }

    /// <summary>Registry fast path for buckets: <paramref name="extraPair"/> is a preformatted <c>le="0.5"</c>.</summary>
    internal void WriteSample(ReadOnlySpan<byte> nameUtf8, ReadOnlySpan<byte> labelBlock, ReadOnlySpan<byte> extraPair, double value)
    {
        var span = _output.GetSpan(nameUtf8.Length + labelBlock.Length + extraPair.Length + ValueFormatter.MaxLength + 4);
        var pos = Copy(nameUtf8, span);
        pos += WriteOpenBlock(labelBlock, span[pos..]);
        pos += Copy(extraPair, span[pos..]);
        span[pos++] = (byte)'}';
        _output.Advance(pos + WriteValueAndNewline(value, span[pos..]));
    }

    internal static void ValidateLabels(ReadOnlySpan<Label> labels)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            MetricNames.ThrowIfInvalidLabelName(labels[i].Name, nameof(labels));
            ArgumentNullException.ThrowIfNull(labels[i].Value, nameof(labels));
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(labels[i].Name, labels[j].Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Label name '{labels[i].Name}' appears twice.", nameof(labels));
                }
            }
        }
    }

    private static int MaxLabelBlockLength(ReadOnlySpan<Label> labels)
    {
        var max = 2;
        foreach (var label in labels)
        {
            max += (label.Name?.Length ?? 0) + 4 + (TextEscaper.MaxBytesPerChar * (label.Value?.Length ?? 0));
        }

        return max;
    }

    private static int WriteLabelBlock(ReadOnlySpan<Label> labels, Span<byte> destination)
    {
        if (labels.IsEmpty)
        {
            return 0;
        }

        ValidateLabels(labels);
        return WriteLabelBlockUnchecked(labels, destination);
    }

    private static int WriteLabelBlockUnchecked(ReadOnlySpan<Label> labels, Span<byte> destination)
    {
        var pos = 0;
        destination[pos++] = (byte)'{';
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                destination[pos++] = (byte)',';
            }

            pos += Encoding.UTF8.GetBytes(labels[i].Name, destination[pos..]);
            destination[pos++] = (byte)'=';
            destination[pos++] = (byte)'"';
            pos += TextEscaper.Write(labels[i].Value, TextEscaper.LabelValueSpecials, destination[pos..]);
            destination[pos++] = (byte)'"';
        }

        destination[pos++] = (byte)'}';
        return pos;
    }

    /// <summary>Writes "{" or "{a="b"," so one more pair and "}" complete the block.</summary>
    private static int WriteOpenBlock(ReadOnlySpan<byte> labelBlock, Span<byte> destination)
    {
        if (labelBlock.IsEmpty)
        {
            destination[0] = (byte)'{';
            return 1;
        }

        var pos = Copy(labelBlock[..^1], destination);
        destination[pos++] = (byte)',';
        return pos;
    }

    private static int WriteValueAndNewline(double value, Span<byte> destination)
    {
        destination[0] = (byte)' ';
        var pos = 1 + ValueFormatter.Format(value, destination[1..]);
        destination[pos++] = (byte)'\n';
        return pos;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private void CheckMetricName(string name)
    {
        if (!ReferenceEquals(name, _lastValidMetricName))
        {
            MetricNames.ThrowIfInvalidMetricName(name, nameof(name));
            _lastValidMetricName = name;
        }
    }
}
