using System.Numerics;
using System.Runtime.CompilerServices;

namespace GridActors.Kernel;

/// <summary>
/// A per-entity random stream (xoshiro256**), seeded by SplitMix64 from <c>(run seed, entity key)</c>.
/// The stream of an entity depends only on the seed and the entity's stable key — never on the order
/// in which entities or streams were created (DESIGN §2.1).
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    private Rng(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3;
    }

    public static Rng ForEntity(ulong runSeed, string entityKey) =>
        FromSeed(runSeed ^ (StableHash.Fnv1a64(entityKey) * 0x9E3779B97F4A7C15UL));

    public static Rng FromSeed(ulong seed)
    {
        ulong x = seed;
        ulong a = SplitMix64(ref x), b = SplitMix64(ref x), c = SplitMix64(ref x), d = SplitMix64(ref x);
        if ((a | b | c | d) == 0) a = 1;
        return new Rng(a, b, c, d);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (Lemire's unbiased method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        ulong bound = (ulong)n;
        ulong m = (ulong)(uint)(NextUInt64() >> 32) * bound;
        uint low = (uint)m;
        if (low < bound)
        {
            uint threshold = (uint)(-(int)n) % (uint)n;
            while (low < threshold)
            {
                m = (ulong)(uint)(NextUInt64() >> 32) * bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Exponentially distributed with the given mean (0 when the mean is 0).</summary>
    public double NextExponential(double mean) => mean <= 0 ? 0 : -mean * Math.Log(1.0 - NextDouble());

    public void Save(BinaryWriter w)
    {
        w.Write(_s0); w.Write(_s1); w.Write(_s2); w.Write(_s3);
    }

    public static Rng Load(BinaryReader r) => new(r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64());

    internal (ulong, ulong, ulong, ulong) State => (_s0, _s1, _s2, _s3);
}

/// <summary>Hashes that are identical on every machine and every run (unlike <c>string.GetHashCode</c>).</summary>
public static class StableHash
{
    public static ulong Fnv1a64(string s)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char c in s)
        {
            h ^= (byte)c;
            h *= 0x100000001b3UL;
            h ^= (byte)(c >> 8);
            h *= 0x100000001b3UL;
        }
        return h;
    }
}
