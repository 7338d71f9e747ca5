using System.Globalization;
using GridActors.Kernel;

namespace GridActors.Model.SupplyChain;

/// <summary>A problem with a fault: the field it is about (one of <see cref="FaultFields"/>) and what is wrong.</summary>
public sealed record FaultProblem(string Field, string Message);

/// <summary>The fields of a fault by the name scenario files give them (the schema declares its fault keys with these).</summary>
public static class FaultFields
{
    public const string Kind = "kind", Target = "target", Start = "start", Duration = "duration", Fraction = "fraction", Multiplier = "multiplier", Ramp = "ramp";
}

/// <summary>
/// The rules every fault obeys, wherever it comes from: a scenario file, <c>run --outage KIND:TARGET</c> or
/// <c>gridactors inject</c>. They live here only, so the three cannot disagree; callers add where a message points
/// (FILE:LINE:COL for files).
/// </summary>
public static class FaultRules
{
    /// <summary>Share of the target that fails when none is given (all of it).</summary>
    public const double DefaultFraction = 1.0;

    /// <summary>Demand multiplier when none is given (1 = no change; a demand-spike must give another).</summary>
    public const double DefaultMultiplier = 1.0;

    /// <summary>Largest demand multiplier: bounds arrival rates, so that a spike cannot make a run overflow.</summary>
    public const double MaxMultiplier = 100;

    /// <summary>Longest duration or ramp and latest start of a fault: 3,650 days (the longest horizon a scenario may have).</summary>
    public const long MaxMicros = 3650L * 24 * SimTime.MicrosPerHour;

    /// <summary>The bounds above as documentation writes them.</summary>
    public const string FractionBounds = "(0, 1]", MultiplierBounds = "(0, 100], not 1 for a demand-spike", TimeBounds = "[0, 3650 d]";

    /// <summary>A validator for faults on <paramref name="topology"/> in a run that ends at <paramref name="horizonMicros"/>.</summary>
    public static FaultValidator For(SupplyChainSpec topology, long horizonMicros) => new(topology, horizonMicros);
}

/// <summary>Checks faults against one topology and horizon (<see cref="FaultRules"/>); builds its id sets once and is
/// safe to share between threads.</summary>
public sealed class FaultValidator(SupplyChainSpec topology, long horizonMicros)
{
    private readonly Dictionary<string, HashSet<string>> _ids = FaultKinds.Infos.Select(i => i.Target).DistinctBy(k => k.Name)
        .ToDictionary(k => k.Name, k => new HashSet<string>(k.Ids(topology), StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Every problem of <paramref name="f"/> (empty if it can be applied).</summary>
    public IReadOnlyList<FaultProblem> Check(FaultSpec f)
    {
        var problems = new List<FaultProblem>();
        void Problem(string field, string message) => problems.Add(new FaultProblem(field, message));
        string N(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

        if (!FaultKinds.TryParse(f.Kind, out var info))
            Problem(FaultFields.Kind, $"unknown fault kind '{f.Kind}' (expected {string.Join(", ", FaultKinds.All)})");
        else if (!(info.TargetsAll && f.Target == "all") && !Ids(info.Target).Contains(f.Target))
        {
            var known = info.Target.Ids(topology).Concat(info.TargetsAll ? ["all"] : Array.Empty<string>()).ToList();
            Problem(FaultFields.Target, $"{f.Kind}: no {info.Target.Noun} named '{f.Target}' in scenario {topology.Name} " +
                $"(known: {string.Join(", ", known.Take(12))}{(known.Count > 12 ? $", … {known.Count} in all" : "")})");
        }
        if (f.StartMicros < 0) Problem(FaultFields.Start, $"'{FaultFields.Start}' must not be negative, got {N(SimTime.ToHours(f.StartMicros))} h");
        else if (f.StartMicros >= horizonMicros)
            Problem(FaultFields.Start, $"fault starts at {SimTime.ToHours(f.StartMicros):0.##} h, outside the horizon of {SimTime.ToHours(horizonMicros):0.##} h");
        CheckTime(FaultFields.Duration, f.DurationMicros);
        CheckTime(FaultFields.Ramp, f.RampMicros);
        if (!(f.Fraction > 0 && f.Fraction <= 1))
            Problem(FaultFields.Fraction, $"'{FaultFields.Fraction}' must be within {FaultRules.FractionBounds}, got {N(f.Fraction)}");
        if (!(f.Multiplier > 0 && f.Multiplier <= FaultRules.MaxMultiplier))
            Problem(FaultFields.Multiplier, $"'{FaultFields.Multiplier}' must be within (0, {N(FaultRules.MaxMultiplier)}], got {N(f.Multiplier)}");
        else if (info?.Kind == FaultKind.DemandSpike && f.Multiplier == 1)
            Problem(FaultFields.Multiplier, $"a {FaultKinds.DemandSpike.Name} needs a '{FaultFields.Multiplier}' other than 1 (e.g. 3)");
        return problems;

        void CheckTime(string field, long micros)
        {
            if (micros < 0) Problem(field, $"'{field}' must not be negative");
            else if (micros > FaultRules.MaxMicros) Problem(field, $"'{field}' must be at most {FaultRules.MaxMicros / SimTime.MicrosPerHour / 24} d");
        }
    }

    /// <summary>The first problem's message, or null if <paramref name="f"/> can be applied.</summary>
    public string? FirstProblem(FaultSpec f) => Check(f) is [var first, ..] ? first.Message : null;

    private HashSet<string> Ids(EntityKind kind) => _ids[kind.Name];
}
