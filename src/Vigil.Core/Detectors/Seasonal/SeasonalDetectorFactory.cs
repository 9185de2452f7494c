using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.Seasonal;

public sealed class SeasonalDetectorFactory : IDetectorFactory
{
    public const string TypeName = "seasonal";

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(IReadOnlyDictionary<string, string> parameters) => Parse(parameters).Errors;

    public IDetector Create(IReadOnlyDictionary<string, string> parameters)
    {
        var (options, errors) = Parse(parameters);
        return errors.Count == 0 ? new SeasonalDetector(options) : throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
    }

    private static (SeasonalOptions Options, List<string> Errors) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        var p = new DetectorParameters(parameters);
        var k = p.ReadDouble("k", SeasonalOptions.DefaultK, 0.1, 100);
        var alpha = p.ReadDouble("alpha", SeasonalOptions.DefaultAlpha, 1e-4, 1);
        var minBucket = p.ReadInt("min_bucket_points", SeasonalOptions.DefaultMinBucketPoints, 2, 100_000);
        var zoneText = p.ReadString("time_zone", "UTC");
        var profileText = p.ReadString("profile", "hour_of_day");
        var rangeFloor = p.ReadDouble("range_floor", 0.02, 0, 1);
        var contract = ContractOptions.Read(p, ContractOptions.WithoutShift);
        p.RejectUnknown();

        var zone = TimeZoneInfo.Utc;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneText);
        }
        catch (TimeZoneNotFoundException)
        {
            p.Errors.Add($"time_zone: '{zoneText}' is not a known time zone id (e.g. UTC, Europe/Berlin, America/New_York)");
        }
        catch (InvalidTimeZoneException)
        {
            p.Errors.Add($"time_zone: '{zoneText}' has invalid time zone data on this machine");
        }

        var profile = SeasonalProfile.HourOfDay;
        switch (profileText.ToLowerInvariant())
        {
            case "hour_of_day": profile = SeasonalProfile.HourOfDay; break;
            case "hour_of_week": profile = SeasonalProfile.HourOfWeek; break;
            default: p.Errors.Add($"profile: '{profileText}' must be hour_of_day or hour_of_week"); break;
        }

        return (new SeasonalOptions { K = k, Alpha = alpha, MinBucketPoints = minBucket, TimeZone = zone, Profile = profile, RangeFloor = rangeFloor, Contract = contract }, p.Errors);
    }
}
