using Vigil.Core.Detection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Configuration;

/// <summary>
/// Runs the registered sections over one parsed document: rejects keys no section owns (at the root, and inside a
/// mapping whose children several sections own, such as <c>sources</c>), then lets each section read its keys, in
/// registration order, so a section may use the options of those before it. Every error goes to one list, with its
/// path; a malformed parent met by several sections is reported once.
/// </summary>
public sealed class ConfigDispatcher
{
    private readonly IReadOnlyList<IConfigSection> _sections;
    private readonly DetectorRegistry _detectors;

    public ConfigDispatcher(IReadOnlyList<IConfigSection> sections, DetectorRegistry detectors)
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(detectors);
        var duplicate = sections.SelectMany(s => s.Keys).GroupBy(k => k, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two configuration sections own the key '{duplicate.Key}'.", nameof(sections));
        }

        _sections = sections;
        _detectors = detectors;
    }

    /// <summary>The environment variables the sections read, in registration order.</summary>
    public IReadOnlyList<string> EnvironmentVariables => [.. _sections.SelectMany(s => s.EnvironmentVariables)];

    /// <summary>Reads every section; the options are in the returned context's <see cref="ConfigContext.Sections"/>.</summary>
    public ConfigContext Read(YamlMappingNode root, IReadOnlyDictionary<string, string?> environment, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var context = new ConfigContext(root, environment, _detectors, new ConfigSections(), errors);
        RejectUnowned(context);
        foreach (var section in _sections)
        {
            section.Read(context);
        }

        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        errors.Clear();
        errors.AddRange(distinct);
        return context;
    }

    /// <summary>Parses and reads YAML text (tests of a single section, and embedded configurations).</summary>
    public (ConfigSections Sections, IReadOnlyList<string> Errors) ReadYaml(string yaml, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var errors = new List<string>();
        if (ConfigDocument.Parse(yaml, "yaml", errors) is not { } root)
        {
            return (new ConfigSections(), errors);
        }

        var context = Read(root, environment ?? new Dictionary<string, string?>(), errors);
        return (context.Sections, errors);
    }

    private void RejectUnowned(ConfigContext context)
    {
        var owned = _sections.SelectMany(s => s.Keys).Select(k => k.Split('.')).ToList();
        context.Reader.RejectUnknown(context.Root, string.Empty, [.. owned.Select(p => p[0]).Distinct(StringComparer.Ordinal)]);
        foreach (var parent in owned.Where(p => p.Length > 1).Select(Parent).Distinct(StringComparer.Ordinal))
        {
            if (context.Mapping(parent) is { } map)
            {
                context.Reader.RejectUnknown(map, parent, [.. owned.Where(p => p.Length > 1 && Parent(p) == parent).Select(p => p[^1])]);
            }
        }

        static string Parent(string[] path) => string.Join('.', path[..^1]);
    }
}

/// <summary>Loading the YAML document itself: a missing file or a syntax error is one error, with the line and column.</summary>
public static class ConfigDocument
{
    /// <summary>The root mapping of <paramref name="path"/> (an empty one when null or empty); null after an error.</summary>
    public static YamlMappingNode? Load(string? path, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (path is null)
        {
            return new YamlMappingNode();
        }

        if (!File.Exists(path))
        {
            errors.Add($"{path}: file not found");
            return null;
        }

        return Parse(File.ReadAllText(path), path, errors);
    }

    public static YamlMappingNode? Parse(string yaml, string origin, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            using var reader = new StringReader(yaml);
            var stream = new YamlStream();
            stream.Load(reader);
            return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode as YamlMappingNode
                ?? throw new YamlException("the document must be a mapping with server, sources and jobs");
        }
        catch (YamlException ex)
        {
            errors.Add($"{origin}: line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
            return null;
        }
    }
}
