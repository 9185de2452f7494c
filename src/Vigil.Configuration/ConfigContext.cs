using Vigil.Core.Detection;
using YamlDotNet.RepresentationModel;

namespace Vigil.Configuration;

/// <summary>
/// What a section reader sees: the parsed document, the environment, the detector registry (for detector specs),
/// the error list, and the options the sections before it produced.
/// </summary>
public sealed class ConfigContext
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly ConfigSections _sections;

    public ConfigContext(YamlMappingNode root, IReadOnlyDictionary<string, string?> environment, DetectorRegistry detectors, ConfigSections sections, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(detectors);
        ArgumentNullException.ThrowIfNull(sections);
        Root = root;
        _environment = environment;
        Detectors = detectors;
        _sections = sections;
        Reader = new ConfigReader(errors);
    }

    public YamlMappingNode Root { get; }

    /// <summary>The options the sections stored so far.</summary>
    public ConfigSections Sections => _sections;

    public ConfigReader Reader { get; }

    public DetectorRegistry Detectors { get; }

    /// <summary>The value of an environment variable, trimmed; null when unset or blank.</summary>
    public string? Env(string name)
        => _environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>The node at a dotted path (<c>sources.prometheus</c>); null when any part is absent or empty. A non-mapping parent is reported.</summary>
    public YamlNode? Node(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var parts = path.Split('.');
        var map = Root;
        var parentPath = string.Empty;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (Reader.Mapping(map, parentPath, parts[i]) is not { } next)
            {
                return null;
            }

            map = next;
            parentPath = ConfigReader.Join(parentPath, parts[i]);
        }

        return map.Children.TryGetValue(new YamlScalarNode(parts[^1]), out var node) ? node : null;
    }

    /// <summary>The mapping at a dotted path; null when absent or empty (<c>key:</c>, <c>key: ~</c>); anything else is reported.</summary>
    public YamlMappingNode? Mapping(string path)
    {
        var parts = path.Split('.');
        if (parts.Length == 1)
        {
            return Reader.Mapping(Root, string.Empty, path);
        }

        var parentPath = string.Join('.', parts[..^1]);
        return Node(parentPath) is YamlMappingNode parent ? Reader.Mapping(parent, parentPath, parts[^1]) : null;
    }

    /// <summary>True when the path is present in the file (even as an empty mapping).</summary>
    public bool IsPresent(string path) => Node(path) is not null;

    /// <summary>The options an earlier section stored; null when that feature is not configured.</summary>
    public T? Get<T>()
        where T : class => _sections.Get<T>();

    /// <summary>Stores this section's options for the loader and the later sections.</summary>
    public void Set<T>(T options)
        where T : class => _sections.Set(options);
}

/// <summary>The options every section produced, by type: the loader maps them onto the host's options, and a feature added later reads its own here.</summary>
public sealed class ConfigSections
{
    private readonly Dictionary<Type, object> _byType = [];

    public T? Get<T>()
        where T : class => _byType.TryGetValue(typeof(T), out var value) ? (T)value : null;

    public void Set<T>(T options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        _byType[typeof(T)] = options;
    }

    public void Remove<T>()
        where T : class => _byType.Remove(typeof(T));
}
