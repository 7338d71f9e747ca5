using GridActors.Scenarios;

namespace GridActors.Scenarios.Tests;

public class ParameterSpecSpecs
{
    private static readonly ParameterSpec Capacity = new("capacity", "Nameplate capacity", Dimension.Power, Required: true, Check: ParameterSpec.Positive);
    private static readonly ParameterSpec LossRate = new("loss_per_1000km", "Losses per 1000 km", Dimension.Fraction, Default: "3 %", Check: ParameterSpec.UnitInterval);

    [Fact]
    public void A_declared_quantity_is_read_with_its_unit_and_checked()
    {
        Assert.True(Capacity.TryRead("8 GW", out var mw, out _));
        Assert.Equal(8000, mw);
        Assert.False(Capacity.TryRead("-8 GW", out _, out var error));
        Assert.Equal("'capacity' must be positive, got '-8 GW'", error);
        Assert.False(Capacity.TryRead("8 km", out _, out error));
        Assert.StartsWith("'capacity': 'km' is not a unit of power", error);
    }

    [Fact]
    public void Missing_values_take_the_default_or_are_reported_when_required()
    {
        Assert.True(LossRate.TryRead(null, out var f, out _));
        Assert.Equal(0.03, f, 12);
        Assert.False(Capacity.TryRead(null, out _, out var error));
        Assert.Equal("'capacity' is required (Nameplate capacity)", error);
    }

    [Fact]
    public void Unknown_keys_get_the_closest_declared_key_as_a_suggestion()
    {
        var set = new ParameterSet("plant 'gansu-jiuquan-wind'", [Capacity, LossRate]);
        Assert.Equal("unknown key 'capacty' in plant 'gansu-jiuquan-wind'; did you mean 'capacity'?", set.UnknownKey("capacty"));
        Assert.Equal("unknown key 'colour' in plant 'gansu-jiuquan-wind'", set.UnknownKey("colour"));
    }

    [Fact]
    public void Each_declaration_documents_itself()
    {
        Assert.Equal("capacity [power] (required): Nameplate capacity", Capacity.Describe());
        Assert.Equal("loss_per_1000km [fraction] = 3 %: Losses per 1000 km", LossRate.Describe());
    }
}
