using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Detectors.IsolationForest;
using Vigil.Core.Features;

namespace Vigil.Models.Files;

/// <summary>
/// Reads and writes model files: an 8-byte magic, a 4-byte little-endian header length, a UTF-8 JSON header and a
/// binary body of tree arrays (layout in docs/models.md). The body is binary because a default forest is ~100k
/// numbers: 2.4 MB of exact IEEE-754 bits load in milliseconds, where JSON would be 3× larger, slower to parse and
/// one float-formatting bug away from breaking parity with scikit-learn. The header stays JSON so
/// <c>head -c 4096 model.vmodel</c> and <c>vigil models list</c> show where a model came from.
/// </summary>
public static class ModelFileFormat
{
    public const int CurrentFormatVersion = 1;
    public const string IsolationForestKind = "isolation_forest";
    public const string TreesEncoding = "vigil-trees-le-v1";
    public const string Extension = ".vmodel";

    private const int PreambleLength = 12;
    private const int MaxHeaderLength = 16 << 20;

    private static ReadOnlySpan<byte> Magic => "VIGILMDL"u8;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Builds the header for <paramref name="model"/>: hyper-parameters, features, body hash and version.</summary>
    public static ModelFile Create(ModelDescription description, AnomalyModel model)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(model);
        if (description.Queries.Count != 0 && description.Queries.Count != model.FeatureCount)
        {
            throw new ArgumentException($"Expected {model.FeatureCount} queries (one per feature), got {description.Queries.Count}.", nameof(description));
        }

        var body = SerializeBody(model.Forest);
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        var forest = model.Forest;
        var header = new ModelHeader
        {
            FormatVersion = CurrentFormatVersion,
            Kind = IsolationForestKind,
            Name = description.Name,
            Version = string.Create(CultureInfo.InvariantCulture, $"{description.CreatedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{sha[..8]}"),
            CreatedAt = description.CreatedAt,
            Producer = description.Producer,
            HyperParameters = new HyperParameters
            {
                NEstimators = forest.Trees.Count,
                MaxSamples = forest.MaxSamples,
                MaxFeatures = description.MaxFeatures,
                Contamination = description.Contamination,
                RandomState = description.RandomState,
                InputPrecision = PrecisionName(forest.Precision),
            },
            Offset = forest.Offset,
            Features = [.. model.FeatureNames.Select((name, i) => new FeatureDescriptor
            {
                Name = name,
                Query = description.Queries.Count == 0 ? string.Empty : description.Queries[i],
                Scaling = model.Scaler.Kinds[i].ToString().ToLowerInvariant(),
                Center = model.Scaler.Centers[i],
                Scale = model.Scaler.Scales[i],
            })],
            JoinLabels = description.JoinLabels,
            StepSeconds = description.Step.TotalSeconds,
            Training = description.Training,
            Validation = description.Validation,
            Body = new BodyInfo { Encoding = TreesEncoding, Length = body.Length, Sha256 = sha, Trees = forest.Trees.Count },
        };

