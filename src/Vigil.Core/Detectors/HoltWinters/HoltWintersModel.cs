using Vigil.Core.Detection;

namespace Vigil.Core.Detectors.HoltWinters;

/// <summary>
/// The additive Holt-Winters recursions with robust learning, as a struct of numbers plus the season array,
/// shared by <see cref="HoltWintersBaseline"/> and the fit. See <see cref="HoltWintersOptions"/>.
/// </summary>
internal struct HoltWintersModel
{
    // E|r| = σ·√(2/π) for normal residuals, so σ ≈ 1.2533·E|r|.
    internal const double MeanAbsToSigma = 1.2533;

    // Weight of the newest residual in the residual scale: about 70 points of memory.
    internal const double DefaultScaleAlpha = 0.01;

    public double Alpha;
    public double Beta;
    public double Gamma;
    public double Level;
    public double Trend;
    public double MeanAbsResidual;
    public double[] SeasonValues;
    public int SeasonIndex;
    public bool RawScale;
    public double ScaleAlpha;
    public long Learned;

    public readonly double Forecast => Level + Trend + (SeasonValues.Length > 0 ? SeasonValues[SeasonIndex] : 0);

    public readonly double Sigma => MeanAbsToSigma * MeanAbsResidual;

    /// <summary>Learns <paramref name="value"/> with its residual clipped to ±<paramref name="clip"/>.</summary>
    public void Learn(double value, double clip)
    {
        var forecast = Forecast;
        var residual = value - forecast;
        var clipped = Math.Clamp(residual, -clip, clip);
        var learned = forecast + clipped;
        var season = SeasonValues.Length > 0 ? SeasonValues[SeasonIndex] : 0;
        var newLevel = (Alpha * (learned - season)) + ((1 - Alpha) * (Level + Trend));
        Trend = (Beta * (newLevel - Level)) + ((1 - Beta) * Trend);
        if (SeasonValues.Length > 0)
        {
            SeasonValues[SeasonIndex] = (Gamma * (learned - newLevel)) + ((1 - Gamma) * season);
        }

        Level = newLevel;
        // Weighted like a running mean until 1/ScaleAlpha residuals are seen, so the first ones set the scale.
        Learned++;
        MeanAbsResidual += Math.Max(ScaleAlpha, 1.0 / Learned) * (Math.Abs(RawScale ? residual : clipped) - MeanAbsResidual);
        Skip();
    }

    /// <summary>Writes what the model has learned (RawScale and ScaleAlpha come from options, not state).</summary>
    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(Alpha);
        writer.Write(Beta);
        writer.Write(Gamma);
        writer.Write(Level);
        writer.Write(Trend);
        writer.Write(MeanAbsResidual);
        writer.Write(Learned);
        writer.Write(SeasonIndex);
        StateFormat.WriteArray(writer, SeasonValues ?? []);
    }

    /// <summary>Reads what <see cref="Write"/> wrote, with a season of at most <paramref name="maxSeason"/> values.</summary>
    public static HoltWintersModel Read(BinaryReader reader, int maxSeason, bool rawScale, double scaleAlpha, string detector)
    {
        var model = new HoltWintersModel
        {
            Alpha = reader.ReadDouble(),
            Beta = reader.ReadDouble(),
            Gamma = reader.ReadDouble(),
            Level = reader.ReadDouble(),
            Trend = reader.ReadDouble(),
            MeanAbsResidual = reader.ReadDouble(),
            Learned = reader.ReadInt64(),
            SeasonIndex = reader.ReadInt32(),
            RawScale = rawScale,
            ScaleAlpha = scaleAlpha,
        };
        model.SeasonValues = StateFormat.ReadArray(reader, maxSeason, detector);
        if (model.SeasonValues.Length > 0 && (uint)model.SeasonIndex >= (uint)model.SeasonValues.Length)
        {
            throw new InvalidDataException($"{detector}: season index out of range.");
        }

        return model;
    }

    /// <summary>A missing point still takes its slot in the season (the step grid is regular).</summary>
    public void Skip()
    {
        if (SeasonValues.Length > 0)
        {
            SeasonIndex = SeasonIndex + 1 == SeasonValues.Length ? 0 : SeasonIndex + 1;
        }
    }

    /// <summary>Fits α, β, γ by one-step squared error over <paramref name="values"/> and returns the model after them.</summary>
    public static HoltWintersModel Fit(ReadOnlySpan<double> values, int season, double maxAlpha = 0.8)
    {
        ReadOnlySpan<double> alphas = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8];
        ReadOnlySpan<double> betas = [0.0, 0.005, 0.02];
        ReadOnlySpan<double> gammas = season > 1 ? [0.02, 0.05, 0.1, 0.3] : [0.0];
        var best = double.PositiveInfinity;
        (double A, double B, double G) chosen = (0.2, 0, 0.1);
        // One season array serves every trial: the grid must not allocate per candidate (a new series fits once,
        // but a large Prometheus creates many series at start-up).
        var trialSeason = season > 1 ? new double[season] : [];
        foreach (var a in alphas)
        {
            if (a > maxAlpha)
            {
                continue;
            }

            foreach (var b in betas)
            {
                foreach (var g in gammas)
                {
                    var model = Initial(values, season, a, b, g, trialSeason);
                    var sse = model.Run(values, season > 1 ? season : 1, measure: true);
                    if (sse < best)
                    {
                        best = sse;
                        chosen = (a, b, g);
                    }
                }
            }
        }

        var final = Initial(values, season, chosen.A, chosen.B, chosen.G, season > 1 ? new double[season] : []);
        final.Run(values, season > 1 ? season : 1, measure: false);
        return final;
    }

    private static HoltWintersModel Initial(ReadOnlySpan<double> values, int season, double alpha, double beta, double gamma, double[] seasonValues)
    {
        var m = season > 1 ? season : 0;
        var model = new HoltWintersModel { ScaleAlpha = DefaultScaleAlpha, Alpha = alpha, Beta = beta, Gamma = gamma, SeasonValues = seasonValues };
        if (m > 0)
        {
            double first = 0, second = 0;
            for (var i = 0; i < m; i++)
            {
                first += values[i];
                second += values[m + i];
            }

            first /= m;
            second /= m;
            model.Level = first;
            model.Trend = 0;
            for (var i = 0; i < m; i++)
            {
                // Average the two seasons we have so one noisy day does not fix the shape.
                model.SeasonValues[i] = 0.5 * ((values[i] - first) + (values[m + i] - second));
            }
        }
        else
        {
            model.Level = values[0];
        }

        return model;
    }

    /// <summary>Runs the recursions from the point after the initial season; returns the one-step SSE.</summary>
    private double Run(ReadOnlySpan<double> values, int start, bool measure)
    {
        double sse = 0;
        double meanAbs = 0;
        var n = 0;
        // The fit itself learns without clipping: the band is not known yet.
        for (var i = start; i < values.Length; i++)
        {
            var residual = values[i] - Forecast;
            sse += residual * residual;
            meanAbs += Math.Abs(residual);
            n++;
            Learn(values[i], double.PositiveInfinity);
        }

        if (!measure)
        {
            MeanAbsResidual = n > 0 ? meanAbs / n : 0;
        }

        return sse;
    }
}
