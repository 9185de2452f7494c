namespace Vigil.Postgres.Tests.Infrastructure;

/// <summary>One real PostgreSQL (<see cref="PostgresServer"/>, from Vigil.Testing) shared by the tests of this collection; each test creates its own database.</summary>
[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollectionFixture : ICollectionFixture<PostgresServer>;

public static class PostgresFixture
{
    public const string Collection = "postgres";
}
