namespace Vigil.Core.Detection;

/// <summary>Helpers shared by the state serialisers: version checks and array framing.</summary>
internal static class StateFormat
{
    public static void CheckVersion(BinaryReader reader, byte expected, string detector) => ReadVersion(reader, expected, expected, detector);

    /// <summary>Reads the version byte, accepting <paramref name="oldest"/> … <paramref name="current"/> (older layouts a reader still understands).</summary>
    public static byte ReadVersion(BinaryReader reader, byte oldest, byte current, string detector)
    {
        var version = reader.ReadByte();
        if (version < oldest || version > current)
        {
            throw new InvalidDataException($"{detector}: state version {version} is not supported (expected {current}).");
        }

        return version;
    }

    public static void WriteArray(BinaryWriter writer, ReadOnlySpan<double> values)
    {
        writer.Write(values.Length);
        foreach (var v in values)
        {
            writer.Write(v);
        }
    }

    /// <summary>Reads into <paramref name="target"/>, which must have the written length (the options fix it).</summary>
    public static void ReadArray(BinaryReader reader, Span<double> target, string detector)
    {
        var length = reader.ReadInt32();
        if (length != target.Length)
        {
            throw new InvalidDataException($"{detector}: state holds {length} values where these options need {target.Length}.");
        }

        for (var i = 0; i < target.Length; i++)
        {
            target[i] = reader.ReadDouble();
        }
    }

    public static double[] ReadArray(BinaryReader reader, int maxLength, string detector)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > maxLength)
        {
            throw new InvalidDataException($"{detector}: state array length {length} is out of range.");
        }

        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = reader.ReadDouble();
        }

        return values;
    }
}
