namespace Vigil.Core.Detection;

/// <summary>
/// Series state that survives a restart. Every implementation writes a version byte first and refuses
/// (with <see cref="InvalidDataException"/>) a version it does not know, so a snapshot from another build
/// is rejected and the series re-learns instead of being scored against misread state.
/// </summary>
public interface ISerializableSeriesDetector : ISeriesDetector
{
    void WriteState(BinaryWriter writer);

    /// <summary>Replaces this series' state with one written by <see cref="WriteState"/> of a detector with the same options.</summary>
    /// <exception cref="InvalidDataException">Unknown version or a state that does not fit these options.</exception>
    void ReadState(BinaryReader reader);
}
