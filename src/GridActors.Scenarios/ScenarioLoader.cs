using System.Security.Cryptography;
using GridActors.Model.SupplyChain;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GridActors.Scenarios;

/// <summary>A problem in a scenario file, located as <c>FILE:LINE:COL</c>.</summary>
public sealed record ScenarioError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A loaded, validated scenario.</summary>
public sealed record Scenario(string Path, string Hash, SupplyChainSpec Spec, long HorizonMicros, ulong Seed, int LineCount)
{
    /// <summary>The YAML text the scenario was loaded from (nodes of a cluster rebuild the model from it).</summary>
    public string Text { get; init; } = "";

    public string Counts =>
        $"{Spec.Plants.Count} plants, {Spec.Regions.Count} regions, {Spec.Links.Count} links, {Spec.Hubs.Count} hubs, " +
        $"{Spec.Cables.Count} cables, {(Spec.LandingStations.Count + Spec.Segments.Count > 0 ? $"{Spec.LandingStations.Count} landing stations, {Spec.Segments.Count} segments, " : "")}{Spec.Users.Count} user regions, {Spec.Faults.Count} faults" +
        (Spec.Storage.Count > 0 ? $", {Spec.Storage.Count} storages" : "");
}

/// <summary>Thrown when a scenario file is invalid; carries every error found.</summary>
public sealed class ScenarioException(IReadOnlyList<ScenarioError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;
}

/// <summary>
/// Reads scenario YAML into a <see cref="SupplyChainSpec"/> through the declarations of <see cref="ScenarioSchema"/>
/// (key, help, default, unit, bounds, the spec property each sets): this class spells no key. Errors name the file,
/// line and column: malformed YAML, unknown keys (with a suggestion), missing fields, wrong types or units, values out
/// of bounds, duplicate ids, unknown references, and faults that break <see cref="FaultRules"/>.
/// </summary>
public static class ScenarioLoader
{
    public static Scenario LoadFile(string path)
    {
        if (!File.Exists(path)) throw new ScenarioException([new ScenarioError(path, 0, 0, "file not found")]);
        return Load(path, File.ReadAllText(path));
    }

    public static Scenario Load(string file, string text)
    {
        var ctx = new ReadContext(file);
        var settings = Parse(file, text, ctx);
        if (ctx.Errors.Count > 0 || settings is null) throw new ScenarioException(ctx.Errors);
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
        return new Scenario(file, hash, settings.Spec, settings.HorizonMicros, settings.Seed, text.Split('\n').Length) { Text = text };
    }

    private static ScenarioSettings? Parse(string file, string text, ReadContext ctx)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            ctx.Errors.Add(new ScenarioError(file, (int)ex.Start.Line, (int)ex.Start.Column, "malformed YAML: " + (ex.InnerException?.Message ?? ex.Message)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way when the file ends inside a flow collection.
            int lines = text.TrimEnd('\n').Split('\n').Length;
            ctx.Errors.Add(new ScenarioError(file, lines, 1, "malformed YAML: the file ends inside a '{…}' or '[…]' that is never closed"));
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            ctx.Error(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode,
                "a scenario must be a mapping with the sections " + string.Join(", ", ScenarioSchema.Root.Parameters.Select(p => p.Key)));
            return null;
        }
        return ScenarioSchema.Root.Read(root, ScenarioSchema.Root.Blank, ctx).Spec;
    }
}
