using Vigil.Core.Detection;
using YamlDotNet.RepresentationModel;

namespace Vigil.Configuration;

/// <summary>
/// <c>detector: { type: rolling_sigma, window: 60 }</c>, shared by every section that scores (jobs, business metrics,
/// inspection): the type and its parameters as strings, validated by the registry with their paths.
/// </summary>
public static class DetectorSpecReader
{
    /// <summary>The spec under <paramref name="parent"/>'s <c>detector</c> key; <see cref="DetectorSpec.Default"/> when absent.</summary>
    public static DetectorSpec Read(ConfigReader reader, YamlMappingNode parent, string parentPath, DetectorRegistry detectors)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(detectors);
        var map = reader.Mapping(parent, parentPath, "detector");
        if (map is null)
        {
            return DetectorSpec.Default;
        }

        var path = ConfigReader.Join(parentPath, "detector");
        var type = reader.String(map, path, "type") ?? DetectorSpec.Default.Type;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (key == "type")
            {
                continue;
            }

            if (valueNode is YamlScalarNode { Value: { } value })
            {
                parameters[key] = value;
            }
            else
            {
                reader.Error($"{path}.{key}", "must be a single value");
            }
        }

        var spec = new DetectorSpec(type, parameters);
        reader.AddValidation(path, detectors.Validate(spec));
        return spec;
    }
}
