using System.Text.Json.Nodes;

namespace GridActors.Reports.Tests;

/// <summary>Renders the three kinds of page in a real headless Chromium (over the DevTools protocol) and checks they
/// load without console errors, uncaught exceptions or network requests, and that every chart is laid out with a
/// non-empty box and drawn marks. The fixture installs /usr/bin/chromium when it is missing and fails the tests (never
/// skips them) when it cannot.</summary>
public sealed class BrowserSpecs(ChromiumFixture browser) : IClassFixture<ChromiumFixture>, IDisposable
{
    private readonly RunFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    // A hang guard, not an expected duration: every browser operation has its own bound (Chromium.Timeout).
    [Fact(Timeout = 300_000)]
    public async Task Pages_render_in_chromium_without_errors_and_with_every_chart_drawn()
    {
        var a = _fx.Run("a");
        var b = _fx.Run("b", faults: false, costs: new RunFixture.Costs(0.9, 0.4, 0.4, 0.1));
        var run = ReportBuilder.WriteRunReport(a);
        var cmp = ReportBuilder.WriteComparison(a, b, Path.Combine(_fx.Root, "compare.html"));
        var sweep = ReportBuilder.WriteSweepReport(_fx.Sweep(), a);

        await using var chromium = await Chromium.LaunchAsync(browser.Path);
        var r = await Check(chromium, run, ReportSpecs.RunCharts, failedOnMap: true);
        // The calibration table is laid out, one visible row per target, misses in the "bad" colour.
        Assert.Equal(3, r["calibrationRows"]!.GetValue<int>());
        Assert.Equal(2, r["calibrationMisses"]!.GetValue<int>());
        await Check(chromium, cmp, ReportSpecs.ComparisonCharts, failedOnMap: false);
        var s = await Check(chromium, sweep, [.. ReportSpecs.RunCharts, "sweep-impact"], failedOnMap: true);
        Assert.Equal(8 + 4, s["heatCells"]!.GetValue<int>()); // 4 rows × (label + 2 regions)
    }

    [Fact]
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

/// <summary>The install logic of the browser fixture, with a stand-in script and binary (the system's chromium is
/// neither needed nor touched).</summary>
public sealed class ChromiumInstallerSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gridactors-chromium-install-").FullName;
    private string Binary => Path.Combine(_dir, "bin", "chromium");
    private string Runs => Path.Combine(_dir, "runs.txt");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>A stand-in install script: counts its runs in runs.txt, then does <paramref name="body"/>.</summary>
    private string Script(string body)
    {
        var path = Path.Combine(_dir, "install.sh");
        File.WriteAllText(path, $"set -e\necho run >> '{Runs}'\n{body}\n");
        return path;
    }

    private int ScriptRunsOnDisk => File.Exists(Runs) ? File.ReadAllLines(Runs).Length : 0;

    [Fact]
    public void A_browser_that_is_there_is_used_without_running_the_script()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Binary)!);
        File.WriteAllText(Binary, "");
        var installer = new ChromiumInstaller(Binary, Script("exit 1"));
        Assert.Equal(Binary, installer.Ensure());
        Assert.Equal(0, installer.ScriptRuns);
        Assert.Equal(0, ScriptRunsOnDisk);
    }

    [Fact]
    public async Task A_missing_browser_is_installed_by_the_script_once_however_many_fixtures_ask_at_once()
    {
        var installer = new ChromiumInstaller(Binary, Script($"mkdir -p '{Path.GetDirectoryName(Binary)}'\ntouch '{Binary}'"));
        Assert.False(File.Exists(Binary));
        var paths = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(installer.Ensure)));
        Assert.All(paths, p => Assert.Equal(Binary, p));
        Assert.True(File.Exists(Binary));
        Assert.Equal(1, installer.ScriptRuns);
        Assert.Equal(1, ScriptRunsOnDisk);
    }

    [Fact]
    public void A_failed_install_fails_every_test_with_the_scripts_message_without_trying_again()
    {
        var script = Script("echo 'could not install chromium with apt-get:' >&2\necho 'E: Unable to locate package chromium' >&2\nexit 1");
        var installer = new ChromiumInstaller(Binary, script);
        var first = Assert.Throws<InvalidOperationException>(installer.Ensure);
        Assert.Contains(Binary + " is missing", first.Message);
        Assert.Contains(script, first.Message);
        Assert.Contains("exit 1", first.Message);
        Assert.Contains("E: Unable to locate package chromium", first.Message);
        var second = Assert.Throws<InvalidOperationException>(installer.Ensure);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(1, ScriptRunsOnDisk);
    }

    [Fact]
    public void A_script_that_succeeds_without_installing_the_browser_is_a_failure()
    {
        var installer = new ChromiumInstaller(Binary, Script("echo 'nothing to do'"));
        var ex = Assert.Throws<InvalidOperationException>(installer.Ensure);
        Assert.Contains("succeeded but " + Binary + " is still missing", ex.Message);
    }

    [Fact]
    public void Without_an_install_script_the_failure_says_what_was_looked_for()
    {
        var ex = Assert.Throws<InvalidOperationException>(new ChromiumInstaller(Binary, null).Ensure);
        Assert.Contains(Binary + " is missing", ex.Message);
        Assert.Contains("scripts/chromium.sh", ex.Message);
    }

    [Fact]
    public void The_default_installer_uses_the_repositorys_script_found_from_the_test_assembly_folder()
    {
        var installer = ChromiumInstaller.Default;
        Assert.Equal(Chromium.DefaultPath, installer.Binary);
        Assert.NotNull(installer.Script);
        Assert.True(File.Exists(installer.Script));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(installer.Script)!, "..", "GridActors.sln")), "the script found is the repository's");
        Assert.Null(ChromiumInstaller.FindScript(_dir));
    }
}
