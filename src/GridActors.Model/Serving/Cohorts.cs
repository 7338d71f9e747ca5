using GridActors.Kernel;

namespace GridActors.Model.Serving;

/// <summary>
/// The requests a cohort stands for, drawn the same way by whoever needs them: the user region (to know when the next
/// cohort starts) and the hub (to serve it) compute them from the cohort's key alone — the run seed, the origin entity and
/// the cohort's number there — so nothing but the key travels in the message and every executor draws the same requests.
/// <list type="bullet">
/// <item>A cohort of K requests is the next K arrivals of its region's Poisson request process (rate λ): the first at the
///   cohort's time, the next cohort after its span, a Gamma(K, 1/λ) time (the exact sum of K exponential gaps). While it
///   is in progress its requests arrive at the rate K ÷ span; the hub draws them on its simulated replicas from the
///   merged rate of all cohorts in progress (<c>HubReplicas</c>). A cohort of one is a single request.</item>
/// <item>A cohort holds the requests of one kind (real-time or batch) of its region (<see cref="ClassMix"/>): request i's
///   class is drawn by the classes' shares, and its prompt and output lengths from the class's lognormals, from a
///   counter-based hash of (key, i) — so classes interleave as they would one by one, and a hub draws only the requests
///   that land on the replicas it simulates, in any order.</item>
/// <item>A cohort's tokens, as the user region sends and the hub bills them, are K × the mix's mean lengths: the sum of
///   K independent requests is that within 1 ÷ √K of its coefficient of variation, and it is the same on both sides.</item>
/// </list>
/// </summary>
public static class Cohorts
{
    /// <summary>The key of cohort <paramref name="id"/> of origin <paramref name="origin"/> in a run.</summary>
    public static ulong Key(ulong runSeed, int origin, long id)
    {
        ulong x = runSeed ^ 0x6A09E667F3BCC908UL;
        x = Mix(x ^ (ulong)(uint)origin);
        return Mix(x ^ (ulong)id);
    }

    internal static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Longest prompt and longest output of one request (tokens): the served model's context window, 128 K for
    /// DeepSeek-V3 (ESTIMATE: its public config; [K100] gives the architecture, not the window). A lognormal's far tail would
    /// otherwise draw outputs of millions of tokens that hold a sequence for hours.</summary>
    public const int MaxTokens = 131_072;

