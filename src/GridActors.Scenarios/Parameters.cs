using System.Globalization;
using System.Text.RegularExpressions;
using GridActors.Kernel;
using GridActors.Model.SupplyChain;
using YamlDotNet.RepresentationModel;

namespace GridActors.Scenarios;

/// <summary>
/// One scenario parameter, declared once (ns-3 style): key, help, unit, default and bounds, bound to the property of
/// the spec it sets. The loader reads through it, the writer writes through it and the documentation describes it, so
/// none of them spells a key, a default, a unit or a bound of its own.
/// </summary>
public abstract class Param(string key, string help)
{
    public string Key { get; } = key;
    public string Help { get; } = help;

    /// <summary>The key must be present (the loader reports it missing).</summary>
    public bool Required { get; init; }

    /// <summary>What a value looks like, for documentation ("power in MW", "text", "one of east, west").</summary>
    public abstract string Shape { get; }

    /// <summary>The default as a file would write it, or null (required, optional or a section).</summary>
    public virtual string? DefaultText => null;

    /// <summary>The accepted range as documentation writes it, or null.</summary>
    public virtual string? BoundsText => null;

    /// <summary>The parameter as one line of documentation.</summary>
    public string Describe() =>
        $"{Key} [{Shape}]{(Required ? " (required)" : DefaultText is null ? "" : $" = {DefaultText}")}{(BoundsText is null ? "" : $", {BoundsText}")}: {Help}";

    /// <summary>The text of a scalar node, or null (with an error) for a list or mapping.</summary>
    private protected string? Scalar(YamlNode node, ReadContext ctx)
    {
        if (node is YamlScalarNode s) return s.Value ?? "";
        ctx.Error(node, $"'{Key}' must be a single value");
        return null;
    }

    private protected static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A parameter that sets a property of <typeparamref name="T"/>.</summary>
public abstract class Param<T>(string key, string help) : Param(key, help)
{
    /// <summary>Reads the value at <paramref name="node"/> into <paramref name="spec"/>; a null node means the key is
    /// absent (the default applies). Problems go to <paramref name="ctx"/>, located at the node.</summary>
    internal abstract T Read(T spec, YamlNode? node, ReadContext ctx);

