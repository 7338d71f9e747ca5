using System.Globalization;

namespace GridActors.Kernel;

/// <summary>
/// Simulated time: an integer count of microseconds since the start of the run.
/// Never a <c>double</c>, never wall-clock time (DESIGN §2).
/// </summary>
public readonly record struct SimTime(long Micros) : IComparable<SimTime>
{
    public const long MicrosPerSecond = 1_000_000;
    public const long MicrosPerMinute = 60 * MicrosPerSecond;
    public const long MicrosPerHour = 60 * MicrosPerMinute;

    public static readonly SimTime Zero = new(0);
    public static readonly SimTime MaxValue = new(long.MaxValue);

    public static SimTime FromSeconds(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
            throw new ArgumentOutOfRangeException(nameof(seconds), "time must be a finite number");
        return new SimTime(checked((long)Math.Round(seconds * MicrosPerSecond, MidpointRounding.AwayFromZero)));
    }

    public static SimTime FromMinutes(double minutes) => FromSeconds(minutes * 60);
    public static SimTime FromHours(double hours) => FromSeconds(hours * 3600);

    public double TotalSeconds => Micros / (double)MicrosPerSecond;

    /// <summary>This time in hours (for reports and series; never for ordering).</summary>
    public double TotalHours => Micros / (double)MicrosPerHour;

    /// <summary><paramref name="micros"/> µs in hours (for reports and series; never for ordering).</summary>
    public static double ToHours(long micros) => micros / (double)MicrosPerHour;

    public int CompareTo(SimTime other) => Micros.CompareTo(other.Micros);

    public static SimTime operator +(SimTime a, SimTime b) => new(a.Micros + b.Micros);
    public static SimTime operator -(SimTime a, SimTime b) => new(a.Micros - b.Micros);
    public static bool operator <(SimTime a, SimTime b) => a.Micros < b.Micros;
    public static bool operator >(SimTime a, SimTime b) => a.Micros > b.Micros;
    public static bool operator <=(SimTime a, SimTime b) => a.Micros <= b.Micros;
    public static bool operator >=(SimTime a, SimTime b) => a.Micros >= b.Micros;

    public override string ToString() =>
        Micros == long.MaxValue ? "∞" : TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture) + "s";
}

/// <summary>Dense index of an entity inside a run (0..N-1); its stable name lives in the model.</summary>
public readonly record struct EntityId(int Value)
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Index of a declared channel (see <see cref="ChannelSpec"/>).</summary>
public readonly record struct ChannelId(int Value);

/// <summary>
/// A declared message channel between entities. Every cross-entity send names a channel and must
/// use a delay of at least the channel's lookahead; the kernel rejects faster sends (DESIGN §2.2).
/// </summary>
public sealed record ChannelSpec(string Name, SimTime Lookahead)
{
    public void Validate()
    {
        if (Lookahead.Micros <= 0)
            throw new ArgumentException($"channel '{Name}': lookahead must be positive, got {Lookahead}");
    }
}
