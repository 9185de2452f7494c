using ScottPlot;
using SkiaSharp;

namespace Vigil.Charts.Rendering;

/// <summary>
/// DejaVu Sans, regular and bold, embedded in the assembly (licence: Fonts/LICENSE-DejaVu.txt) and registered with
/// ScottPlot before anything is drawn. Skia otherwise finds fonts by scanning /usr/share/fonts: on a machine or
/// container without fonts it falls back to an empty typeface and every label, title included, silently vanishes.
/// </summary>
public static class ChartFonts
{
    /// <summary>The family every chart text uses.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<EmbeddedFontResolver> Resolver = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the faces once per process (idempotent, thread-safe).</summary>
    public static void EnsureRegistered() => _ = Resolver.Value;

    /// <summary>The embedded face (for tests: proves the resources load).</summary>
    public static SKTypeface Face(bool bold) => bold ? Resolver.Value.Bold : Resolver.Value.Regular;

    private static EmbeddedFontResolver Register()
    {
        var resolver = new EmbeddedFontResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));

        // First in the list, so no system font (or the absence of one) is ever consulted.
        Fonts.FontResolvers.Insert(0, resolver);
        Fonts.Default = Family;
        Fonts.Sans = Family;
        return resolver;
    }

    private static SKTypeface Load(string file)
    {
        var name = $"Vigil.Charts.Fonts.{file}";
        using var stream = typeof(ChartFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded font {name} is missing from the build");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        using var data = SKData.CreateCopy(memory.ToArray());
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"embedded font {name} is not a readable TrueType file");
    }

    /// <summary>
    /// Answers every family name with DejaVu Sans (bold when asked): a chart never asks for anything else, and a
    /// family ScottPlot picks internally must not fall through to a missing system font.
    /// </summary>
    private sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface Regular { get; } = regular;

        public SKTypeface Bold { get; } = bold;

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) => bold ? Bold : Regular;

        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing)
            => weight >= FontWeight.SemiBold ? Bold : Regular;
    }
}
