using System.Globalization;
using Vigil.Cli;
using Vigil.Pipeline.Tests.Fakes;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

/// <summary>Issue #11.18: no ANSI escape codes in piped output, nor on a terminal with NO_COLOR set.</summary>
public sealed partial class ConsoleColoursTests : IDisposable
{
    private const string Escape = "\u001b[";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("1", true, true)]
    [InlineData("anything", false, true)]
    [InlineData("", false, false)]
    [InlineData(null, false, false)]
    [InlineData(null, true, true)]
    public void Disabled_NoColorAndRedirection_DecideTogether(string? noColor, bool redirected, bool expected)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (noColor is not null)
        {
            environment["NO_COLOR"] = noColor;
        }

        Assert.Equal(expected, ConsoleColours.Disabled(environment, redirected));
    }

    [Fact]
    public async Task Detect_StdoutPiped_WritesNoEscapeCodes()
    {
        // A colour-capable TERM and no NO_COLOR: only the pipe says "plain text".
        var (exit, stdout, stderr) = await VigilProcess.RunRawAsync(new Dictionary<string, string> { ["TERM"] = "xterm-256color" }, terminal: false, DetectArgs());

        Assert.True(exit == 0, stderr);
        Assert.Contains("anomalous", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Escape, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Escape, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_TerminalWithNoColor_WritesNoEscapeCodes()
    {
        var (exit, stdout, _) = await VigilProcess.RunRawAsync(new Dictionary<string, string> { ["TERM"] = "xterm-256color", ["NO_COLOR"] = "1" }, terminal: true, DetectArgs());

        Assert.Equal(0, exit);
        Assert.Contains("anomalous", stdout, StringComparison.Ordinal);
        // No colour or style (SGR) sequence. On a terminal the .NET runtime itself switches the keypad mode
        // (ESC[?1h ESC=) when the console is initialised: a terminal control, not a colour, and not ours to drop.
        Assert.DoesNotMatch(Sgr(), stdout);
    }

    [Fact]
    public async Task Detect_TerminalWithoutNoColor_WritesEscapeCodes()
    {
        // The control: the pseudo-terminal above does get colours, so its NO_COLOR assertion can fail.
        var (exit, stdout, _) = await VigilProcess.RunRawAsync(new Dictionary<string, string> { ["TERM"] = "xterm-256color" }, terminal: true, DetectArgs());

        Assert.Equal(0, exit);
        Assert.Matches(Sgr(), stdout);
    }

    /// <summary>Select Graphic Rendition: the escape sequences that set colours and styles (ECMA-48 8.3.117).</summary>
    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex Sgr();

    private string[] DetectArgs()
    {
        var csv = _temp.File("series.csv");
        var lines = new List<string> { "timestamp,value" };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 200; i++)
        {
            var value = i == 150 ? 400 : 100 + (5 * Math.Sin(i * 0.5));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{value}"));
        }

        File.WriteAllLines(csv, lines);
        return ["detect", csv, "--detector", "rolling_sigma", "--param", "window=60"];
    }
}
