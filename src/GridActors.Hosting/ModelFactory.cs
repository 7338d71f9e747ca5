using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GridActors.Kernel;
using GridActors.Model.Phold;
using GridActors.Model.SupplyChain;
using GridActors.Runtime.Cluster;
using GridActors.Scenarios;

namespace GridActors.Hosting;

/// <summary>Builds the application's model families on any node of a cluster: scenarios (YAML text, or a path for large
/// files) and PHOLD (JSON parameters). Every node builds the identical model from the same spec.</summary>
public sealed class ModelFactory : IModelFactory
{
    public const string ScenarioKind = "scenario";
    public const string ScenarioFileKind = "scenario-file";
    public const string PholdKind = "phold";

    /// <summary>Scenarios over this size travel as a path (nodes read the file and check its hash) instead of as text.</summary>
    public const int InlineLimit = 8 << 20;

    public static ModelSpec ForScenario(Scenario scenario) => scenario.Text.Length <= InlineLimit
        ? new(ScenarioKind, scenario.Path, scenario.Text, scenario.Hash)
        : new(ScenarioFileKind, Path.GetFullPath(scenario.Path), "", scenario.Hash);

    public static ModelSpec ForPhold(PholdParameters p)
    {
        var text = JsonSerializer.Serialize(p);
        return new ModelSpec(PholdKind, "phold", text, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
    }

    public ISimModel Build(ModelSpec spec) => spec.Kind switch
    {
        ScenarioKind => new SupplyChainModel(ScenarioLoader.Load(spec.Name, spec.Text).Spec),
        ScenarioFileKind => FromFile(spec),
        PholdKind => new PholdModel(JsonSerializer.Deserialize<PholdParameters>(spec.Text) ?? throw new InvalidDataException("empty PHOLD parameters")),
        _ => throw new InvalidDataException($"unknown model kind '{spec.Kind}' (this node runs GridActors {EngineInfo.Version})"),
    };

    private static SupplyChainModel FromFile(ModelSpec spec)
    {
        if (!File.Exists(spec.Name)) throw new FileNotFoundException($"scenario {spec.Name} is not readable on this node (large scenarios are shared by path)");
        var scenario = ScenarioLoader.LoadFile(spec.Name);
        if (scenario.Hash != spec.Hash) throw new InvalidDataException($"scenario {spec.Name} on this node differs from the coordinator's (hash {scenario.Hash[..12]} vs {spec.Hash[..12]})");
        return new SupplyChainModel(scenario.Spec);
    }
}
