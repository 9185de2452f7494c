using System.Globalization;
using Vigil.Configuration;

namespace Vigil.Logs.Sources.Files;

/// <summary>A file source: the files to follow and how.</summary>
public sealed record FileSourceOptions
{
    public const int DefaultMaxLineBytes = 1 << 20;
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Globs of files to follow; wildcards (<c>*</c>, <c>?</c>) in the file name only: <c>/var/log/app/*.log</c>.</summary>
    public required IReadOnlyList<string> Include { get; init; }

    /// <summary>Whether <c>.gz</c> files matched by <see cref="Include"/> are read (rotated, compressed copies).</summary>
    public bool ReadGzipRotated { get; init; } = true;

    /// <summary>Bytes of one line kept; the rest of a longer line is skipped (and counted).</summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>How often the files are looked at.</summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Include is null || Include.Count == 0)
        {
            errors.Add("include: at least one glob is required");
        }
        else
        {
            for (var i = 0; i < Include.Count; i++)
            {
                var glob = Include[i];
                var directory = string.IsNullOrWhiteSpace(glob) ? null : Path.GetDirectoryName(glob);
                if (string.IsNullOrEmpty(directory) || !Path.IsPathRooted(glob) || directory.AsSpan().IndexOfAny('*', '?') >= 0)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"include[{i}]: '{glob}' must be an absolute path with wildcards in the file name only"));
                }
            }
        }

        if (MaxLineBytes <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"max_line_bytes: must be > 0, got {MaxLineBytes}"));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            errors.Add("poll_interval: must be > 0");
        }

        return errors;
    }

    public void EnsureValid()
    {
        ConfigException.ThrowIfInvalid("logs.sources", Validate());
    }
}