        // The model carries the file's version so verdicts and metrics can name it.
        return new ModelFile(header, new AnomalyModel(header.Version, model.FeatureNames, model.Scaler, model.Forest));
    }

    public static byte[] Serialize(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var body = SerializeBody(file.Model.Forest);
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        if (!string.Equals(sha, file.Header.Body.Sha256, StringComparison.Ordinal) || body.Length != file.Header.Body.Length)
        {
            throw new ArgumentException("The header's body hash does not describe this model; build the file with ModelFileFormat.Create.", nameof(file));
        }

        var header = JsonSerializer.SerializeToUtf8Bytes(file.Header, JsonOptions);
        var bytes = new byte[PreambleLength + header.Length + body.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), header.Length);
        header.CopyTo(bytes, PreambleLength);
        body.CopyTo(bytes, PreambleLength + header.Length);
        return bytes;
    }

    /// <summary>Parses and verifies every part of a model file.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="path">Only used in error messages.</param>
    /// <exception cref="ModelFileException">Truncated, corrupt or incompatible; the reason says which check failed.</exception>
    public static ModelFile Deserialize(ReadOnlySpan<byte> bytes, string path)
    {
        var header = ParseHeader(bytes, path, out var bodyStart);
        var body = bytes[bodyStart..];
        if (body.Length < header.Body.Length)
        {
            throw new ModelFileException(path, string.Create(CultureInfo.InvariantCulture, $"truncated: body has {body.Length} of {header.Body.Length} bytes"));
        }

        if (body.Length > header.Body.Length)
        {
            throw new ModelFileException(path, string.Create(CultureInfo.InvariantCulture, $"corrupt: {body.Length - header.Body.Length} unexpected bytes after the body"));
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        if (!string.Equals(sha, header.Body.Sha256, StringComparison.Ordinal))
        {
            throw new ModelFileException(path, $"corrupt: body SHA-256 {sha} does not match the header's {header.Body.Sha256}");
        }

        try
        {
            var precision = ParsePrecision(header.HyperParameters.InputPrecision);
            var trees = DeserializeBody(body, header.Features.Count);
            if (trees.Count != header.Body.Trees || trees.Count != header.HyperParameters.NEstimators)
            {
                throw new FormatException($"body holds {trees.Count} trees, header says {header.Body.Trees} (n_estimators {header.HyperParameters.NEstimators})");
            }

            var forest = new IsolationForestModel(header.Features.Count, trees, header.HyperParameters.MaxSamples, header.Offset, precision);
            var scaler = new FeatureScaler(
                [.. header.Features.Select(f => ParseScaling(f.Scaling))],
                [.. header.Features.Select(f => f.Center)],
                [.. header.Features.Select(f => f.Scale)]);
            var names = header.Features.Select(f => f.Name).ToArray();
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            {
                throw new FormatException("feature names are not unique");
            }

            return new ModelFile(header, new AnomalyModel(header.Version, names, scaler, forest));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new ModelFileException(path, "invalid model: " + ex.Message, ex);
        }
    }

    /// <summary>Reads and verifies <paramref name="path"/>.</summary>
    /// <exception cref="ModelFileException">Missing, unreadable, truncated, corrupt or incompatible.</exception>
    public static ModelFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFileException(path, "missing: the file does not exist", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, "unreadable: " + ex.Message, ex);
        }

        return Deserialize(bytes, path);
    }

    /// <summary>
    /// Writes atomically: a temporary file in the same directory, flushed to disk, then renamed over
    /// <paramref name="path"/>, so a crash leaves either the old file or the new one, never half of one.
    /// </summary>
    public static void Write(string path, ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(path);
        WriteAtomically(path, Serialize(file));
    }

    internal static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static ModelHeader ParseHeader(ReadOnlySpan<byte> bytes, string path, out int bodyStart)
    {
        if (bytes.Length < PreambleLength)
        {
            throw new ModelFileException(path, string.Create(CultureInfo.InvariantCulture, $"truncated: {bytes.Length} bytes, shorter than the {PreambleLength}-byte preamble"));
        }

        if (!bytes[..8].SequenceEqual(Magic))
        {
            throw new ModelFileException(path, "not a Vigil model file (the first 8 bytes are not 'VIGILMDL')");
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (headerLength is <= 0 or > MaxHeaderLength)
        {
            throw new ModelFileException(path, string.Create(CultureInfo.InvariantCulture, $"corrupt: header length {headerLength} outside 1..{MaxHeaderLength}"));
        }

        if (bytes.Length < PreambleLength + headerLength)
        {
            throw new ModelFileException(path, string.Create(CultureInfo.InvariantCulture, $"truncated: header needs {headerLength} bytes, {bytes.Length - PreambleLength} present"));
        }

        ModelHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<ModelHeader>(bytes.Slice(PreambleLength, headerLength), JsonOptions);
        }
        catch (JsonException ex)
        {
            // Check the version first when the JSON parses loosely: a newer file should say "incompatible", not "corrupt".
            var version = TryReadFormatVersion(bytes.Slice(PreambleLength, headerLength));
            if (version is { } v && v != CurrentFormatVersion)
            {
                throw new ModelFileException(path, IncompatibleVersion(v), ex);
            }

            throw new ModelFileException(path, "corrupt header: " + ex.Message, ex);
        }

        if (header is null)
        {
            throw new ModelFileException(path, "corrupt header: null");
        }

        if (header.FormatVersion != CurrentFormatVersion)
        {
            throw new ModelFileException(path, IncompatibleVersion(header.FormatVersion));
        }

        if (!string.Equals(header.Kind, IsolationForestKind, StringComparison.Ordinal))
        {
            throw new ModelFileException(path, $"incompatible: model kind '{header.Kind}', this Vigil serves '{IsolationForestKind}'");
        }

        if (!string.Equals(header.Body.Encoding, TreesEncoding, StringComparison.Ordinal))
        {
            throw new ModelFileException(path, $"incompatible: body encoding '{header.Body.Encoding}', this Vigil reads '{TreesEncoding}'");
        }

        if (header.Features.Count == 0)
        {
            throw new ModelFileException(path, "invalid model: no features");
        }

        bodyStart = PreambleLength + headerLength;
        return header;
    }

    private static string IncompatibleVersion(int version)
        => string.Create(CultureInfo.InvariantCulture, $"incompatible: format_version {version}, this Vigil reads {CurrentFormatVersion}");

    private static int? TryReadFormatVersion(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            return document.RootElement.TryGetProperty("format_version", out var v) && v.TryGetInt32(out var version) ? version : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Body: int32 tree count, then per tree int32 node count n, int32[n] feature, float64[n] threshold,
    // int32[n] left, int32[n] right, int32[n] node_samples; all little-endian (scikit-learn's tree_ arrays).
    private static byte[] SerializeBody(IsolationForestModel forest)
    {
        var length = 4L + forest.Trees.Sum(t => 4L + (t.NodeCount * 24L));
        var body = new byte[length];
        var span = body.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, forest.Trees.Count);
        var at = 4;
        foreach (var tree in forest.Trees)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], tree.NodeCount);
            at += 4;
            at = WriteInts(span, at, tree.Features);
            foreach (var threshold in tree.Thresholds)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], threshold);
                at += 8;
            }

            at = WriteInts(span, at, tree.Left);
            at = WriteInts(span, at, tree.Right);
            at = WriteInts(span, at, tree.NodeSamples);
        }

        return body;
    }

    private static int WriteInts(Span<byte> span, int at, ReadOnlySpan<int> values)
    {
        foreach (var value in values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], value);
            at += 4;
        }

        return at;
    }

    private static List<IsolationTree> DeserializeBody(ReadOnlySpan<byte> body, int featureCount)
    {
        var at = 0;
        var count = ReadInt(body, ref at);
        if (count is < 1 or > 100_000)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"tree count {count} out of range"));
        }

        var trees = new List<IsolationTree>(count);
        for (var t = 0; t < count; t++)
        {
            var n = ReadInt(body, ref at);
            if (n < 1 || (long)n * 24 > body.Length - at)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"tree {t}: node count {n} does not fit the body"));
            }

            var features = ReadInts(body, ref at, n);
            var thresholds = new double[n];
            for (var i = 0; i < n; i++)
            {
                thresholds[i] = BinaryPrimitives.ReadDoubleLittleEndian(body[at..]);
                at += 8;
            }

            var left = ReadInts(body, ref at, n);
            var right = ReadInts(body, ref at, n);
            var samples = ReadInts(body, ref at, n);
            try
            {
                trees.Add(new IsolationTree(features, thresholds, left, right, samples, featureCount));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"tree {t}: {ex.Message}"), ex);
            }
        }

        if (at != body.Length)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{body.Length - at} bytes after the last tree"));
        }

        return trees;
    }

    private static int ReadInt(ReadOnlySpan<byte> body, ref int at)
    {
        if (body.Length - at < 4)
        {
            throw new FormatException("body ends inside a tree");
        }

        var value = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        at += 4;
        return value;
    }

    private static int[] ReadInts(ReadOnlySpan<byte> body, ref int at, int count)
    {
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
            at += 4;
        }

        return values;
    }

    internal static string PrecisionName(InputPrecision precision) => precision == InputPrecision.Rounded32Bit ? "float32" : "float64";

    private static InputPrecision ParsePrecision(string name) => name switch
    {
        "float64" => InputPrecision.Exact,
        "float32" => InputPrecision.Rounded32Bit,
        _ => throw new FormatException($"input_precision '{name}' is not float64 or float32"),
    };

    private static ScalingKind ParseScaling(string name) => name switch
    {
        "none" => ScalingKind.None,
        "standard" => ScalingKind.Standard,
        "robust" => ScalingKind.Robust,
        _ => throw new FormatException($"scaling '{name}' is not none, standard or robust"),
    };
}