    /// <summary>The value in <paramref name="spec"/> as YAML, or null to leave the key out.</summary>
    internal abstract YamlOut? Write(T spec);
}

/// <summary>Accepted values of a number: [<see cref="Min"/>, <see cref="Max"/>], either end possibly open.</summary>
public readonly record struct Bounds(double Min, double Max, bool MinOpen = false, bool MaxOpen = false)
{
    public static readonly Bounds Any = new(double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>(0, max].</summary>
    public static Bounds Positive(double max) => new(0, max, MinOpen: true);

    /// <summary>[0, max].</summary>
    public static Bounds NonNegative(double max) => new(0, max);

    /// <summary>[min, max].</summary>
    public static Bounds Within(double min, double max) => new(min, max);

    /// <summary>[0, 1].</summary>
    public static readonly Bounds Share = new(0, 1);

    /// <summary>What is wrong with <paramref name="v"/> (in <paramref name="unit"/>), or null.</summary>
    public string? Problem(double v, string unit)
    {
        string U(double x) => Fmt(x) + (unit.Length > 0 ? " " + unit : "");
        if (MinOpen ? v <= Min : v < Min)
            return Min == 0 ? (MinOpen ? "must be positive" : "must not be negative") : $"must be {(MinOpen ? "more than" : "at least")} {U(Min)}";
        if (MaxOpen ? v >= Max : v > Max) return $"must be {(MaxOpen ? "less than" : "at most")} {U(Max)}";
        return null;
    }

    /// <summary>The range as documentation writes it, e.g. <c>(0, 1000000] MW</c>.</summary>
    public string Describe(string unit) =>
        $"{(MinOpen ? "(" : "[")}{Fmt(Min)}, {Fmt(Max)}{(MaxOpen ? ")" : "]")}{(unit.Length > 0 ? " " + unit : "")}";

    internal static string Fmt(double v) => double.IsInfinity(v) ? (v > 0 ? "∞" : "-∞") : v.ToString("0.##########", CultureInfo.InvariantCulture);
}

/// <summary>
/// A number, optionally a quantity with units (<see cref="Dimension"/>): read in any unit of its dimension, kept in the
/// spec in <see cref="Unit"/> and written in it, so that writing and reading give back the same value.
/// For a plain number <see cref="Unit"/> only labels the value (<c>USD/MWh</c>).
/// </summary>
public sealed class Number<T>(string key, string help, Func<T, double?> get, Func<T, double?, T> set) : Param<T>(key, help)
{
    public Dimension? Dimension { get; init; }
    public string Unit { get; init; } = "";
    public double? Default { get; init; }

    /// <summary>The key may be left out: the value is then null (<see cref="Absent"/> documents what that means).</summary>
    public bool Optional { get; init; }

    /// <summary>What leaving an optional key out means, for documentation ("no ramp limit").</summary>
    public string? Absent { get; init; }

    public Bounds Bounds { get; init; } = Bounds.Any;

    /// <summary>Values outside <see cref="Bounds"/> are checked elsewhere (fault fields: <see cref="FaultRules"/>); only documented here.</summary>
    public string? BoundsDoc { get; init; }

    public override string Shape => Dimension is null ? (Unit.Length > 0 ? $"number, {Unit}" : "number") : $"{Dimension.Name}{(Unit.Length > 0 ? " in " + Unit : "")}";
    public override string? DefaultText => Default is double d ? Text(d) : Optional ? Absent : null;
    public override string? BoundsText => BoundsDoc ?? (Bounds == Bounds.Any ? null : Bounds.Describe(Unit));

    private string Text(double v) => N(v) + (Dimension is not null && Unit.Length > 0 ? " " + Unit : "");

    /// <summary>Reads <paramref name="text"/> (null: absent) as this parameter's value in <see cref="Unit"/>, or says what is wrong.</summary>
    public bool TryParse(string? text, out double? value, out string? error)
    {
        value = null;
        error = null;
        if (text is null)
        {
            value = Default;
            return true;
        }
        double v;
        if (Dimension is not null)
        {
            if (!Quantity.TryParse(text, Dimension, Unit, out v, out var unitError))
            {
                error = $"'{Key}': {unitError}";
                return false;
            }
        }
        else if (!double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out v) || !double.IsFinite(v))
        {
            error = $"'{Key}' must be a number, got '{text}'";
            return false;
        }
        if (BoundsDoc is null && Bounds.Problem(v, Unit) is string problem)
        {
            error = $"'{Key}' {problem}, got '{text}'";
            return false;
        }
        value = v;
        return true;
    }

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        string? text = null;
        if (node is not null && (text = Scalar(node, ctx)) is null) return spec;
        if (!TryParse(text, out var v, out var error))
        {
            ctx.Error(node, error!);
            return spec;
        }
        return v is null && !Optional ? spec : set(spec, v);
    }

    internal override YamlOut? Write(T spec) => get(spec) is double v ? new YamlScalar(Text(v)) : null;
}

/// <summary>A whole number (a count) kept as an <c>int</c>.</summary>
public sealed class Count<T>(string key, string help, Func<T, int> get, Func<T, int, T> set) : Param<T>(key, help)
{
    public int? Default { get; init; }
    public int Min { get; init; }
    public int Max { get; init; } = int.MaxValue;

