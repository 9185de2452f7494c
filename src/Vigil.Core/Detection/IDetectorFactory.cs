namespace Vigil.Core.Detection;

/// <summary>Builds detectors of one type from configuration text, and explains what is wrong with bad parameters.</summary>
public interface IDetectorFactory
{
    string Type { get; }

    /// <summary>One message per problem, each naming its parameter (e.g. <c>window: must be at least 4</c>); empty when valid.</summary>
    IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters);

    IDetector Create(IReadOnlyDictionary<string, string> parameters);
}
