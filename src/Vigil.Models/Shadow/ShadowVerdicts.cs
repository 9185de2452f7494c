using Vigil.Core.Detection;

namespace Vigil.Models.Shadow;

/// <summary>Both models' verdicts for one point; the host exports them with <c>model="active"</c> and <c>model="candidate"</c>.</summary>
public readonly record struct ShadowVerdicts(Verdict Active, Verdict Candidate);
