using GridActors.Hosting.Runs;

namespace GridActors.Cli.Tests;

public class InjectionTimeSpecs
{
    [Theory]
    [InlineData(null, 7_200_000_000)]                 // the safe horizon
    [InlineData("+30min", 9_000_000_000)]             // after the safe horizon
    [InlineData("14h", 50_400_000_000)]               // since the start
    [InlineData("20:00", 72_000_000_000)]             // clock time on the first day
    [InlineData("1.06:30:15", 109_815_000_000)]       // day 1, 06:30:15
    public void At_accepts_relative_absolute_and_clock_times(string? text, long expected)
    {
        Assert.True(Injections.TryParseAt(text, 7_200_000_000, out long at, out var error), error);
        Assert.Equal(expected, at);
    }

    [Theory]
    [InlineData("25:00", "not a clock time")]
    [InlineData("+soon", "--at '+soon'")]
    public void At_refuses_what_it_cannot_read(string text, string message)
    {
        Assert.False(Injections.TryParseAt(text, 0, out _, out var error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void Clock_prints_days_hours_minutes_and_seconds()
    {
        Assert.Equal("02:31:00", Injections.Clock(9_060_000_000));
        Assert.Equal("day 1 06:30:15", Injections.Clock(109_815_000_000));
    }
}
