using Vigil.Core.Detection;

namespace Vigil.Configuration.Tests;

public sealed class ConfigDispatcherTests
{
    /// <summary>A feature's options, as a new assembly (inspection, logs) would declare them.</summary>
    private sealed record WidgetOptions(int Size, TimeSpan Every);

    /// <summary>A section like every feature's: parse the keys it owns, store its options, report errors with paths.</summary>
    private sealed class WidgetSection(string key = "widget") : IConfigSection
    {
        public IReadOnlyList<string> Keys { get; } = [key];

        public IReadOnlyList<string> EnvironmentVariables { get; } = ["WIDGET_SIZE"];

        public void Read(ConfigContext context)
        {
            var map = context.Mapping(key);
            var envSize = context.Env("WIDGET_SIZE");
            if (map is null && envSize is null)
            {
                return;
            }

            var y = context.Reader;
            map ??= new YamlDotNet.RepresentationModel.YamlMappingNode();
            y.RejectUnknown(map, key, "size", "every");
            var size = envSize is null ? y.Int(map, key, "size", 1, 10) : int.Parse(envSize, System.Globalization.CultureInfo.InvariantCulture);
            context.Set(new WidgetOptions(size ?? 3, y.Duration(map, key, "every", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? TimeSpan.FromMinutes(1)));
        }
    }

    /// <summary>Reads after <see cref="WidgetSection"/> and sees its options: sections run in registration order.</summary>
    private sealed class GadgetSection : IConfigSection
    {
        public IReadOnlyList<string> Keys { get; } = ["sources.gadget"];

        public IReadOnlyList<string> EnvironmentVariables { get; } = [];

        public void Read(ConfigContext context)
        {
            if (context.Mapping("sources.gadget") is not null)
            {
                context.Set(new List<string> { context.Get<WidgetOptions>() is null ? "no widget" : "widget" });
            }
        }
    }

    private static ConfigDispatcher CreateSut(params IConfigSection[] sections) => new(sections, DetectorRegistry.CreateDefault());

    [Fact]
    public void ReadYaml_OwnedSection_StoresItsOptions()
    {
        var (sections, errors) = CreateSut(new WidgetSection()).ReadYaml("widget: { size: 5, every: 30s }");

        Assert.Empty(errors);
        Assert.Equal(new WidgetOptions(5, TimeSpan.FromSeconds(30)), sections.Get<WidgetOptions>());
    }

    [Fact]
    public void ReadYaml_SectionAbsent_StoresNothing()
    {
        var (sections, errors) = CreateSut(new WidgetSection()).ReadYaml(string.Empty);

        Assert.Empty(errors);
        Assert.Null(sections.Get<WidgetOptions>());
    }

    [Fact]
    public void ReadYaml_EnvironmentOverride_IsReadBySection()
    {
        var (sections, _) = CreateSut(new WidgetSection()).ReadYaml(string.Empty, new Dictionary<string, string?> { ["WIDGET_SIZE"] = " 7 " });

        Assert.Equal(7, sections.Get<WidgetOptions>()!.Size);
    }

    [Fact]
    public void ReadYaml_UnownedKeys_RejectedAtRootAndUnderSharedParent()
    {
        var (_, errors) = CreateSut(new WidgetSection(), new GadgetSection()).ReadYaml("""
            widgte: { size: 5 }
            sources:
              gadget: { }
              gizmo: { }
            """);

        Assert.Contains(errors, e => e.StartsWith("widgte: unknown key (expected one of: widget, sources)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sources.gizmo: unknown key (expected one of: gadget)", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadYaml_EveryErrorWithItsPath_AllAtOnce()
    {
        var (_, errors) = CreateSut(new WidgetSection()).ReadYaml("widget: { size: 50, every: 10, colour: red }");

        Assert.Contains(errors, e => e.StartsWith("widget.size: must be a whole number between 1 and 10", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("widget.every: '10' is not a duration with a unit", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("widget.colour: unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadYaml_LaterSection_SeesEarlierSectionsOptions()
    {
        var (sections, _) = CreateSut(new WidgetSection(), new GadgetSection()).ReadYaml("widget: { }\nsources: { gadget: { } }");

        Assert.Equal(["widget"], sections.Get<List<string>>()!);
    }

    [Fact]
    public void ReadYaml_MalformedSharedParent_ReportedOnce()
    {
        var (_, errors) = CreateSut(new GadgetSection(), new WidgetSection("sources.other")).ReadYaml("sources: 3");

        Assert.Single(errors, e => e == "sources: must be a mapping");
    }

    [Fact]
    public void ReadYaml_SyntaxError_ReportsLineAndColumn()
    {
        var (_, errors) = CreateSut(new WidgetSection()).ReadYaml("widget: [unclosed\n");

        Assert.Contains(errors, e => e.StartsWith("yaml: line", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_TwoSectionsOwnOneKey_Throws()
        => Assert.Throws<ArgumentException>(() => CreateSut(new WidgetSection(), new WidgetSection()));

    [Fact]
    public void ThrowIfInvalid_Errors_OneExceptionWithEveryErrorUnderTheSection()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigException.ThrowIfInvalid("widget", ["size: too big", "every: too short"]));

        Assert.Equal(["widget.size: too big", "widget.every: too short"], ex.Errors);
    }

    [Fact]
    public void ThrowIfInvalid_NoErrors_DoesNotThrow()
        => Assert.Null(Record.Exception(() => ConfigException.ThrowIfInvalid("widget", [])));
}
