using Vigil.Models.Files;

namespace Vigil.Models.Store;

/// <summary>One file in the store as <c>vigil models list</c> shows it; <see cref="Error"/> is set when it does not load.</summary>
public sealed record ModelEntry(string Name, ModelSlot Slot, string Path, ModelHeader? Header, string? Error)
{
    public bool IsValid => Error is null;
}