    public override string Shape => "whole number";
    public override string? DefaultText => Default?.ToString(CultureInfo.InvariantCulture);
    public override string? BoundsText => $"[{Min}, {Max}]";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return Default is int d ? set(spec, d) : spec;
        if (Scalar(node, ctx) is not string text) return spec;
        if (!double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            ctx.Error(node, $"'{Key}' must be a number, got '{text}'");
            return spec;
        }
        if (v != Math.Floor(v) || v < Min || v > Max)
        {
            ctx.Error(node, $"'{Key}' must be a whole number within [{Min}, {Max}], got '{text}'");
            return spec;
        }
        return set(spec, (int)v);
    }

    internal override YamlOut? Write(T spec) => new YamlScalar(get(spec).ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// A duration kept as whole µs of simulated time. Read with <see cref="Quantity.TryParseDuration"/> — the one seconds → µs
/// conversion (rounding) that command-line flags use too — and written in the largest unit that holds it exactly.
/// </summary>
public sealed class Duration<T>(string key, string help, Func<T, long> get, Func<T, long, T> set) : Param<T>(key, help)
{
    public long? Default { get; init; }
    public long Min { get; init; } = long.MinValue;
    public bool MinOpen { get; init; }
    public long Max { get; init; } = long.MaxValue;

    /// <summary>Bounds checked elsewhere (fault fields: <see cref="FaultRules"/>); only documented here.</summary>
    public string? BoundsDoc { get; init; }

    /// <summary>Leave the key out when writing a spec that has the default.</summary>
    public bool OmitDefault { get; init; }

    public override string Shape => "duration";
    public override string? DefaultText => Default is long d ? Text(d) : null;
    public override string? BoundsText => BoundsDoc ?? (Min == long.MinValue && Max == long.MaxValue ? null
        : $"{(MinOpen ? "(" : "[")}{(Min == long.MinValue ? "-∞" : Text(Min))}, {(Max == long.MaxValue ? "∞" : Text(Max))}]");

    /// <summary>µs as the largest unit that holds them exactly (<c>24 h</c>, <c>5 min</c>, <c>130 ms</c>; days from a week on).</summary>
    public static string Text(long micros)
    {
        const long day = 24 * SimTime.MicrosPerHour;
        if (micros % day == 0 && Math.Abs(micros) >= 7 * day) return (micros / day).ToString(CultureInfo.InvariantCulture) + " d";
        foreach (var (unit, size) in new (string, long)[] { ("h", SimTime.MicrosPerHour), ("min", SimTime.MicrosPerMinute), ("s", SimTime.MicrosPerSecond), ("ms", 1000) })
            if (micros % size == 0 && (micros != 0 || unit == "s")) return (micros / size).ToString(CultureInfo.InvariantCulture) + " " + unit;
        return micros.ToString(CultureInfo.InvariantCulture) + " us";
    }

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return Default is long d ? set(spec, d) : spec;
        if (Scalar(node, ctx) is not string text) return spec;
        if (!Quantity.TryParseDuration(text, out var t, out var error))
        {
            ctx.Error(node, $"'{Key}': {error}");
            return spec;
        }
        if (BoundsDoc is null)
        {
            if (MinOpen ? t.Micros <= Min : t.Micros < Min)
            {
                ctx.Error(node, Min == 0 ? $"'{Key}' {(MinOpen ? "must be positive" : "must not be negative")}, got '{text}'" : $"'{Key}' must be at least {Text(Min)}, got '{text}'");
                return spec;
            }
            if (t.Micros > Max)
            {
                ctx.Error(node, $"'{Key}' must be at most {Text(Max)}, got '{text}'");
                return spec;
            }
        }
        return set(spec, t.Micros);
    }

    internal override YamlOut? Write(T spec) => OmitDefault && get(spec) == Default ? null : new YamlScalar(Text(get(spec)));
}

/// <summary>A run seed: a whole number in [0, 2^64).</summary>
public sealed class Seed<T>(string key, string help, Func<T, ulong> get, Func<T, ulong, T> set) : Param<T>(key, help)
{
    public ulong Default { get; init; }

    public override string Shape => "whole number";
    public override string? DefaultText => Default.ToString(CultureInfo.InvariantCulture);
    public override string? BoundsText => "[0, 2^64)";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return set(spec, Default);
        if (Scalar(node, ctx) is not string text) return spec;
        if (!ulong.TryParse(text.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            ctx.Error(node, $"'{Key}' must be a non-negative whole number below 2^64, got '{text}'");
            return spec;
        }
        return set(spec, v);
    }

    internal override YamlOut? Write(T spec) => new YamlScalar(get(spec).ToString(CultureInfo.InvariantCulture));
}

/// <summary>Free text (a name). Without a default and not required, the key may be left out: the value stays null
/// (<see cref="Absent"/> documents what that means) and is not written.</summary>
public sealed class Text<T>(string key, string help, Func<T, string?> get, Func<T, string, T> set) : Param<T>(key, help)
{
    public string? Default { get; init; }

    /// <summary>What leaving the key out means, for documentation ("all regions").</summary>
    public string? Absent { get; init; }

    public override string Shape => "text";
    public override string? DefaultText => Default ?? Absent;

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return Default is string d ? set(spec, d) : spec;
        return Scalar(node, ctx) is string text ? set(spec, text) : spec;
    }

    internal override YamlOut? Write(T spec) => get(spec) is string v ? new YamlScalar(YamlText.Quote(v)) : null;
}

/// <summary>
/// A number whose unit depends on what else the entry says (a calibration bound is in its metric's unit): a bare number is
/// in that unit; a quantity with units is converted to it when <paramref name="unitOf"/> gives a dimension for it. Read
/// after the keys it depends on (declaration order); <paramref name="unitOf"/> returns null when those are unusable (already
/// reported), and the value is then left unset. Optional: absent, the value is null.
/// </summary>
public sealed class Measure<T>(string key, string help, Func<T, (Dimension? Dimension, string Unit)?> unitOf, Func<T, double?> get, Func<T, double?, T> set)
    : Param<T>(key, help)
{
    /// <summary>What a value looks like, for documentation.</summary>
    public string ShapeText { get; init; } = "number";

    /// <summary>What leaving the key out means, for documentation.</summary>
    public string? Absent { get; init; }

    public override string Shape => ShapeText;
    public override string? DefaultText => Absent;

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null || Scalar(node, ctx) is not string text) return spec;
        if (double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return set(spec, v);
        if (unitOf(spec) is not { } known) return spec;
        var (dimension, unit) = known;
        if (dimension is null)
        {
            ctx.Error(node, $"'{Key}' must be a number{(unit.Length > 0 ? $" of {unit}" : "")}, got '{text}'");
            return spec;
        }
        if (!Quantity.TryParse(text, dimension, unit, out v, out var error))
        {
            ctx.Error(node, $"'{Key}': {error}");
            return spec;
        }
        return set(spec, v);
    }

    internal override YamlOut? Write(T spec) => get(spec) is double v ? new YamlScalar(N(v)) : null;
}

