using System.Globalization;

namespace GridActors.Scenarios;

/// <summary>A physical dimension with its accepted units, each with its factor to the base unit.</summary>
public sealed class Dimension
{
    private readonly (string Unit, double Factor)[] _units;

    private Dimension(string name, string baseUnit, params (string Unit, double Factor)[] units)
    {
        Name = name;
        BaseUnit = baseUnit;
        _units = units;
    }

    public string Name { get; }
    public string BaseUnit { get; }
    public IEnumerable<string> Units => _units.Select(u => u.Unit);

    /// <summary>Power; base unit MW.</summary>
    public static readonly Dimension Power = new("power", "MW", ("W", 1e-6), ("kW", 1e-3), ("MW", 1), ("GW", 1e3), ("TW", 1e6));
    /// <summary>Energy; base unit MWh.</summary>
    public static readonly Dimension Energy = new("energy", "MWh", ("Wh", 1e-6), ("kWh", 1e-3), ("MWh", 1), ("GWh", 1e3), ("TWh", 1e6), ("J", 1 / 3.6e9), ("kJ", 1 / 3.6e6), ("MJ", 1 / 3.6e3), ("GJ", 1 / 3.6));
    /// <summary>Length; base unit km.</summary>
    public static readonly Dimension Length = new("length", "km", ("m", 1e-3), ("km", 1));
    /// <summary>Duration; base unit second.</summary>
    public static readonly Dimension Duration = new("duration", "s", ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("min", 60), ("h", 3600), ("d", 86400));
    /// <summary>A share; base unit fraction (0..1).</summary>
    public static readonly Dimension Fraction = new("fraction", "", ("%", 0.01), ("", 1));
    /// <summary>Data rate; base unit Tbit/s.</summary>
    public static readonly Dimension DataRate = new("data rate", "Tbps", ("Gbps", 1e-3), ("Tbps", 1), ("Pbps", 1e3));

    /// <summary>Whether <paramref name="unit"/> is one of this dimension's units.</summary>
    public bool Has(string unit) => TryFactor(unit, out _);

    public bool TryFactor(string unit, out double factor)
    {
        foreach (var (u, f) in _units)
            if (u == unit)
            {
                factor = f;
                return true;
            }
        factor = 0;
        return false;
    }

    public override string ToString() => Name;
}

/// <summary>Parses quantities written with units, such as <c>12 GW</c>, <c>3293 km</c>, <c>130 ms</c>, <c>2.5 kW</c>.</summary>
public static class Quantity
{
    /// <summary>The value in the dimension's base unit, or an error message saying what is wrong.</summary>
    public static bool TryParse(string text, Dimension dimension, out double value, out string? error) =>
        TryParse(text, dimension, dimension.BaseUnit, out value, out error);

    /// <summary>The value in <paramref name="inUnit"/> (one of the dimension's units), or an error message saying what is wrong.
    /// A value written in <paramref name="inUnit"/> itself comes back exactly as written.</summary>
    public static bool TryParse(string text, Dimension dimension, string inUnit, out double value, out string? error)
    {
        if (!dimension.TryFactor(inUnit, out var target)) throw new ArgumentException($"'{inUnit}' is not a unit of {dimension.Name}", nameof(inUnit));
        value = 0;
        error = null;
        var s = text.Trim();
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] is '.' or '-' or '+' or 'e' or 'E' || (s[i] == '_' && i > 0)))
        {
            // An 'e' only belongs to the number when digits follow (so "5 ms" is not "5e…").
            if (s[i] is 'e' or 'E' && !(i + 1 < s.Length && (char.IsDigit(s[i + 1]) || s[i + 1] is '-' or '+'))) break;
            i++;
        }
        var number = s[..i].Replace("_", "");
        var unit = s[i..].Trim();
        if (number.Length == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
        {
            error = $"'{text}' is not a {dimension.Name}: expected a number followed by one of {UnitList(dimension)}";
            return false;
        }
        if (!dimension.TryFactor(unit, out var factor))
        {
            error = unit.Length == 0
                ? $"'{text}' needs a unit of {dimension.Name}: one of {UnitList(dimension)}"
                : $"'{unit}' is not a unit of {dimension.Name} in '{text}': use one of {UnitList(dimension)}";
            return false;
        }
        value = n * (factor / target);
        if (!double.IsFinite(value))
        {
            error = $"'{text}' is too large a {dimension.Name}";
            return false;
        }
        return true;
    }

    public static double Parse(string text, Dimension dimension) =>
        TryParse(text, dimension, out var v, out var error) ? v : throw new FormatException(error);

    /// <summary>
    /// A duration as simulated time: the one seconds → µs conversion (<see cref="Kernel.SimTime.FromSeconds"/>, rounding to
    /// the nearest µs) for scenario files and command-line flags alike, so <c>8.7 h</c> is 31,320,000,000 µs in both.
    /// </summary>
    public static bool TryParseDuration(string text, out Kernel.SimTime time, out string? error)
    {
        time = default;
        if (!TryParse(text, Dimension.Duration, out var seconds, out error)) return false;
        if (Math.Abs(seconds) > MaxDurationSeconds)
        {
            error = $"'{text}' is longer than {MaxDurationSeconds / 86400:0} d";
            return false;
        }
        time = Kernel.SimTime.FromSeconds(seconds);
        return true;
    }

    /// <summary>Longest duration read at all (about 290,000 years fit a long of µs; 100,000 d keeps far from that).</summary>
    public const double MaxDurationSeconds = 100_000 * 86400.0;

    private static string UnitList(Dimension d) =>
        string.Join(", ", d.Units.Where(u => u.Length > 0)) + (d.Units.Contains("") ? " (or a bare number)" : "");
}
