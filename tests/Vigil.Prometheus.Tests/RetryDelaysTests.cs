using System.Net.Http.Headers;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Prometheus.Tests.TestSupport;

namespace Vigil.Prometheus.Tests;

public sealed class RetryDelaysTests
{
    [Fact]
    public void Next_AnyRetryAndJitter_StaysBetweenHalfAndFullCappedBackoff()
    {
        var gen = from retry in Gen.Choose(0, 40)
                  from baseMs in Gen.Choose(0, 5000)
                  from jitterPermille in Gen.Choose(0, 999)
                  select (retry, baseMs, jitter: jitterPermille / 1000.0);
        Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var delay = RetryDelays.Next(x.retry, TimeSpan.FromMilliseconds(x.baseMs), retryAfter: null, x.jitter);
            var ceiling = Math.Min(x.baseMs * Math.Pow(2, x.retry), 10_000);
            return delay.TotalMilliseconds >= (ceiling / 2) - 0.001 && delay.TotalMilliseconds <= ceiling + 0.001;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Next_RetryAfterLongerThanBackoff_WaitsRetryAfter()
    {
        var delay = RetryDelays.Next(0, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(7), jitter: 0.5);

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }

    [Fact]
    public void FromHeader_DeltaAndDate_AreClampedToTheCap()
    {
        var clock = new DelayRecordingTimeProvider();

        Assert.Equal(TimeSpan.FromSeconds(5), RetryDelays.FromHeader(new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)), clock));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryDelays.FromHeader(new RetryConditionHeaderValue(TimeSpan.FromHours(1)), clock));
        Assert.Equal(TimeSpan.FromSeconds(20), RetryDelays.FromHeader(new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(20)), clock));
        Assert.Equal(TimeSpan.Zero, RetryDelays.FromHeader(new RetryConditionHeaderValue(clock.GetUtcNow().AddSeconds(-20)), clock));
        Assert.Null(RetryDelays.FromHeader(null, clock));
    }
}
