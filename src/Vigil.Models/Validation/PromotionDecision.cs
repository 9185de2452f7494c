namespace Vigil.Models.Validation;

/// <summary>The policy's verdict with every reason, for the log line and the CLI output.</summary>
public sealed record PromotionDecision(bool Promote, IReadOnlyList<string> Reasons)
{
    public override string ToString() => (Promote ? "promote: " : "keep active: ") + string.Join("; ", Reasons);
}
