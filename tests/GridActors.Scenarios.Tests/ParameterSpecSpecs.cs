using GridActors.Model.SupplyChain;
using GridActors.Scenarios;

namespace GridActors.Scenarios.Tests;

public class ParameterSpecSpecs
{
    private static readonly Number<LinkSpec> Capacity = ScenarioSchema.Link.Typed.OfType<Number<LinkSpec>>().Single(p => p.Key == "capacity");
    private static readonly Number<LinkSpec> LossRate = ScenarioSchema.Link.Typed.OfType<Number<LinkSpec>>().Single(p => p.Key == "loss_per_1000km");

    [Fact]
    public void A_declared_quantity_is_read_with_its_unit_and_checked_against_its_bounds()
    {
        Assert.True(Capacity.TryParse("8 GW", out var mw, out _));
        Assert.Equal(8000, mw);
        Assert.False(Capacity.TryParse("-8 GW", out _, out var error));
        Assert.Equal("'capacity' must be positive, got '-8 GW'", error);
        Assert.False(Capacity.TryParse("200 GW", out _, out error));
        Assert.Equal("'capacity' must be at most 100000 MW, got '200 GW'", error);
        Assert.False(Capacity.TryParse("8 km", out _, out error));
        Assert.StartsWith("'capacity': 'km' is not a unit of power", error);
    }

    [Fact]
    public void A_value_written_in_the_declared_unit_reads_back_exactly()
    {
        foreach (var v in new[] { 0.1, 1.2, 1234.5678901234, 1e-7, 99_999.99999 })
        {
            Assert.True(Capacity.TryParse(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + " MW", out var back, out var error), error);
            Assert.Equal(v, back);
        }
    }

    [Fact]
    public void Missing_values_take_the_default()
    {
        Assert.True(LossRate.TryParse(null, out var f, out _));
        Assert.Equal(0.03, f!.Value, 12);
        Assert.Equal(0.03, ScenarioSchema.Link.Defaults.LossPer1000Km);
    }

    [Fact]
    public void Unknown_keys_get_the_closest_declared_key_as_a_suggestion()
    {
        Assert.Equal("unknown key 'capacty' in a plant; did you mean 'capacity'?", ScenarioSchema.Plant.UnknownKey("capacty"));
        Assert.Equal("unknown key 'colour' in a plant", ScenarioSchema.Plant.UnknownKey("colour"));
    }

    [Fact]
    public void Each_declaration_documents_itself()
    {
        Assert.Equal("capacity [power in MW] (required), (0, 100000] MW: transfer capacity", Capacity.Describe());
        Assert.Equal("loss_per_1000km [fraction] = 0.03, [0, 1]: losses per 1000 km", LossRate.Describe());
    }
}
