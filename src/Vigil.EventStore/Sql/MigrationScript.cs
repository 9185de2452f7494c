using System.Globalization;
using System.Text;

namespace Vigil.EventStore.Sql;

/// <summary>One schema version of one back end: an embedded <c>NNNN_name.sql</c> file.</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>The scripts embedded under <c>Vigil.EventStore.{backEnd}.</c>, by ascending version, numbered 1, 2, 3... without gaps.</summary>
    public static IReadOnlyList<MigrationScript> Load(string backEnd)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var prefix = $"Vigil.EventStore.{backEnd}.";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new MigrationScript(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException($"{backEnd} event-store migrations must be numbered 1, 2, 3... without gaps; found {scripts[i].Version} at position {i + 1}.");
            }
        }

        return scripts.Count > 0 ? scripts : throw new InvalidOperationException($"No {backEnd} event-store migrations are embedded.");
    }
}
