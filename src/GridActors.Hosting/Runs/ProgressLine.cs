using System.Globalization;

namespace GridActors.Hosting.Runs;

/// <summary>
/// Machine-readable progress of a run process on stderr, for a host that launched it as a child (the web console):
/// with <see cref="EnvironmentVariable"/> set to 1, <c>gridactors run</c> prints <c>progress SIM_MICROS EVENTS</c> at most every
/// <see cref="Interval"/>. Written and parsed here only.
/// </summary>
public static class ProgressLine
{
    public const string EnvironmentVariable = "GRIDACTORS_PROGRESS_LINES";
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const string Prefix = "progress ";

    public static bool Requested => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    public static string Format(long simMicros, long events) =>
        Prefix + simMicros.ToString(CultureInfo.InvariantCulture) + " " + events.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string line, out long simMicros, out long events)
    {
        simMicros = events = 0;
        if (!line.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var parts = line[Prefix.Length..].Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out simMicros)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out events);
    }
}
