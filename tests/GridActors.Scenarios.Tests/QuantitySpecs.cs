using GridActors.Kernel;
using GridActors.Scenarios;

namespace GridActors.Scenarios.Tests;

public class QuantitySpecs
{
    [Theory]
    [InlineData("12 GW", 12_000)]
    [InlineData("2.5 kW", 0.0025)]
    [InlineData("800MW", 800)]
    [InlineData("1e3 MW", 1000)]
    [InlineData("1_000 MW", 1000)]
    public void Power_is_read_in_megawatts(string text, double mw) =>
        Assert.Equal(mw, Quantity.Parse(text, Dimension.Power), 9);

    [Theory]
    [InlineData("3293 km", 3293)]
    [InlineData("150 m", 0.15)]
    public void Length_is_read_in_kilometres(string text, double km) =>
        Assert.Equal(km, Quantity.Parse(text, Dimension.Length), 9);

    [Theory]
    [InlineData("130 ms", 130_000)]
    [InlineData("5 min", 300_000_000)]
    [InlineData("24 h", 86_400_000_000)]
    [InlineData("4.9 µs", 5)]
    [InlineData("1 d", 86_400_000_000)]
    public void Durations_become_integer_microseconds(string text, long micros)
    {
        Assert.True(Quantity.TryParseDuration(text, out var t, out var error), error);
        Assert.Equal(new SimTime(micros), t);
    }

    [Theory]
    [InlineData("5 %", 0.05)]
    [InlineData("0.25", 0.25)]
    public void Fractions_accept_percent_or_a_bare_number(string text, double f) =>
        Assert.Equal(f, Quantity.Parse(text, Dimension.Fraction), 12);

    [Theory]
    [InlineData("12 km", "'km' is not a unit of power in '12 km': use one of W, kW, MW, GW, TW")]
    [InlineData("12", "'12' needs a unit of power: one of W, kW, MW, GW, TW")]
    [InlineData("GW", "'GW' is not a power: expected a number followed by one of W, kW, MW, GW, TW")]
    [InlineData("12 gw", "'gw' is not a unit of power")]
    public void A_wrong_or_missing_unit_is_an_error_that_says_what_is_accepted(string text, string message)
    {
        Assert.False(Quantity.TryParse(text, Dimension.Power, out _, out var error));
        Assert.StartsWith(message, error);
    }
}
