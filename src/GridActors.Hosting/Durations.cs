using GridActors.Scenarios;

namespace GridActors.Hosting;

/// <summary>Durations given on a command line or in a request (<c>6h</c>, <c>90 min</c>), read with the scenario files' units.</summary>
public static class Durations
{
    /// <summary>Accepts "6h" as well as "6 h".</summary>
    public static string WithSpace(string s)
    {
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        return i > 0 && i < s.Length && s[i] != ' ' ? s[..i] + " " + s[i..] : s;
    }

    /// <summary>The duration in µs, or bad input naming <paramref name="option"/>.</summary>
    public static long Parse(string option, string text) =>
        Quantity.TryParseDuration(WithSpace(text), out var t, out var error) ? t.Micros : throw new UserInputException($"{option}: {error}");
}
