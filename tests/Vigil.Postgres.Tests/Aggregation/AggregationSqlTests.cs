using Vigil.Postgres.Aggregation;

namespace Vigil.Postgres.Tests.Aggregation;

public sealed class AggregationSqlTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_WithoutDirty_HasNoLateMinuteBranch(bool withSums)
    {
        var sql = AggregationSql.Build(withSums, withDirty: false);

        Assert.DoesNotContain("dirty", sql, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("WITH minutes AS (", sql, StringComparison.Ordinal);
        Assert.Contains("UPDATE aggregation_state", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WithDirty_DeletesAndRecountsDirtyMinutes()
    {
        var sql = AggregationSql.Build(withSums: false, withDirty: true);

        Assert.Contains("DELETE FROM aggregation_dirty_minutes", sql, StringComparison.Ordinal);
        Assert.Contains("FROM dirty d", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("{", sql, StringComparison.Ordinal);
    }
}
