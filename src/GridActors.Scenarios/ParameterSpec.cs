using System.Globalization;

namespace GridActors.Scenarios;

/// <summary>
/// One scenario parameter, declared once (ns-3 style): its key, help text, default, dimension and check.
/// Validation, error messages and generated documentation all come from this declaration.
/// </summary>
public sealed record ParameterSpec(
    string Key,
    string Help,
    Dimension? Dimension = null,
    string? Default = null,
    bool Required = false,
    Func<double, string?>? Check = null)
{
    /// <summary>Requires a value strictly above zero.</summary>
    public static string? Positive(double v) => v > 0 ? null : "must be positive";

    /// <summary>Requires a value of zero or more.</summary>
    public static string? NonNegative(double v) => v >= 0 ? null : "must not be negative";

    /// <summary>Requires a share within [0, 1].</summary>
    public static string? UnitInterval(double v) => v is >= 0 and <= 1 ? null : "must be within [0, 1]";

    /// <summary>
    /// Reads <paramref name="text"/> (or the default when null) as this parameter's quantity.
    /// Returns the value in the dimension's base unit, or an error naming the parameter.
    /// </summary>
    public bool TryRead(string? text, out double value, out string? error)
    {
        value = 0;
        error = null;
        text ??= Default;
        if (text is null)
        {
            error = Required ? $"'{Key}' is required ({Help})" : null;
            return !Required;
        }
        if (Dimension is null)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
            {
                error = $"'{Key}' must be a number, got '{text}'";
                return false;
            }
        }
        else if (!Quantity.TryParse(text, Dimension, out value, out var unitError))
        {
            error = $"'{Key}': {unitError}";
            return false;
        }
        if (Check?.Invoke(value) is string problem)
        {
            error = $"'{Key}' {problem}, got '{text}'";
            return false;
        }
        return true;
    }

    /// <summary>The parameter as one line of documentation.</summary>
    public string Describe() =>
        $"{Key}{(Dimension is null ? "" : $" [{Dimension.Name}]")}{(Required ? " (required)" : Default is null ? "" : $" = {Default}")}: {Help}";
}

/// <summary>A set of parameter declarations for one section or entity kind; suggests near misses for unknown keys.</summary>
public sealed class ParameterSet(string owner, IReadOnlyList<ParameterSpec> specs)
{
    public string Owner { get; } = owner;
    public IReadOnlyList<ParameterSpec> Specs { get; } = specs;

    public ParameterSpec? Find(string key) => Specs.FirstOrDefault(s => s.Key == key);

    /// <summary>The message for a key nobody declared, with the closest declared key as a suggestion.</summary>
    public string UnknownKey(string key)
    {
        var best = Specs.Select(s => (s.Key, Distance: Levenshtein(key, s.Key))).OrderBy(x => x.Distance).ThenBy(x => x.Key, StringComparer.Ordinal).FirstOrDefault();
        var hint = best.Key is not null && best.Distance <= Math.Max(2, key.Length / 3) ? $"; did you mean '{best.Key}'?" : "";
        return $"unknown key '{key}' in {Owner}{hint}";
    }

    public static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
