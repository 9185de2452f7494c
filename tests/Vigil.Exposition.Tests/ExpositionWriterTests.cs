using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Core.Series;

namespace Vigil.Exposition.Tests;

public sealed class ExpositionWriterTests
{
    [Fact]
    public void WriteHeader_HelpWithBackslashAndNewline_EscapesBothButNotQuotes()
    {
        var text = TestRender.Render(w => w.WriteHeader("up_gauge_x", "a \\ b\nc \"q\"", MetricType.Gauge));

        Assert.Equal("# HELP up_gauge_x a \\\\ b\\nc \"q\"\n# TYPE up_gauge_x gauge\n", text);
    }

    [Theory]
    [InlineData(MetricType.Counter, "counter")]
    [InlineData(MetricType.Gauge, "gauge")]
    [InlineData(MetricType.Histogram, "histogram")]
    [InlineData(MetricType.Untyped, "untyped")]
    public void WriteHeader_EachType_WritesSpecKeyword(MetricType type, string keyword)
    {
        var text = TestRender.Render(w => w.WriteHeader("m", "h", type));

        Assert.EndsWith($"# TYPE m {keyword}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteSample_PreformattedBlock_CopiesBlockAndFormatsValue()
    {
        var block = ExpositionWriter.FormatLabelBlock([new Label("job", "vigil"), new Label("instance", "a:1")]);

        var text = TestRender.Render(w => w.WriteSample("m", block, 2.5));

        Assert.Equal("m{job=\"vigil\",instance=\"a:1\"} 2.5\n", text);
    }

    [Fact]
    public void WriteSample_EmptyBlock_WritesNameAndValueOnly()
    {
        var text = TestRender.Render(w => w.WriteSample("m", ReadOnlySpan<byte>.Empty, double.NaN));

        Assert.Equal("m NaN\n", text);
    }

    [Fact]
    public void WriteSample_LabelSpan_MatchesPreformattedBlock()
    {
        Label[] labels = [new("a", "x\\y"), new("b", "say \"hi\"\nbye"), new("c", "東京 😀")];
        var preformatted = TestRender.Render(w => w.WriteSample("m", ExpositionWriter.FormatLabelBlock(labels), 1));

        var onTheFly = TestRender.Render(w => w.WriteSample("m", labels.AsSpan(), 1));

        Assert.Equal(preformatted, onTheFly);
        Assert.Equal("m{a=\"x\\\\y\",b=\"say \\\"hi\\\"\\nbye\",c=\"東京 😀\"} 1\n", onTheFly);
    }

    [Fact]
    public void WriteSample_ExtraLabelWithBlock_AppendsInsideBlock()
    {
        var block = ExpositionWriter.FormatLabelBlock([new Label("path", "/api")]);

        var text = TestRender.Render(w => w.WriteSample("h_bucket", block, "le", "0.25", 3));

        Assert.Equal("h_bucket{path=\"/api\",le=\"0.25\"} 3\n", text);
    }

    [Fact]
    public void WriteSample_ExtraLabelWithoutBlock_OpensBlock()
    {
        var text = TestRender.Render(w => w.WriteSample("h_bucket", ReadOnlySpan<byte>.Empty, "le", "+Inf", 7));

        Assert.Equal("h_bucket{le=\"+Inf\"} 7\n", text);
    }

    [Fact]
    public void WriteSample_ExtraLabelValueNeedsEscaping_IsEscaped()
    {
        var text = TestRender.Render(w => w.WriteSample("m", ReadOnlySpan<byte>.Empty, "k", "a\"b", 1));

        Assert.Equal("m{k=\"a\\\"b\"} 1\n", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("a b")]
    [InlineData("é")]
    public void WriteSample_InvalidMetricName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => TestRender.Render(w => w.WriteSample(name, ReadOnlySpan<byte>.Empty, 1)));
    }

    [Fact]
    public void WriteSample_InvalidLabelNameInSpan_Throws()
    {
        Assert.Throws<ArgumentException>(() => TestRender.Render(w => w.WriteSample("m", [new Label("__name__", "x")], 1)));
    }

    [Fact]
    public void WriteSample_DuplicateLabelNameInSpan_Throws()
    {
        Assert.Throws<ArgumentException>(() => TestRender.Render(w => w.WriteSample("m", [new Label("a", "x"), new Label("a", "y")], 1)));
    }

    [Fact]
    public void WriteSample_MalformedBlockWithExtraLabel_Throws()
    {
        Assert.Throws<ArgumentException>(() => TestRender.Render(w => w.WriteSample("m", "a=\"b\""u8, "le", "1", 1)));
    }

    [Fact]
    public void WriteSample_ManyLines_AllocatesNothingPerLine()
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var writer = new ExpositionWriter(buffer);
        var block = ExpositionWriter.FormatLabelBlock([new Label("series", "abc")]);
        const string name = "vigil_anomaly_score";
        Label[] labels = [new("series", "a\"b\nc"), new("job", "東京")];

        // Warm up every overload first: type initializers (escape tables) and tiered JIT allocate once.
        writer.WriteSample(name, block, 0.5);
        writer.WriteSample(name, labels.AsSpan(), 0.5);
        writer.WriteSample(name, block, "le", "0.25", 1);
        buffer.ResetWrittenCount();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            writer.WriteSample(name, block, i * 0.37);
            writer.WriteSample(name, labels.AsSpan(), i * 0.37);
            writer.WriteSample(name, block, "le", "0.25", i);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void FormatLabelBlock_NoLabels_ReturnsEmpty()
    {
        Assert.Empty(ExpositionWriter.FormatLabelBlock([]));
    }

    [Fact]
    public void FormatLabelBlock_UnpairedSurrogate_BecomesReplacementChar()
    {
        var block = ExpositionWriter.FormatLabelBlock([new Label("a", "x\uD800y")]);

        Assert.Equal("{a=\"x\uFFFDy\"}", Encoding.UTF8.GetString(block));
    }

    [Fact]
    public void FormatLabelBlock_RandomUnicodeValues_ParseBackToOriginal()
    {
        Prop.ForAll(LabelValues().ToArbitrary(), values =>
        {
            var labels = values.Select((v, i) => new Label($"l{i}", v)).ToArray();
            var text = Encoding.UTF8.GetString(ExpositionWriter.FormatLabelBlock(labels));
            if (labels.Length == 0)
            {
                return text.Length == 0;
            }

            var pos = 0;
            var parsed = ExpositionParser.ParseLabelBlock(text, ref pos);
            return pos == text.Length
                && parsed.Select(p => p.Key).SequenceEqual(labels.Select(l => l.Name))
                && parsed.Select(p => p.Value).SequenceEqual(values);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void WriteSample_RandomUnicodeLabelSpan_ParsesBackToOriginal()
    {
        Prop.ForAll(LabelValues().ToArbitrary(), values =>
        {
            var labels = values.Select((v, i) => new Label($"l{i}", v)).ToArray();
            var samples = ExpositionParser.ParseSamples(TestRender.Render(w => w.WriteSample("m", labels.AsSpan(), 1)));
            return samples.Count == 1 && samples[0].Labels.Select(p => p.Value).SequenceEqual(values);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("job", true)]
    [InlineData("_private", true)]
    [InlineData("a1_B2", true)]
    [InlineData("__name__", false)]
    [InlineData("1a", false)]
    [InlineData("a:b", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    public void IsValidLabelName_Cases_MatchDataModel(string name, bool valid)
    {
        Assert.Equal(valid, ExpositionWriter.IsValidLabelName(name));
    }

    [Theory]
    [InlineData("up", true)]
    [InlineData("job:rate5m:sum", true)]
    [InlineData("_x", true)]
    [InlineData("1up", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    public void IsValidMetricName_Cases_MatchDataModel(string name, bool valid)
    {
        Assert.Equal(valid, ExpositionWriter.IsValidMetricName(name));
    }

    [Theory]
    [InlineData("job", "job")]
    [InlineData("http.method", "http_method")]
    [InlineData("1st", "_1st")]
    [InlineData("k8s-pod name", "k8s_pod_name")]
    [InlineData("__meta", "_meta")]
    [InlineData("..x", "_x")]
    [InlineData("", "_")]
    [InlineData("é", "_")]
    public void SanitizeLabelName_Cases_ReturnValidName(string name, string expected)
    {
        var sanitized = ExpositionWriter.SanitizeLabelName(name);

        Assert.Equal(expected, sanitized);
        Assert.True(ExpositionWriter.IsValidLabelName(sanitized));
    }

    [Fact]
    public void SanitizeLabelName_AnyString_IsValid()
    {
        Prop.ForAll<string>(name => name is null || ExpositionWriter.IsValidLabelName(ExpositionWriter.SanitizeLabelName(name)))
            .QuickCheckThrowOnFailure();
    }

    /// <summary>Valid UTF-16 (no lone surrogates) biased toward the characters that need escaping.</summary>
    internal static Gen<string[]> LabelValues()
    {
        var piece = Gen.Frequency(
            (4, Gen.Elements("\\", "\"", "\n", "\\n", "{", "}", "=", ",", " ", "\t", "\r")),
            (4, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
            (2, Gen.Choose(0x80, 0xD7FF).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0xE000, 0xFFFF).Select(c => ((char)c).ToString())),
            (1, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)));
        return piece.ListOf().Select(string.Concat).ArrayOf();
    }
}
