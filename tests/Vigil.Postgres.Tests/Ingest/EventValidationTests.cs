using Vigil.Postgres.Ingest;
using Vigil.Postgres.Tests.Infrastructure;

namespace Vigil.Postgres.Tests.Ingest;

public sealed class EventValidationTests
{
    private static readonly DateTimeOffset Now = TestDb.DefaultNow;

    private static EventValidation CreateSut(IngestOptions? options = null) => new(options ?? new IngestOptions(), new FakeTimeProvider(Now));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("bad type", "[A-Za-z0-9_.:-]")]
    [InlineData("naïve", "[A-Za-z0-9_.:-]")]
    public void Validate_BadEventType_NamesFieldAndIndex(string? type, string expected)
    {
        var errors = new List<EventError>();

        var result = CreateSut().Validate(new RawEvent(type, "2026-01-10T11:00:00Z", null, null), 7, errors);

        Assert.Null(result);
        var error = Assert.Single(errors);
        Assert.Equal((7, "event_type"), (error.Index, error.Field));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TypeLongerThan100_Rejected()
    {
        var errors = new List<EventError>();

        CreateSut().Validate(new RawEvent(new string('a', 101), "2026-01-10T11:00:00Z", null, null), 0, errors);

        Assert.Contains("longer than 100", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-01-10T11:00:00")] // no offset: ambiguous
    [InlineData("2026-13-10T11:00:00Z")]
    public void Validate_UnparsableTimestamp_Rejected(string timestamp)
    {
        var errors = new List<EventError>();

        CreateSut().Validate(new RawEvent("signup", timestamp, null, null), 3, errors);

        Assert.Equal((3, "timestamp"), (Assert.Single(errors).Index, errors[0].Field));
    }

    [Fact]
    public void Validate_TimestampBeyondBounds_RejectedBothWays()
    {
        var errors = new List<EventError>();
        var sut = CreateSut(new IngestOptions { MaxFutureSkew = TimeSpan.FromMinutes(5), Retention = TimeSpan.FromDays(30) });

        sut.Validate(new RawEvent("signup", "2026-01-10T12:06:00Z", null, null), 0, errors);
        sut.Validate(new RawEvent("signup", "2025-12-01T00:00:00Z", null, null), 1, errors);

        Assert.Equal([(0L, "timestamp"), (1L, "timestamp")], errors.Select(e => (e.Index, e.Field)));
        Assert.Contains("future", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("retention", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PayloadOverLimit_Rejected()
    {
        var errors = new List<EventError>();
        var payload = "{\"x\":\"" + new string('a', 100) + "\"}";

        CreateSut(new IngestOptions { MaxPayloadBytes = 64 }).Validate(new RawEvent("signup", "2026-01-10T11:00:00Z", payload, null), 2, errors);

        Assert.Equal((2, "payload"), (Assert.Single(errors).Index, errors[0].Field));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var errors = new List<EventError>();

        CreateSut().Validate(new RawEvent("", "nope", null, new string('k', 201)), 0, errors);

        Assert.Equal(["event_type", "timestamp", "idempotency_key"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Validate_ValidEvent_NormalisesToUtc()
    {
        var errors = new List<EventError>();

        var result = CreateSut().Validate(new RawEvent("order.placed:v2", "2026-01-10T13:30:00+02:00", "{\"amount\":3}", "k1"), 0, errors);

        Assert.Empty(errors);
        Assert.Equal(new DateTimeOffset(2026, 1, 10, 11, 30, 0, TimeSpan.Zero), result!.Timestamp);
        Assert.Equal(TimeSpan.Zero, result.Timestamp.Offset);
    }

    [Fact]
    public void TryParseTimestamp_UnixMilliseconds_Accepted()
    {
        Assert.True(EventValidation.TryParseTimestamp("1768046400000", out var t));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1768046400000), t);
    }
}
