using System.Reflection;

namespace GridActors.Cli.Tests;

/// <summary>The layers of DESIGN §3, checked on the compiled assemblies: only Runtime, Persistence and Hosting know Akka, and
/// dependencies point down.</summary>
public class LayerSpecs
{
    private static readonly Dictionary<string, Assembly> Assemblies = new()
    {
        ["GridActors.Kernel"] = typeof(Kernel.SimTime).Assembly,
        ["GridActors.Model"] = typeof(Model.SupplyChain.SupplyChainModel).Assembly,
        ["GridActors.Scenarios"] = typeof(Scenarios.ScenarioLoader).Assembly,
        ["GridActors.Reports"] = typeof(Reports.ReportBuilder).Assembly,
        ["GridActors.Runtime"] = typeof(Runtime.ActorExecutor).Assembly,
        ["GridActors.Persistence"] = typeof(Persistence.Store).Assembly,
        ["GridActors.Hosting"] = typeof(Hosting.EngineInfo).Assembly,
        ["GridActors.WebConsole"] = typeof(WebConsole.ConsoleServer).Assembly,
        ["gridactors"] = typeof(GridActorsApp).Assembly,
    };

    private static string[] References(string assembly) => Assemblies[assembly].GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [Theory]
    [InlineData("GridActors.Kernel")]
    [InlineData("GridActors.Model")]
    [InlineData("GridActors.Scenarios")]
    [InlineData("GridActors.Reports")]
    [InlineData("GridActors.WebConsole")]
    [InlineData("gridactors")]
    public void Layers_below_the_runtime_and_the_command_line_do_not_reference_akka(string assembly)
    {
        var akka = References(assembly).Where(n => n.StartsWith("Akka", StringComparison.Ordinal)).ToArray();
        Assert.True(akka.Length == 0, $"{assembly} references {string.Join(", ", akka)}");
    }

    [Theory]
    [InlineData("GridActors.Kernel", new string[0])]
    [InlineData("GridActors.Model", new[] { "GridActors.Kernel" })]
    [InlineData("GridActors.Scenarios", new[] { "GridActors.Kernel", "GridActors.Model" })]
    [InlineData("GridActors.Reports", new[] { "GridActors.Kernel", "GridActors.Model" })]
    [InlineData("GridActors.Runtime", new[] { "GridActors.Kernel" })]
    [InlineData("GridActors.Persistence", new[] { "GridActors.Kernel", "GridActors.Runtime" })]
    [InlineData("GridActors.WebConsole", new[] { "GridActors.Kernel", "GridActors.Model", "GridActors.Scenarios", "GridActors.Reports", "GridActors.Persistence", "GridActors.Hosting" })]
    public void Dependencies_point_down(string assembly, string[] allowed)
    {
        var ours = References(assembly).Where(n => n.StartsWith("GridActors", StringComparison.Ordinal)).ToArray();
        Assert.All(ours, n => Assert.Contains(n, allowed));
    }

    [Fact]
    public void The_command_line_runs_nothing_itself_it_calls_the_application_layer()
    {
        var refs = References("gridactors");
        Assert.Contains("GridActors.Hosting", refs);
        Assert.DoesNotContain("GridActors.Persistence.Sql", refs);
    }

    [Fact]
    public void The_web_console_is_an_aspnet_core_host_over_the_application_layer_without_the_runtime()
    {
        var refs = References("GridActors.WebConsole");
        Assert.Contains("GridActors.Hosting", refs);
        Assert.Contains("Microsoft.AspNetCore.Http.Results", refs);
        Assert.DoesNotContain("GridActors.Runtime", refs);
    }
}
