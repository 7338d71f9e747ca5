using GridActors.Kernel;

namespace GridActors.Model.Serving;

/// <summary>
/// A lognormal distribution of token counts (prompt or output lengths), given by its median and its 90th percentile:
/// μ = ln(median), σ = ln(p90 ÷ median) ÷ z₀.₉ (z₀.₉ = 1.2816). Request-length traces are right-skewed with a long tail
/// (calibration-facts §11: the Azure conversation trace's prompts have median 1,020 and p90 2,734 tokens), which a
/// lognormal fitted to median and p90 follows in the body.
/// </summary>
public sealed record LengthDistribution(double Median, double P90)
{
    /// <summary>z of the 90th percentile of the standard normal.</summary>
    public const double Z90 = 1.2815515655446004;

    /// <summary>Longest length <see cref="DrawTokens"/> gives (far beyond any fitted tail).</summary>
    public const int MaxTokens = 10_000_000;

    /// <summary>The distribution with this median and p90; refuses 0 &lt; median &lt; p90 not holding.</summary>
    public static LengthDistribution Of(double median, double p90)
    {
        if (!(median > 0) || !(p90 > median)) throw new ArgumentException($"need 0 < median < p90, got median {median}, p90 {p90}");
        return new LengthDistribution(median, p90);
    }

    public double Mu => Math.Log(Median);

    public double Sigma => P90 > Median ? Math.Log(P90 / Median) / Z90 : 0;

    /// <summary>The mean, exp(μ + σ²/2).</summary>
    public double Mean => Math.Exp(Mu + Sigma * Sigma / 2);

    /// <summary>The p-quantile (0 &lt; p &lt; 1), in tokens (not rounded).</summary>
    public double Quantile(double p) => Math.Exp(Mu + Sigma * Normal.Quantile(p));

    /// <summary>A stratified sample of <paramref name="count"/> lengths: the quantiles at (i + ½) ÷ count, each at
    /// least one token. A cohort of requests carries these instead of independent draws, so its total and its
    /// spread are those of the distribution it stands for, without sampling noise.</summary>
    public double[] Stratified(int count)
    {
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = Math.Max(1, Quantile((i + 0.5) / count));
        return x;
    }

    /// <summary>One length in whole tokens (at least 1, at most <see cref="MaxTokens"/>): e^(μ + σ·Z), Z standard normal
    /// by Box–Muller (two uniforms per draw, cosine branch only, so every draw takes the same number of values from the
    /// stream).</summary>
    public int DrawTokens(Rng rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        double tokens = Math.Round(Math.Exp(Mu + Sigma * z), MidpointRounding.AwayFromZero);
        return (int)Math.Clamp(tokens, 1, MaxTokens);
    }

    /// <summary>One draw from <paramref name="u"/>, a uniform number in (0, 1).</summary>
    public double Draw(double u) => Math.Max(1, Quantile(Math.Clamp(u, 1e-12, 1 - 1e-12)));
}

/// <summary>The standard normal distribution's quantile function.</summary>
public static class Normal
{
    private static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

    /// <summary>Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.15e-9 over 0 &lt; p &lt; 1).</summary>
    public static double Quantile(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        var (a, b, c, d) = (A, B, C, D);
        const double low = 0.02425, high = 1 - low;
        double x;
        if (p < low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= high)
        {
            double q = p - 0.5, r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }
}
