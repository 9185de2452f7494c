using Vigil.Configuration;
using Vigil.Pipeline.Jobs;

namespace Vigil.Tests.Support;

/// <summary>
/// Loads YAML written to a temporary file through the real <see cref="ConfigLoader"/> (with no environment variables),
/// as `vigil run --config` does: what the section tests of one feature each share.
/// </summary>
public sealed class ConfigFiles : IDisposable
{
    private readonly TempDirectory _temp = new();

    public VigilOptions Load(string yaml) => Loader().Load(Write(yaml), Env());

    public (VigilOptions? Options, IReadOnlyList<string> Errors) TryLoad(string yaml) => Loader().TryLoad(Write(yaml), Env());

    public string Write(string yaml)
    {
        var path = _temp.File($"vigil-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose() => _temp.Dispose();

    private static ConfigLoader Loader() => new(VigilDetectors.ForValidation());

    private static Dictionary<string, string?> Env() => new(StringComparer.Ordinal);
}
