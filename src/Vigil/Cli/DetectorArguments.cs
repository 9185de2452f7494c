using Vigil.Core.Detection;

namespace Vigil.Cli;

/// <summary>The <c>--detector TYPE --param name=value …</c> pair shared by the offline commands.</summary>
internal static class DetectorArguments
{
    /// <summary>Builds the detector, or prints every problem to stderr and returns null (the command exits with 2).</summary>
    public static IDetector? TryCreate(DetectorRegistry registry, string type, IEnumerable<string> parameterTexts)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in parameterTexts)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                Console.Error.WriteLine($"--param: '{text}' must look like name=value");
                return null;
            }

            parameters[text[..eq].Trim()] = text[(eq + 1)..].Trim();
        }

        var spec = new DetectorSpec(type, parameters);
        var errors = registry.Validate(spec);
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"detector.{error}");
        }

        return errors.Count == 0 ? registry.Create(spec) : null;
    }
}
