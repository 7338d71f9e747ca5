using GridActors.Kernel;
using GridActors.Model.Serving;
using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios;

/// <summary>The request classes the synthetic trace generator can imitate (the two Azure 2023 traces [K102]).</summary>
public enum TraceKind
{
    Conversation,
    Code,
}

/// <summary>
/// Synthetic request traces made by our own generator, to ship and test with instead of third-party data: Poisson
/// arrivals at a given rate and independent lognormal prompt and output lengths whose median and p90 are those of the
/// Azure LLM inference traces 2023 (calibration-facts §11).
/// <para>
/// Fitted to [K102] statistics (mu = ln median, sigma = ln(p90 / median) / 1.2816):
/// </para>
/// <code>
/// kind          length   median   p90    mu      sigma   fit's mean / p99    [K102] mean / p99
/// conversation  prompt   1,020   2,734   6.9276  0.7694    1,371 /  6,108      1,155 / 4,142
/// conversation  output     129     424   4.8598  0.9285      199 /  1,119        211 /   601
/// code          prompt   1,469   5,188   7.2923  0.9846    2,385 / 14,513      2,048 / 7,436
/// code          output      13      55   2.5649  1.1255       24 /    178         28 /   251
/// </code>
/// <para>
/// What the fit does not reproduce: a two-parameter lognormal through the median and p90 overstates the prompts' mean
/// (by 16–19 %) and their far tail (p99 1.5–2× the real one; real prompts are bounded by context windows), as well as
/// conversation outputs' p99 (1.9×); code outputs' p99 comes out at 0.7× and outputs' means 6–14 % low. Prompt and output lengths are drawn independently (the real traces' correlation is not in
/// the facts). Use a real trace, replayed or resampled, where the tail matters.
/// </para>
/// <para>
/// Determinism: arrivals come from the stream <c>Rng.ForEntity(seed, "trace-synth/arrivals")</c> and lengths from
/// <c>"trace-synth/lengths/KIND"</c>, a fixed number of draws per row, so a seed gives the same file on every machine,
/// a longer trace starts with the shorter one's rows, and a different rate changes only the timestamps. Gaps are
/// exponential with mean 1/rate, rounded to 100 ns (the file's resolution, so the trace writes and reads back exactly);
/// the first row is at offset 0.
/// </para>
/// </summary>
public static class TraceSynth
{
    /// <summary>The fitted prompt and output length distributions of <paramref name="kind"/>.</summary>
    public static (LengthDistribution Context, LengthDistribution Generated) LengthsOf(TraceKind kind) => kind switch
    {
        // Azure LLM inference trace 2023, conversation: prompt median 1,020, p90 2,734; output median 129, p90 424 [K102].
        TraceKind.Conversation => (LengthDistribution.Of(1020, 2734), LengthDistribution.Of(129, 424)),
        // Azure LLM inference trace 2023, code: prompt median 1,469, p90 5,188; output median 13, p90 55 [K102].
        TraceKind.Code => (LengthDistribution.Of(1469, 5188), LengthDistribution.Of(13, 55)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown trace kind"),
    };

    /// <summary>Parses "conversation" or "code" (any case).</summary>
    public static bool TryParseKind(string text, out TraceKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    /// <summary>A synthetic trace of <paramref name="rows"/> requests arriving as a Poisson process at
    /// <paramref name="ratePerSecond"/> with <paramref name="kind"/>'s fitted lengths.</summary>
    public static Trace Generate(TraceKind kind, int rows, double ratePerSecond, ulong seed)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a trace needs at least one row");
        if (!(ratePerSecond > 0) || !double.IsFinite(ratePerSecond))
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "the rate must be a positive number of requests per second");
        var (context, generated) = LengthsOf(kind);
        var arrivals = Rng.ForEntity(seed, "trace-synth/arrivals");
        var lengths = Rng.ForEntity(seed, "trace-synth/lengths/" + kind.ToString().ToLowerInvariant());
        var result = new TraceRow[rows];
        long ticks = 0;
        for (int i = 0; i < rows; i++)
        {
            if (i > 0) ticks = checked(ticks + (long)Math.Round(arrivals.NextExponential(1.0 / ratePerSecond) * TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero));
            result[i] = new TraceRow(ticks / (double)TimeSpan.TicksPerSecond, context.DrawTokens(lengths), generated.DrawTokens(lengths));
        }
        return new Trace(result);
    }
}