/// <summary>The id of an entity of <paramref name="kind"/>: unique within its kind, letters, digits, '_', '-' and '.'.</summary>
public sealed class Id<T>(string key, string help, EntityKind kind, Func<T, string> get, Func<T, string, T> set) : Param<T>(key, help)
{
    private static readonly Regex Allowed = new("^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant);

    public EntityKind Kind { get; } = kind;
    public override string Shape => $"{Kind.Noun} id";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null || Scalar(node, ctx) is not string id || string.IsNullOrWhiteSpace(id)) return spec;
        if (!Allowed.IsMatch(id)) ctx.Error(node, $"{Kind.Noun} id '{id}' may only contain letters, digits, '_', '-' and '.'");
        ctx.Define(Kind, id, node);
        return set(spec, id);
    }

    internal override YamlOut? Write(T spec) => new YamlScalar(get(spec));
}

/// <summary>A reference to an entity of <paramref name="kind"/> defined earlier in the file (any order of sections works:
/// the loader reads them in declaration order).</summary>
public sealed class Ref<T>(string key, string help, EntityKind kind, Func<T, string?> get, Func<T, string?, T> set) : Param<T>(key, help)
{
    public EntityKind Kind { get; } = kind;

    /// <summary>The key may be left out (no reference).</summary>
    public bool Optional { get; init; }

    public override string Shape => $"{Kind.Noun} id";
    public override string? DefaultText => Optional ? "none" : null;

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null || Scalar(node, ctx) is not string value) return spec;
        if (!ctx.Known(Kind, value))
        {
            var near = ctx.KnownIds(Kind).OrderBy(k => ParameterSet.Levenshtein(value, k)).ThenBy(k => k, StringComparer.Ordinal).FirstOrDefault();
            var hint = near is not null && ParameterSet.Levenshtein(value, near) <= Math.Max(2, value.Length / 3) ? $"; did you mean '{near}'?" : "";
            ctx.Error(node, $"'{Key}' refers to unknown {Kind.Noun} '{value}'{hint}");
        }
        return set(spec, value);
    }

    internal override YamlOut? Write(T spec) => get(spec) is string v ? new YamlScalar(v) : null;
}

