using Vigil.Models.Validation;

namespace Vigil.Models.Shadow;

/// <summary>How a shadow period ended: the comparison it was decided on, the decision, and the version now active.</summary>
public sealed record ShadowOutcome(ValidationComparison Comparison, PromotionDecision Decision, string CandidateVersion, string ActiveVersion);
