namespace Vigil.Models.Store;

public enum ModelSlot
{
    /// <summary>The model the service scores with.</summary>
    Active = 0,

    /// <summary>A freshly trained model waiting for validation, shadow scoring or a manual promotion.</summary>
    Candidate = 1,

    /// <summary>Every version that was ever promoted, kept for rollback.</summary>
    History = 2,
}
