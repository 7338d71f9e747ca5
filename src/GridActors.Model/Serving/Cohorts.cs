using GridActors.Kernel;

namespace GridActors.Model.Serving;

/// <summary>
/// The requests a cohort stands for, drawn the same way by whoever needs them: the user region (to know when the next
/// cohort starts) and the hub (to serve it) compute them from the cohort's key alone — the run seed, the origin entity and
/// the cohort's number there — so nothing but the key travels in the message and every executor draws the same requests.
/// A cohort of class c is the next <see cref="RequestClassSpec.CohortSize"/> arrivals of the region's Poisson request
/// process: the first at the cohort's time, the others at exponential gaps (mean 1 ÷ rate); its prompts and outputs are
/// jittered stratified draws — one from each of the K equal-probability strata of the class's distribution, at a uniform
/// point within its stratum — so a cohort is as deterministic as the sum it stands for, and a cohort of one is an
/// ordinary draw; each list is shuffled so that lengths are independent of each other and of the arrival order. The next cohort starts one more gap after the last request, so
/// cohorts never overlap in time (the rule under which cohorts reproduce a request-by-request run, ServingSpecs).
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

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Fills <paramref name="into"/> (length = the class's cohort size) with the cohort's requests, arrival
    /// offsets at <paramref name="requestsPerSecond"/>, and returns the time from the cohort's first request to the next
    /// cohort's (µs, at least 1).</summary>
    public static long Draw(RequestClassSpec c, ulong key, double requestsPerSecond, Span<RequestShape> into)
    {
        int k = into.Length;
        if (k != c.CohortSize) throw new ArgumentException($"a cohort of class '{c.Name}' holds {c.CohortSize} requests, not {k}");
        if (!(requestsPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "a positive rate");
        var rng = Rng.FromSeed(key);
        var prompts = Jittered(c.Prompt, k, rng);
        var outputs = Jittered(c.Output, k, rng);
        Shuffle(prompts, rng);
        Shuffle(outputs, rng);
        double mean = 1e6 / requestsPerSecond, t = 0;
        for (int i = 0; i < k; i++)
        {
            into[i] = new RequestShape(Math.Round(prompts[i]), c.CacheHit, Math.Round(outputs[i])) { OffsetMicros = (long)Math.Round(t) };
            t += rng.NextExponential(mean);
        }
        return Math.Max(1, (long)Math.Round(t));
    }

    private static double[] Jittered(LengthDistribution d, int k, Rng rng)
    {
        var x = new double[k];
        for (int i = 0; i < k; i++) x[i] = d.Draw((i + rng.NextDouble()) / k);
        return x;
    }

    private static void Shuffle(double[] a, Rng rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = (int)Math.Min(i, Math.Floor(rng.NextDouble() * (i + 1)));
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