/// <summary>A list of references to entities of any of <paramref name="kinds"/> defined earlier in the file (a route's
/// landing stations and segments). Absent: an empty list (not written).</summary>
public sealed class RefList<T>(string key, string help, IReadOnlyList<EntityKind> kinds, Func<T, IReadOnlyList<string>> get, Func<T, IReadOnlyList<string>, T> set)
    : Param<T>(key, help)
{
    public IReadOnlyList<EntityKind> Kinds { get; } = kinds;

    public override string Shape => $"list of {string.Join(" or ", Kinds.Select(k => k.Noun))} ids";
    public override string? DefaultText => "none";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return set(spec, []);
        if (node is not YamlSequenceNode seq)
        {
            ctx.Error(node, $"'{Key}' must be a list of {string.Join(" or ", Kinds.Select(k => k.Noun))} ids");
            return spec;
        }
        var ids = new List<string>();
        foreach (var child in seq.Children)
        {
            if (child is not YamlScalarNode { Value: { } value })
            {
                ctx.Error(child, $"each entry of '{Key}' must be an id");
                continue;
            }
            if (!Kinds.Any(k => ctx.Known(k, value)))
            {
                var near = Kinds.SelectMany(ctx.KnownIds).OrderBy(k => ParameterSet.Levenshtein(value, k)).ThenBy(k => k, StringComparer.Ordinal).FirstOrDefault();
                var hint = near is not null && ParameterSet.Levenshtein(value, near) <= Math.Max(2, value.Length / 3) ? $"; did you mean '{near}'?" : "";
                ctx.Error(child, $"'{Key}' refers to unknown {string.Join(" or ", Kinds.Select(k => k.Noun))} '{value}'{hint}");
            }
            else if (ids.Contains(value, StringComparer.Ordinal)) ctx.Error(child, $"'{Key}' lists '{value}' twice");
            ids.Add(value);
        }
        return set(spec, ids);
    }

    internal override YamlOut? Write(T spec) => get(spec) is { Count: > 0 } ids ? new YamlList([.. ids.Select(v => (YamlOut)new YamlScalar(v))]) : null;
}

/// <summary>One of a few named values (a plant type, a hub's role, a routing policy).</summary>
public sealed class Choice<T, TValue>(string key, string help, IReadOnlyList<(string Name, TValue Value)> options, Func<T, TValue> get, Func<T, TValue, T> set)
    : Param<T>(key, help)
{
    public IReadOnlyList<(string Name, TValue Value)> Options { get; } = options;
    public string? Default { get; init; }

    /// <summary>What leaving the key out means when there is no <see cref="Default"/> (the value stays as it was, e.g. null,
    /// and such a value is not written).</summary>
    public string? Absent { get; init; }

    /// <summary>Leave the key out when writing a spec that has the default (keys that only matter for some entries,
    /// such as a hydro plant's mode).</summary>
    public bool OmitDefault { get; init; }

    public override string Shape => "one of " + string.Join(", ", Options.Select(o => o.Name));
    public override string? DefaultText => Default ?? Absent;

    private string Expected => string.Join(", ", Options.Take(Options.Count - 1).Select(o => o.Name)) + " or " + Options[^1].Name;

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        string? text = Default;
        if (node is not null && (text = Scalar(node, ctx)) is null) return spec;
        if (text is null) return spec;
        foreach (var (name, value) in Options)
            if (name == text) return set(spec, value);
        ctx.Error(node, $"'{Key}' must be {Expected}, got '{text}'");
        return spec;
    }

    internal override YamlOut? Write(T spec)
    {
        var value = get(spec);
        if (value is null && Absent is not null) return null;
        foreach (var (name, v) in Options)
            if (EqualityComparer<TValue>.Default.Equals(v, value)) return OmitDefault && name == Default ? null : new YamlScalar(name);
        throw new InvalidOperationException($"'{Key}': {value} is none of {Expected}");
    }
}

/// <summary>A fixed number of values, by default 24 hourly multipliers (local time), or none.</summary>
public sealed class Profile<T>(string key, string help, Func<T, double[]?> get, Func<T, double[]?, T> set) : Param<T>(key, help)
{
    public const int Hours = 24;
    public double Max { get; init; } = 100;

    /// <summary>How many values the list has (24 hours, 12 months).</summary>
    public int Entries { get; init; } = Hours;

    /// <summary>What the values are, for messages ("hourly multipliers").</summary>
    public string What { get; init; } = "hourly multipliers";

    /// <summary>What leaving the key out means, for documentation.</summary>
    public string Absent { get; init; } = "none (1 every hour)";

