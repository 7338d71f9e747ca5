using System.Text.RegularExpressions;

namespace GridActors.Reports.Tests;

/// <summary>Looks inside generated pages without a browser.</summary>
internal static partial class Page
{
    public static IReadOnlyList<string> ChartNames(string html) => ChartNameRegex().Matches(html).Select(m => m.Groups[1].Value).ToList();

    public static string Chart(string html, string name)
    {
        var m = Regex.Match(html, $"<svg\\b[^>]*data-chart=\"{Regex.Escape(name)}\"[^>]*>.*?</svg>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no <svg data-chart=\"{name}\"> in the page");
        return m.Value;
    }

    /// <summary>Drawn marks: paths, polygons, circles, filled rects and polylines of at least three points.</summary>
    public static int Marks(string svg) =>
        PolylineRegex().Matches(svg).Count(m => m.Groups[1].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3)
        + Regex.Matches(svg, "<(polygon|path|circle)\\b").Count
        + RectRegex().Matches(svg).Count(m => !m.Value.Contains("fill:none") && !m.Value.Contains("fill=\"none\""));

    /// <summary>The most points in any one polyline or polygon (a data series).</summary>
    public static int LongestSeries(string svg) =>
        PointsRegex().Matches(svg).Select(m => m.Groups[1].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length).DefaultIfEmpty(0).Max();

    /// <summary>Every src=, href=, url( and @import that would reach the network (absolute http(s) or protocol-relative).</summary>
    public static IReadOnlyList<string> NetworkReferences(string html) =>
        NetRegex().Matches(html).Select(m => m.Value).ToList();

    /// <summary>The section with <paramref name="id"/>.</summary>
    public static string Section(string html, string id)
    {
        var m = Regex.Match(html, $"<section id=\"{Regex.Escape(id)}\">.*?</section>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no <section id=\"{id}\"> in the page");
        return m.Value;
    }

    /// <summary>The body rows of the table marked <c>data-table="NAME"</c>, each as its cells' inner HTML.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TableRows(string html, string name)
    {
        var table = Regex.Match(html, $"<table\\b[^>]*data-table=\"{Regex.Escape(name)}\"[^>]*>.*?</table>", RegexOptions.Singleline);
        Assert.True(table.Success, $"no <table data-table=\"{name}\"> in the page");
        var body = table.Value[table.Value.IndexOf("<tbody>", StringComparison.Ordinal)..];
        return [.. Regex.Matches(body, "<tr>(.*?)</tr>", RegexOptions.Singleline)
            .Select(r => (IReadOnlyList<string>)[.. Regex.Matches(r.Groups[1].Value, "<td[^>]*>(.*?)</td>", RegexOptions.Singleline).Select(c => c.Groups[1].Value)])];
    }

    [GeneratedRegex("<svg\\b[^>]*\\bdata-chart=\"([^\"]+)\"")]
    private static partial Regex ChartNameRegex();

    [GeneratedRegex("<polyline\\b[^>]*\\bpoints=\"([^\"]*)\"")]
    private static partial Regex PolylineRegex();

    [GeneratedRegex("<(?:polyline|polygon)\\b[^>]*\\bpoints=\"([^\"]*)\"")]
    private static partial Regex PointsRegex();

    [GeneratedRegex("<rect\\b[^>]*>")]
    private static partial Regex RectRegex();

    [GeneratedRegex("(?:\\b(?:src|href|srcset|action|poster|data)\\s*=\\s*[\"']?\\s*(?:(?:https?|ftp|wss?):)?//|url\\(\\s*[\"']?\\s*(?:(?:https?|ftp):)?//|@import|<script\\b[^>]*\\bsrc\\b|<link\\b[^>]*rel=\"stylesheet\"|<iframe\\b|<img\\b[^>]*\\bsrc=\"(?!data:))", RegexOptions.IgnoreCase)]
    private static partial Regex NetRegex();
}
