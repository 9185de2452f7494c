using System.Collections;

namespace Vigil.Cli;

internal static class CliEnvironment
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int InvalidConfig = 2;

    public static IReadOnlyDictionary<string, string?> Variables()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }
}