    public override string Shape => $"list of {Entries} numbers";
    public override string? DefaultText => Absent;
    public override string? BoundsText => $"each within [0, {Bounds.Fmt(Max)}]";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return set(spec, null);
        if (node is not YamlSequenceNode seq || seq.Children.Count != Entries)
        {
            ctx.Error(node, $"'{Key}' must be a list of {Entries} {What}");
            return spec;
        }
        var values = new double[Entries];
        for (int i = 0; i < Entries; i++)
            if (seq.Children[i] is not YamlScalarNode s || !double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])
                || !(values[i] >= 0 && values[i] <= Max))
                ctx.Error(seq.Children[i], $"'{Key}' entry {i} must be a number within [0, {Bounds.Fmt(Max)}]");
        return set(spec, values);
    }

    internal override YamlOut? Write(T spec) => get(spec) is { } p ? new YamlList([.. p.Select(v => (YamlOut)new YamlScalar(N(v)))]) : null;
}

/// <summary>A calendar date, kept as its day of the year (1–366).</summary>
public sealed class Date<T>(string key, string help, Func<T, int> get, Func<T, int, T> set) : Param<T>(key, help)
{
    public string? Default { get; init; }

    public override string Shape => "date (yyyy-mm-dd)";
    public override string? DefaultText => Default;

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        string? text = Default;
        if (node is not null && (text = Scalar(node, ctx)) is null) return spec;
        if (text is null) return spec;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            ctx.Error(node, $"'{Key}' must be a date like 2026-06-21, got '{text}'");
            return spec;
        }
        return set(spec, date.DayOfYear);
    }

    /// <summary>The day in 2026 (day 366 falls in the leap year 2024), so that reading it back gives the same day of the year.</summary>
    internal override YamlOut? Write(T spec)
    {
        int day = get(spec);
        var date = day == 366 ? new DateOnly(2024, 12, 31) : new DateOnly(2026, 1, 1).AddDays(day - 1);
        return new YamlScalar(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}

/// <summary>A parameter whose value is a mapping or list of mappings with parameters of their own.</summary>
public interface INested
{
    ParameterSet Set { get; }
}

/// <summary>A mapping of further parameters that set the same spec (<c>time:</c>, <c>network:</c>).</summary>
public sealed class Section<T>(string key, string help, ParameterSet<T> set) : Param<T>(key, help), INested
{
    public ParameterSet<T> Set { get; } = set;
    ParameterSet INested.Set => Set;
    public override string Shape => "mapping";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return Set.ReadAbsent(spec);
        if (node is YamlMappingNode map) return Set.Read(map, spec, ctx).Spec;
        ctx.Error(node, $"'{Key}' must be a mapping");
        return spec;
    }

    internal override YamlOut? Write(T spec) => Set.Write(spec);
}

/// <summary>A mapping that may be left out: then nothing is read (no defaults apply) and nothing is written
/// (<paramref name="present"/> says whether a spec has it).</summary>
public sealed class OptionalSection<T>(string key, string help, ParameterSet<T> set, Func<T, bool> present) : Param<T>(key, help), INested
{
    public ParameterSet<T> Set { get; } = set;
    ParameterSet INested.Set => Set;
    public override string Shape => "mapping";
    public override string? DefaultText => "none";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null) return spec;
        if (node is YamlMappingNode map) return Set.Read(map, spec, ctx).Spec;
        ctx.Error(node, $"'{Key}' must be a mapping");
        return spec;
    }

    internal override YamlOut? Write(T spec) => present(spec) ? Set.Write(spec) : null;
}

