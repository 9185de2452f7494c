using Vigil.Core.Features;

namespace Vigil.Core.Tests.IsolationForest;

/// <summary>Deterministic synthetic data: a correlated Gaussian cloud, optionally with far outliers appended.</summary>
internal static class ForestData
{
    public static FeatureMatrix Cloud(int rows, int columns, int seed, int outliers = 0)
    {
        var random = new Random(seed);
        var matrix = new FeatureMatrix(rows + outliers, columns);
        for (var r = 0; r < rows; r++)
        {
            var common = Gaussian(random);
            var row = matrix.MutableRow(r);
            for (var c = 0; c < columns; c++)
            {
                row[c] = (0.7 * common) + (0.3 * Gaussian(random)) + c;
            }
        }

        for (var r = rows; r < rows + outliers; r++)
        {
            var row = matrix.MutableRow(r);
            for (var c = 0; c < columns; c++)
            {
                row[c] = c + (random.Next(2) == 0 ? -8 : 8) + Gaussian(random);
            }
        }

        return matrix;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
