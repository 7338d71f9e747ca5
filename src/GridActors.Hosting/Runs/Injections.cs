using System.Globalization;
using System.Text.RegularExpressions;
using GridActors.Kernel;
using GridActors.Kernel.Protocol;
using GridActors.Model.SupplyChain;
using GridActors.Persistence;
using GridActors.Reports.Format;

namespace GridActors.Hosting.Runs;

/// <summary>Injected faults: between the registry's records, the model's fault specs, the run's external events and the run folder.</summary>
public static partial class Injections
{
    public static FaultSpec Spec(InjectionRecord r) => new(r.Kind, r.Target, r.AtMicros, r.DurationMicros, r.Fraction, r.Multiplier);

    public static InjectionRecord Record(Injection i)
    {
        var f = (FaultSpec)i.Tag!;
        return new InjectionRecord(i.Index, f.Kind, f.Target, f.StartMicros, f.DurationMicros, f.Fraction, f.Multiplier, i.AfterCheckpoint,
            DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>A run's journaled injections as the model's external events.</summary>
    public static List<Injection> Recorded(SupplyChainModel model, IEnumerable<InjectionRecord> records) =>
        records.Select(r => new Injection(r.Index, r.AtMicros, model.InjectionEvents(r.Index, Spec(r)), r.AfterCheckpoint, Spec(r))).ToList();

    public static InjectionInfo Info(FaultSpec f, int index) => new(index, f.Kind, f.Target, f.StartMicros / (double)SimTime.MicrosPerSecond,
        f.DurationMicros / (double)SimTime.MicrosPerSecond, f.Fraction, f.Multiplier);

    /// <summary>Simulated time as day.HH:MM:SS since the start.</summary>
    public static string Clock(long micros)
    {
        var t = TimeSpan.FromTicks(micros * 10);
        return (t.Days > 0 ? $"day {t.Days} " : "") + t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?$")]
    private static partial Regex ClockTime();

    /// <summary>Parses <c>+DURATION</c> (after the safe horizon), <c>DURATION</c> (since the start) or a clock time
    /// <c>[D.]HH:MM[:SS]</c> of the simulated days (day 0 = the scenario's start date), e.g. <c>+30min</c>, <c>14h</c>, <c>20:00</c>, <c>1.06:30</c>.</summary>
    public static bool TryParseAt(string? text, long safeMicros, out long micros, out string? error)
    {
        micros = safeMicros;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var clock = ClockTime().Match(text);
        if (clock.Success)
        {
            int day = clock.Groups[1].Success ? int.Parse(clock.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            int h = int.Parse(clock.Groups[2].Value, CultureInfo.InvariantCulture), m = int.Parse(clock.Groups[3].Value, CultureInfo.InvariantCulture);
            int sec = clock.Groups[4].Success ? int.Parse(clock.Groups[4].Value, CultureInfo.InvariantCulture) : 0;
            if (h > 23 || m > 59 || sec > 59)
            {
                error = $"--at '{text}': not a clock time (HH:MM[:SS] with HH < 24)";
                return false;
            }
            micros = (((day * 24L + h) * 60 + m) * 60 + sec) * SimTime.MicrosPerSecond;
            return true;
        }
        bool relative = text.StartsWith('+');
        if (!Scenarios.Quantity.TryParseDuration(Durations.WithSpace(relative ? text[1..] : text), out var t, out var e))
        {
            error = $"--at '{text}': {e} (use +DURATION after the current safe horizon, DURATION since the start or a clock time, e.g. +30min, 14h or 20:00)";
            return false;
        }
        micros = relative ? safeMicros + t.Micros : t.Micros;
        return true;
    }
}