/// <summary>A list of mappings, each read into a <typeparamref name="TItem"/> with its own parameter set (plants, routes…).</summary>
public sealed class Items<T, TItem>(string key, string help, ParameterSet<TItem> set, Func<T, IReadOnlyList<TItem>> get, Func<T, IReadOnlyList<TItem>, T> put)
    : Param<T>(key, help), INested
{
    public ParameterSet<TItem> Set { get; } = set;
    ParameterSet INested.Set => Set;

    /// <summary>Fewest entries (and the message when there are fewer).</summary>
    public int MinCount { get; init; }
    public string? MinCountMessage { get; init; }

    /// <summary>Checks of a whole entry that depend on what was read before it (faults: <see cref="FaultRules"/>): built
    /// once per list from the spec read so far, each problem names the field it is located at.</summary>
    public Func<T, Func<TItem, IEnumerable<(string Field, string Message)>>>? ItemCheck { get; init; }

    public override string Shape => $"list of {Set.Owner.Replace("a ", "").Replace("an ", "")} entries";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        var items = new List<TItem>();
        if (node is null) return put(spec, items);
        if (node is not YamlSequenceNode seq)
        {
            ctx.Error(node, $"'{Key}' must be a list");
            return put(spec, items);
        }
        if (seq.Children.Count < MinCount) ctx.Error(node, MinCountMessage ?? $"'{Key}' must have at least {MinCount} entries");
        var check = ItemCheck?.Invoke(spec);
        foreach (var child in seq.Children)
        {
            if (child is not YamlMappingNode map)
            {
                ctx.Error(child, $"each entry of '{Key}' must be a mapping");
                continue;
            }
            int before = ctx.Errors.Count;
            var (item, fields) = Set.Read(map, Set.Blank, ctx);
            if (ctx.Errors.Count == before && check is not null)
                foreach (var (field, message) in check(item)) ctx.Error(fields.GetValueOrDefault(field) ?? map, message);
            if (ctx.Errors.Count == before) items.Add(item);
        }
        return put(spec, items);
    }

    internal override YamlOut? Write(T spec) => new YamlList([.. get(spec).Select(i => (YamlOut)Set.Write(i))]);
}

/// <summary>The parameters of one section or entity kind (untyped view: documentation, suggestions for unknown keys).</summary>
public abstract class ParameterSet(string owner)
{
    /// <summary>How messages name what the keys belong to ("a hub").</summary>
    public string Owner { get; } = owner;

    public abstract IReadOnlyList<Param> Parameters { get; }

    public Param? Find(string key) => Parameters.FirstOrDefault(p => p.Key == key);

    /// <summary>The message for a key nobody declared, with the closest declared key as a suggestion.</summary>
    public string UnknownKey(string key)
    {
        var best = Parameters.Select(p => (p.Key, Distance: Levenshtein(key, p.Key))).OrderBy(x => x.Distance).ThenBy(x => x.Key, StringComparer.Ordinal).FirstOrDefault();
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

/// <summary>The parameters that build a <typeparamref name="T"/>, starting from <paramref name="blank"/> (required values unset).</summary>
public sealed class ParameterSet<T>(string owner, T blank, IReadOnlyList<Param<T>> parameters) : ParameterSet(owner)
{
    public T Blank { get; } = blank;
    public IReadOnlyList<Param<T>> Typed { get; } = parameters;
    public override IReadOnlyList<Param> Parameters => Typed;

    /// <summary>Checks of a whole entry after its keys were read (each problem names the field it is located at).</summary>
    public Func<T, IEnumerable<(string Field, string Message)>>? Check { get; init; }

    /// <summary><see cref="Blank"/> with every default applied: what a file that gives only the required keys builds.
    /// Code that builds specs starts from here, so it gets the same defaults as files.</summary>
    public T Defaults => ReadAbsent(Blank);

    internal T ReadAbsent(T spec)
    {
        var ctx = new ReadContext("(defaults)");
        foreach (var p in Typed) spec = p.Read(spec, null, ctx);
        return spec;
    }

    /// <summary>Reads a mapping's keys, reporting undeclared ones (with a suggestion), duplicates and missing required ones;
    /// then every parameter in declaration order. Also returns the nodes by key, to locate later problems.</summary>
    internal (T Spec, Dictionary<string, YamlNode> Fields) Read(YamlMappingNode map, T spec, ReadContext ctx)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: string key })
            {
                ctx.Error(k, $"keys in {Owner} must be plain names");
                continue;
            }
            if (Find(key) is null) ctx.Error(k, UnknownKey(key));
            else if (!fields.TryAdd(key, v)) ctx.Error(k, $"key '{key}' appears twice in {Owner}");
        }
        foreach (var p in Typed.Where(p => p.Required && !fields.ContainsKey(p.Key)))
            ctx.Error(map, $"{Owner} is missing '{p.Key}' ({p.Help})");
        foreach (var p in Typed) spec = p.Read(spec, fields.GetValueOrDefault(p.Key), ctx);
        if (Check is not null)
            foreach (var (field, message) in Check(spec)) ctx.Error(fields.GetValueOrDefault(field) ?? map, message);
        return (spec, fields);
    }

    internal YamlMap Write(T spec) =>
        new([.. Typed.Select(p => (p.Key, Value: p.Write(spec))).Where(x => x.Value is not null).Select(x => (x.Key, x.Value!))]);
}

