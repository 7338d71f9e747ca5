using System.Text.Json.Nodes;

namespace GridActors.Reports.Tests;

/// <summary>Renders the three kinds of page in a real headless Chromium (over the DevTools protocol) and checks they
/// load without console errors, uncaught exceptions or network requests, and that every chart is laid out with a
/// non-empty box and drawn marks. Fails (never skips) when /usr/bin/chromium is missing.</summary>
public sealed class BrowserSpecs : IDisposable
{
    private readonly RunFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Pages_render_in_chromium_without_errors_and_with_every_chart_drawn()
    {
        var a = _fx.Run("a");
        var b = _fx.Run("b", faults: false, costs: new RunFixture.Costs(0.9, 0.4, 0.4, 0.1));
        var run = ReportBuilder.WriteRunReport(a);
        var cmp = ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "compare.html"));
        var sweep = ReportBuilder.WriteSweepReport(_fx.Sweep(), a);

        await using var chromium = await Chromium.LaunchAsync();
        await Check(chromium, run, ReportSpecs.RunCharts, failedOnMap: true);
        await Check(chromium, cmp, ReportSpecs.ComparisonCharts, failedOnMap: false);
        var s = await Check(chromium, sweep, [.. ReportSpecs.RunCharts, "sweep-impact"], failedOnMap: true);
        Assert.Equal(8 + 4, s["heatCells"]!.GetValue<int>()); // 4 rows × (label + 2 regions)
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_chromium_fails_with_the_install_hint()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Chromium.LaunchAsync(Path.Combine(_fx.Root, "no-chromium")));
        Assert.Contains("scripts/chromium.sh", ex.Message);
    }

    private static async Task<JsonObject> Check(Chromium chromium, string file, IReadOnlyList<string> expected, bool failedOnMap)
    {
        var url = new Uri(file).AbsoluteUri;
        var r = await chromium.LoadAsync(url, Chromium.ChartsProbe);
        Assert.True(!r.Problems.Any(), $"{file}:\n" + string.Join("\n", r.Problems));
        var foreign = r.Requests.Where(u => !u.StartsWith("file://", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(foreign.Count == 0, $"{file} made network requests: {string.Join(", ", foreign)}");
        var value = Assert.IsType<JsonObject>(r.Value);
        var charts = value["charts"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var names = charts.Select(c => c["name"]!.GetValue<string>()).ToList();
        Assert.Equal(expected.Order(), names.Order());
        foreach (var c in charts)
        {
            var name = c["name"]!.GetValue<string>();
            Assert.True(c["width"]!.GetValue<double>() > 200 && c["height"]!.GetValue<double>() > 100, $"{name} is laid out at {c["width"]}×{c["height"]}");
            Assert.False(c["nodata"]!.GetValue<bool>(), $"{name} says it has no data");
            Assert.True(c["marks"]!.GetValue<int>() >= 3, $"{name} has {c["marks"]} drawn marks");
            Assert.True(c["texts"]!.GetValue<int>() >= 2, $"{name} has no axis or legend text");
            Assert.True(c["inFigure"]!.GetValue<bool>() && c["caption"]!.GetValue<int>() > 10, $"{name} has no figure caption");
        }
        Assert.Equal(failedOnMap, value["failedOnMap"]!.GetValue<int>() > 0);
        return value;
    }
}
