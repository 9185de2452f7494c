using Vigil.Core.Features;

namespace Vigil.Models.Training;

/// <summary>One feature of a multivariate job: a name, the PromQL query producing it per entity, its scaling.</summary>
public sealed record FeatureQuery(string Name, string Query, ScalingKind Scaling = ScalingKind.None);