/// <summary>Collects located problems and the ids defined so far while one file is read.</summary>
internal sealed class ReadContext(string file)
{
    /// <summary>The scenario file being read (files it names are relative to it).</summary>
    public string File => file;

    private readonly Dictionary<string, Dictionary<string, YamlNode>> _ids = new(StringComparer.Ordinal);

    public List<ScenarioError> Errors { get; } = [];

    public void Error(YamlNode? node, string message) =>
        Errors.Add(new ScenarioError(file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, message));

    public void Define(EntityKind kind, string id, YamlNode node)
    {
        if (!_ids.TryGetValue(kind.Name, out var ids)) _ids[kind.Name] = ids = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (ids.TryGetValue(id, out var first)) Error(node, $"duplicate {kind.Noun} id '{id}' (first defined at line {first.Start.Line})");
        else ids[id] = node;
    }

    public bool Known(EntityKind kind, string id) => _ids.TryGetValue(kind.Name, out var ids) && ids.ContainsKey(id);

    public IEnumerable<string> KnownIds(EntityKind kind) => _ids.TryGetValue(kind.Name, out var ids) ? ids.Keys : [];
}

/// <summary>What the writer emits: scalars, mappings and lists (formatted by <see cref="ScenarioWriter"/>).</summary>
internal abstract record YamlOut;
internal sealed record YamlScalar(string Text) : YamlOut;
internal sealed record YamlMap(IReadOnlyList<(string Key, YamlOut Value)> Entries) : YamlOut;
internal sealed record YamlList(IReadOnlyList<YamlOut> Items) : YamlOut;

/// <summary>Plain YAML scalars where they are safe, double-quoted text otherwise.</summary>
internal static class YamlText
{
    private static readonly Regex Plain = new("^[A-Za-z0-9_][A-Za-z0-9_ .()/+-]*$", RegexOptions.CultureInvariant);

    public static string Quote(string s) =>
        Plain.IsMatch(s) && s == s.Trim() && s is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~")
            ? s
            : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}

/// <summary>
/// A request trace file in the Azure LLM inference layout (<see cref="TraceFile"/>): the path, relative to the scenario
/// file, and the rows it holds. A trace that cannot be read is reported at the key, and each malformed row at its own
/// <c>FILE:LINE:COL</c> (up to <see cref="TraceFile.MaxErrors"/>).
/// </summary>
public sealed class TraceFileParam<T>(string key, string help, Func<T, string?> get, Func<T, string, IReadOnlyList<Model.SupplyChain.TraceRow>, T> set)
    : Param<T>(key, help)
{
    public override string Shape => "path to a CSV (TIMESTAMP,ContextTokens,GeneratedTokens), relative to the scenario file";
    public override string? DefaultText => "no trace";

    internal override T Read(T spec, YamlNode? node, ReadContext ctx)
    {
        if (node is null || Scalar(node, ctx) is not string path) return spec;
        string full = Path.IsPathRooted(path) ? path : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ctx.File)) ?? ".", path);
        try
        {
            var trace = TraceFile.Load(full);
            if (trace.Rows.Count < 2)
            {
                ctx.Error(node, $"trace '{path}' holds {trace.Rows.Count} row: a trace needs at least two");
                return spec;
            }
            return set(spec, path, trace.Rows);
        }
        catch (ScenarioException ex)
        {
            ctx.Error(node, $"trace '{path}' cannot be used: {ex.Errors.Count} problem{(ex.Errors.Count == 1 ? "" : "s")} (listed below)");
            foreach (var e in ex.Errors) ctx.Errors.Add(e.File == full ? e with { File = path } : e);
            return spec;
        }
        catch (IOException ex)
        {
            ctx.Error(node, $"trace '{path}' cannot be read: {ex.Message}");
            return spec;
        }
    }

    internal override YamlOut? Write(T spec) => get(spec) is string v ? new YamlScalar(YamlText.Quote(v)) : null;
}