    /// <summary>Time from a cohort's first request to the next cohort's (µs, at least 1): the sum of its
    /// <paramref name="size"/> exponential gaps at <paramref name="requestsPerSecond"/>, one Gamma draw from its key.</summary>
    public static long SpanMicros(ulong key, int size, double requestsPerSecond)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "a cohort holds at least one request");
        if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "a positive rate");
        return Math.Max(1, (long)Math.Round(Gamma(size, Rng.FromSeed(Mix(key ^ 0xA5A5_0000_0000_0000UL))) * 1e6 / requestsPerSecond));
    }

    /// <summary>Request <paramref name="i"/> of the cohort with key <paramref name="key"/> of class <paramref name="c"/>.</summary>
    public static RequestShape Request(RequestClassSpec c, ulong key, int i) =>
        Request(c, Lengths.Of(c), Rng.FromSeed(Mix(key ^ (0x5A5A_0000_0000_0000UL + (ulong)(uint)i))), 0, 1);

    /// <summary>A class's two lognormals as μ and σ, worked out once (a draw is then e^(μ + σ·z)).</summary>
    private readonly record struct Lengths(double PromptMu, double PromptSigma, double OutputMu, double OutputSigma)
    {
        public static Lengths Of(RequestClassSpec c)
        {
            var (p, o) = (c.Prompt, c.Output);
            return new Lengths(p.Mu, p.Sigma, o.Mu, o.Sigma);
        }

        public static double Draw(double mu, double sigma, double u) =>
            Math.Max(1, Math.Exp(mu + sigma * Normal.Quantile(Math.Clamp(u, 1e-12, 1 - 1e-12))));
    }

    /// <summary>A request of class <paramref name="c"/> from <paramref name="rng"/>; a class on a trace takes a random row,
    /// or when it replays, a random row of the <paramref name="size"/> rows of cohort <paramref name="cohort"/>.</summary>
    private static RequestShape Request(RequestClassSpec c, Lengths l, Rng rng, long cohort, int size)
    {
        if (c.Trace is { Count: > 0 } rows)
        {
            long row = c.Replay ? cohort * size + (long)Math.Min(size - 1, Math.Floor(rng.NextDouble() * size)) : (long)Math.Min(rows.Count - 1, Math.Floor(rng.NextDouble() * rows.Count));
            var t = rows[(int)(row % rows.Count)];
            return new RequestShape(Math.Clamp(t.ContextTokens, 1, MaxTokens), c.CacheHit, Math.Clamp(t.GeneratedTokens, 1, MaxTokens));
        }
        double prompt = Math.Min(MaxTokens, Math.Round(Lengths.Draw(l.PromptMu, l.PromptSigma, rng.NextDouble())));
        double output = Math.Min(MaxTokens, Math.Round(Lengths.Draw(l.OutputMu, l.OutputSigma, rng.NextDouble())));
        return new RequestShape(prompt, c.CacheHit, output);
    }

    /// <summary>Tokens a cohort of <paramref name="size"/> requests of class <paramref name="c"/> stands for: prompt and
    /// output at the class's mean lengths.</summary>
    public static (double Input, double Cached, double Output) Tokens(RequestClassSpec c, int size) =>
        (size * c.MeanPrompt, size * c.MeanPrompt * c.CacheHit, size * c.MeanOutput);

    /// <summary>How long cohort <paramref name="cohort"/> of <paramref name="size"/> requests of a replayed trace lasts (µs, at
    /// least 1): the time its rows span in the trace (the next cohort's first row's offset less its first row's, the trace
    /// repeating with its period), scaled so the trace's mean rate becomes <paramref name="requestsPerSecond"/>.</summary>
    public static long ReplaySpanMicros(IReadOnlyList<SupplyChain.TraceRow> rows, long cohort, int size, double requestsPerSecond)
    {
        if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "a positive rate");
        double period = SupplyChain.TraceReplay.PeriodOf(rows);
        if (!(period > 0)) throw new ArgumentException("a replayed trace needs rows at two different times", nameof(rows));
        double At(long i) => rows[(int)(i % rows.Count)].OffsetSeconds + i / rows.Count * period;
        double traceSeconds = At((cohort + 1) * size) - At(cohort * size);
        double scale = rows.Count / period / requestsPerSecond;   // trace seconds → scenario seconds
        return Math.Max(1, (long)Math.Round(traceSeconds * scale * 1e6));
    }

    /// <summary>Shapes from which <see cref="Gamma"/> uses the Wilson–Hilferty approximation (its relative error in the
    /// quantiles is below 10⁻³ there) instead of Marsaglia and Tsang's exact method.</summary>
    public const int WilsonHilfertyShape = 1000;

    /// <summary>A Gamma(<paramref name="shape"/>, 1) draw for an integer shape ≥ 1: exponential for 1, Marsaglia and
    /// Tsang's method (normal by Box–Muller) up to <see cref="WilsonHilfertyShape"/>, Wilson–Hilferty beyond.</summary>
    public static double Gamma(int shape, Rng rng)
    {
        if (shape <= 1) return -Math.Log(1.0 - rng.NextDouble());
        if (shape >= WilsonHilfertyShape)
        {
            // Wilson–Hilferty: (X/k)^(1/3) is nearly normal, mean 1 − 1/(9k), variance 1/(9k); one uniform, one quantile.
            double z = Normal.Quantile(Math.Clamp(rng.NextDouble(), 1e-15, 1 - 1e-15)), w = 1.0 / (9 * shape);
            double cube = 1 - w + z * Math.Sqrt(w);
            return shape * Math.Max(0, cube * cube * cube);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                x = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = 1.0 - rng.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>The request classes of one kind (real-time or batch) of a user region, in the proportions of their shares: a
    /// cohort of that kind draws each request's class from them.</summary>
    public sealed class ClassMix
    {
        private readonly int[] _classes;
        private readonly double[] _cumulative;
        private readonly RequestClassSpec[] _specs;
        private readonly Lengths[] _lengths;

        public ClassMix(IReadOnlyList<RequestClassSpec> classes, bool realTime)
        {
            _classes = [.. Enumerable.Range(0, classes.Count).Where(c => classes[c].RealTime == realTime)];
            _specs = [.. classes];
            _lengths = [.. classes.Select(c => c.Trace is null ? Lengths.Of(c) : default)];
            Share = _classes.Sum(c => classes[c].Share);
            double acc = 0;
            _cumulative = [.. _classes.Select(c => acc += classes[c].Share / Share)];
        }

        /// <summary>Share of the region's requests of this kind (0: none).</summary>
        public double Share { get; }

        /// <summary>Indices (in the region's classes) of the classes of this kind.</summary>
        public IReadOnlyList<int> Classes => _classes;

        /// <summary>Probability that a request of this kind is of the <paramref name="k"/>-th class of <see cref="Classes"/>.</summary>
        public double Probability(int k) => _cumulative[k] - (k == 0 ? 0 : _cumulative[k - 1]);

        /// <summary>Request <paramref name="i"/> of the cohort with key <paramref name="key"/>: its class (index in the region's
        /// classes) and shape.</summary>
        public (int Class, RequestShape Shape) Request(ulong key, int i, long cohort = 0, int size = 1)
        {
            var rng = Rng.FromSeed(Mix(key ^ (0x5A5A_0000_0000_0000UL + (ulong)(uint)i)));
            double u = _classes.Length > 1 ? rng.NextDouble() : 0;
            int k = 0;
            while (k < _classes.Length - 1 && u >= _cumulative[k]) k++;
            int c = _classes[k];
            return (c, Cohorts.Request(_specs[c], _lengths[c], rng, cohort, size));
        }

        /// <summary>The replayed trace of this kind's only class, or null (a replay cannot be mixed with other classes).</summary>
        public IReadOnlyList<SupplyChain.TraceRow>? Replayed => _classes.Length == 1 && _specs[_classes[0]] is { Replay: true, Trace: { Count: > 1 } t } ? t : null;

        /// <summary>Tokens <paramref name="count"/> requests of this kind stand for, by class (index in the region's classes):
        /// prompt (of which cached) and output at the classes' mean lengths.</summary>
        public IEnumerable<(int Class, double Input, double Cached, double Output)> Tokens(int count)
        {
            for (int k = 0; k < _classes.Length; k++)
            {
                var (input, cached, output) = Cohorts.Tokens(_specs[_classes[k]], 1);
                double n = count * Probability(k);
                yield return (_classes[k], n * input, n * cached, n * output);
            }
        }

        /// <summary>Total tokens (prompt + output) <paramref name="count"/> requests of this kind stand for.</summary>
        public double TotalTokens(int count) => Tokens(count).Sum(t => t.Input + t.Output);
    }
}
