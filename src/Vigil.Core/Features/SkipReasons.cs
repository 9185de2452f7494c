namespace Vigil.Core.Features;

/// <summary>Why a would-be feature row was not built; counted, never papered over with a fill value.</summary>
public static class SkipReasons
{
    /// <summary>At least one query had no sample for the entity at that timestamp.</summary>
    public const string MissingComponent = "missing_component";

    /// <summary>A component was NaN or ±Inf.</summary>
    public const string NonFinite = "non_finite";

    /// <summary>A series lacked one of the join labels, so it belongs to no entity (counted per sample).</summary>
    public const string MissingJoinLabel = "missing_join_label";

    /// <summary>A query returned several series for one entity: which one is the feature is ambiguous (counted per sample).</summary>
    public const string DuplicateSeries = "duplicate_series";

    /// <summary>Every reason, for reports.</summary>
    public static IReadOnlyList<string> All { get; } = [MissingComponent, NonFinite, MissingJoinLabel, DuplicateSeries];
}
