using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace GridActors.Reports;

/// <summary>A line or a stacked-area layer to draw, with an optional fixed colour.</summary>
internal sealed record Trace(Series Data, string? Color = null, double Thickness = 1.6, bool Dashed = false);

/// <summary>A set of bars: one value per category.</summary>
internal sealed record BarSet(string Name, IReadOnlyList<double> Values, string Color);

/// <summary>Builds the report's charts as OxyPlot models and exports them to inline SVG strings: each an
/// <c>&lt;svg class="chart" data-chart="NAME"&gt;</c> with a viewBox, unique clip-path ids, and a "no data" note
/// instead of axes when there is nothing to draw.</summary>
internal static partial class Charts
{
    public const double Width = 920;
    public const double Height = 330;
    private const string Font = "Arial";

    /// <summary>Tableau 10: distinguishable, colour-blind friendly enough.</summary>
    public static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f3b57", "#8c6d31"];

    public static readonly IReadOnlyDictionary<string, string> TypeColors = new Dictionary<string, string>
    {
        ["solar"] = "#f2b01e", ["wind"] = "#4fa3d1", ["hydro"] = "#1f5fa8", ["coal"] = "#5b5b5b",
        ["nuclear"] = "#9b59b6", ["gas"] = "#e67e22", ["other"] = "#95a5a6",
    };

    public static string TypeColor(string type) => TypeColors.TryGetValue(type, out var c) ? c : TypeColors["other"];

    public static string PaletteColor(int i) => Palette[i % Palette.Length];

    public static OxyColor Color(string hex, byte alpha = 255)
    {
        var c = OxyColor.Parse(hex);
        return OxyColor.FromAColor(alpha, c);
    }

    private static PlotModel NewModel() => new()
    {
        DefaultFont = Font,
        DefaultFontSize = 12,
        TextColor = OxyColor.Parse("#333333"),
        PlotAreaBorderColor = OxyColor.Parse("#bbbbbb"),
        PlotAreaBorderThickness = new OxyThickness(1),
        Padding = new OxyThickness(6, 10, 10, 6),
        TitleFontSize = 14,
    };

    private static void AddLegend(PlotModel m, int items, bool inside = false)
    {
        if (items < 1) return;
        m.IsLegendVisible = true;
        m.Legends.Add(new Legend
        {
            LegendPlacement = inside ? LegendPlacement.Inside : LegendPlacement.Outside,
            LegendPosition = inside ? LegendPosition.TopLeft : LegendPosition.RightTop,
            LegendOrientation = LegendOrientation.Vertical,
            LegendFontSize = 11,
            LegendBackground = inside ? OxyColor.FromAColor(220, OxyColors.White) : OxyColors.Undefined,
            LegendBorder = inside ? OxyColor.Parse("#cccccc") : OxyColors.Undefined,
            LegendItemSpacing = 8,
            LegendSymbolLength = 18,
            LegendMaxWidth = 200,
        });
    }

    /// <summary>Compact number: 1.2M, 350k, 0.25.</summary>
    public static string Si(double v)
    {
        var a = Math.Abs(v);
        string F(double x, string suffix) => x.ToString(Math.Abs(x) >= 100 ? "0" : Math.Abs(x) >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture) + suffix;
        if (a >= 1e12) return F(v / 1e12, "T");
        if (a >= 1e9) return F(v / 1e9, "G");
        if (a >= 1e6) return F(v / 1e6, "M");
        if (a >= 1e4) return F(v / 1e3, "k");
        return v.ToString(a >= 100 ? "0" : a >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture);
    }

    public static string Pct(double v) => (v * 100).ToString(Math.Abs(v) >= 0.1 ? "0" : "0.#", CultureInfo.InvariantCulture) + "%";

    private static LinearAxis TimeAxis(double horizon) => new()
    {
        Position = AxisPosition.Bottom,
        Title = "simulated hours",
        Minimum = 0,
        Maximum = horizon,
        MajorGridlineStyle = LineStyle.Solid,
        MajorGridlineColor = OxyColor.Parse("#eeeeee"),
        TickStyle = TickStyle.Outside,
        AxislineColor = OxyColor.Parse("#888888"),
        MajorStep = NiceHourStep(horizon),
        MinorStep = NiceHourStep(horizon) / 2,
        LabelFormatter = v => v.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static double NiceHourStep(double horizon)
    {
        foreach (var s in new[] { 0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720 })
            if (horizon / s <= 14) return s;
        return Math.Ceiling(horizon / 14 / 720) * 720;
    }

    private static LinearAxis ValueAxis(string title, bool percent, double? max = null, AxisPosition pos = AxisPosition.Left) => new()
    {
        Position = pos,
        Title = title,
        Minimum = 0,
        Maximum = max ?? double.NaN,
        MinimumPadding = 0,
        MaximumPadding = 0.06,
        MajorGridlineStyle = LineStyle.Solid,
        MajorGridlineColor = OxyColor.Parse("#eeeeee"),
        TickStyle = TickStyle.Outside,
        AxislineColor = OxyColor.Parse("#888888"),
        LabelFormatter = percent ? Pct : Si,
        AxisTitleDistance = 10,
    };

    /// <summary>A time chart: stacked areas (bottom first), then lines; fault bands shaded and labelled; an optional
    /// horizontal reference line.</summary>
    public static string Time(string name, string title, string yTitle, IReadOnlyList<Trace> lines, IReadOnlyList<FaultSpan> faults,
        double horizon, IReadOnlyList<Trace>? stacked = null, bool percent = false, (double Y, string Label)? reference = null, double? yMax = null,
        IReadOnlyList<Trace>? right = null, string? rightTitle = null)
    {
        stacked ??= [];
        right ??= [];
        var any = lines.Any(l => l.Data.Points.Count > 0) || stacked.Any(s => s.Data.Points.Count > 0) || right.Any(s => s.Data.Points.Count > 0);
        if (!any) return NoData(name, title);
        var m = NewModel();
        m.Axes.Add(TimeAxis(horizon));
        m.Axes.Add(ValueAxis(yTitle, percent, yMax));
        if (right.Count > 0)
        {
            var ax = ValueAxis(rightTitle ?? "", false, pos: AxisPosition.Right);
            ax.Key = "right";
            ax.MajorGridlineStyle = LineStyle.None;
            ax.TitleColor = Color(right[0].Color ?? "#333333");
            ax.TextColor = ax.TitleColor;
            // Never let a flat zero series collapse the axis.
            if (right.All(r => r.Data.Points.All(p => p.Y == 0))) ax.Maximum = 1;
            m.Axes.Add(ax);
        }
        AddBands(m, faults, horizon);
        var baseLine = new SortedDictionary<double, double>();
        var i = 0;
        foreach (var s in stacked)
        {
            var color = Color(s.Color ?? PaletteColor(i++));
            var area = new AreaSeries
            {
                Title = s.Data.Name, Color = color, Fill = OxyColor.FromAColor(210, color), StrokeThickness = 0.8,
                Color2 = OxyColors.Transparent,
            };
            var top = new SortedDictionary<double, double>();
            foreach (var (x, y) in s.Data.Points)
            {
                var b = BaseAt(baseLine, x);
                area.Points.Add(new DataPoint(x, b + y));
                area.Points2.Add(new DataPoint(x, b));
                top[x] = b + y;
            }
            foreach (var (x, y) in top) baseLine[x] = y;
            m.Series.Add(area);
        }
        foreach (var l in lines)
        {
            var color = Color(l.Color ?? PaletteColor(i++));
            var ls = new LineSeries
            {
                Title = l.Data.Name, Color = color, StrokeThickness = l.Thickness, LineStyle = l.Dashed ? LineStyle.Dash : LineStyle.Solid,
                LineJoin = LineJoin.Round,
            };
            foreach (var (x, y) in l.Data.Points) ls.Points.Add(new DataPoint(x, y));
            m.Series.Add(ls);
        }
        foreach (var l in right)
        {
            var ls = new LineSeries
            {
                Title = l.Data.Name, Color = Color(l.Color ?? PaletteColor(i++)), StrokeThickness = l.Thickness, LineStyle = l.Dashed ? LineStyle.Dash : LineStyle.Solid,
                LineJoin = LineJoin.Round, YAxisKey = "right",
            };
            foreach (var (x, y) in l.Data.Points) ls.Points.Add(new DataPoint(x, y));
            m.Series.Add(ls);
        }
        if (reference is { } r)
            m.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Horizontal, Y = r.Y, Color = OxyColor.Parse("#222222"), LineStyle = LineStyle.Dot, StrokeThickness = 1.2,
                Text = r.Label, TextColor = OxyColor.Parse("#222222"), TextHorizontalAlignment = HorizontalAlignment.Right, TextLinePosition = 1,
                Layer = AnnotationLayer.AboveSeries,
            });
        AddLegend(m, m.Series.Count);
        return Export(m, name, title, Width, Height);
    }

    /// <summary>The value of the stack below x: the previous layer's value at the nearest x at or before it.</summary>
    private static double BaseAt(SortedDictionary<double, double> baseLine, double x)
    {
        if (baseLine.Count == 0) return 0;
        if (baseLine.TryGetValue(x, out var exact)) return exact;
        double best = 0, bestD = double.MaxValue;
        foreach (var (bx, by) in baseLine)
        {
            var d = Math.Abs(bx - x);
            if (d < bestD) { best = by; bestD = d; }
            if (bx > x) break;
        }
        return best;
    }

    private static void AddBands(PlotModel m, IReadOnlyList<FaultSpan> faults, double horizon)
    {
        foreach (var f in faults)
        {
            var end = Math.Min(f.End ?? horizon, horizon);
            var begin = Math.Max(0, f.Begin);
            m.Annotations.Add(new RectangleAnnotation
            {
                MinimumX = begin, MaximumX = Math.Max(end, begin + horizon / 400), Fill = OxyColor.FromAColor(34, OxyColor.Parse("#d62728")),
                Layer = AnnotationLayer.BelowSeries, StrokeThickness = 0,
            });
            m.Annotations.Add(new LineAnnotation
            {
                Type = LineAnnotationType.Vertical, X = begin, Color = OxyColor.Parse("#c0392b"), LineStyle = LineStyle.Dash, StrokeThickness = 1,
                Text = f.Label + (f.End is null ? " (no end)" : ""), TextColor = OxyColor.Parse("#a93226"), FontSize = 10,
                TextOrientation = AnnotationTextOrientation.AlongLine, TextLinePosition = 1, TextHorizontalAlignment = HorizontalAlignment.Right,
                TextVerticalAlignment = VerticalAlignment.Top, Layer = AnnotationLayer.AboveSeries,
            });
        }
    }

    /// <summary>Bars per category; several sets are grouped side by side, or stacked when <paramref name="stacked"/>.</summary>
    public static string Bars(string name, string title, string valueTitle, IReadOnlyList<string> categories, IReadOnlyList<BarSet> sets,
        bool stacked = false, bool horizontal = false, bool labels = false, string? labelFormat = null, double height = Height, double width = Width)
    {
        if (categories.Count == 0 || sets.All(s => s.Values.All(v => !(Math.Abs(v) > 0)))) return NoData(name, title);
        var m = NewModel();
        var cat = new CategoryAxis
        {
            Key = "category",
            Position = horizontal ? AxisPosition.Left : AxisPosition.Bottom,
            GapWidth = 0.35,
            TickStyle = TickStyle.None,
            AxislineColor = OxyColor.Parse("#888888"),
            Angle = !horizontal && categories.Count > 6 ? -30 : 0,
            StartPosition = horizontal ? 1 : 0,
            EndPosition = horizontal ? 0 : 1,
        };
        cat.Labels.AddRange(categories);
        m.Axes.Add(cat);
        var val = ValueAxis(valueTitle, false, pos: horizontal ? AxisPosition.Bottom : AxisPosition.Left);
        val.Key = "value";
        if (sets.Any(s => s.Values.Any(v => v < 0))) val.Minimum = double.NaN;
        m.Axes.Add(val);
        foreach (var s in sets)
        {
            var bs = new BarSeries
            {
                Title = s.Name, FillColor = Color(s.Color), StrokeThickness = 0, IsStacked = stacked, XAxisKey = "value", YAxisKey = "category",
                LabelFormatString = labels ? labelFormat ?? "{0:0.###}" : null, LabelPlacement = stacked ? LabelPlacement.Middle : LabelPlacement.Outside,
                FontSize = 10, TextColor = OxyColor.Parse("#222222"),
            };
            foreach (var v in s.Values) bs.Items.Add(new BarItem(double.IsFinite(v) ? v : 0));
            m.Series.Add(bs);
        }
        if (sets.Count > 1) AddLegend(m, sets.Count);
        return Export(m, name, title, width, height);
    }

    /// <summary>A multiplicative waterfall on a linear scale: the start bar from 0 to <paramref name="start"/>, then one floating bar
    /// per step from the running value before it to the value after it (the running value is start × the product of the factors so
    /// far; red when the step raises it, green when it lowers it), then the end bar from 0 to <paramref name="end"/>. Each step's
    /// category label carries its factor (×1.23).</summary>
    public static string Waterfall(string name, string title, string valueTitle, (string Label, double Value, string Color) start,
        IReadOnlyList<(string Label, double Factor)> steps, (string Label, double Value, string Color) end)
    {
        if (!(start.Value > 0) || !double.IsFinite(end.Value)) return NoData(name, title);
        var m = NewModel();
        var cat = new CategoryAxis
        {
            Key = "category", Position = AxisPosition.Bottom, GapWidth = 0.3, TickStyle = TickStyle.None,
            AxislineColor = OxyColor.Parse("#888888"), Angle = -30,
        };
        cat.Labels.Add(start.Label);
        cat.Labels.AddRange(steps.Select(s => $"{s.Label} ×{s.Factor.ToString("0.###", CultureInfo.InvariantCulture)}"));
        cat.Labels.Add(end.Label);
        m.Axes.Add(cat);
        var val = ValueAxis(valueTitle, false);
        val.Key = "value";
        val.LabelFormatter = v => v.ToString(Math.Abs(v) >= 10 ? "0.#" : "0.###", CultureInfo.InvariantCulture);
        m.Axes.Add(val);
        var bars = new IntervalBarSeries { XAxisKey = "value", YAxisKey = "category", StrokeThickness = 0, LabelFormatString = null };
        bars.Items.Add(new IntervalBarItem(0, start.Value) { Color = Color(start.Color), CategoryIndex = 0 });
        double running = start.Value;
        // A step that changes nothing (×1) is a thin grey tick at the running value, so every step is visible.
        double tick = 0.004 * Math.Max(start.Value, end.Value);
        for (int i = 0; i < steps.Count; i++)
        {
            double next = running * steps[i].Factor;
            var color = next > running ? "#e15759" : next < running ? "#59a14f" : "#bab0ac";
            double low = Math.Min(running, next), high = Math.Max(running, next);
            if (high - low < tick) (low, high) = (running - tick / 2, running + tick / 2);
            bars.Items.Add(new IntervalBarItem(low, high) { Color = Color(color), CategoryIndex = i + 1 });
            running = next;
        }
        bars.Items.Add(new IntervalBarItem(0, end.Value) { Color = Color(end.Color), CategoryIndex = steps.Count + 1 });
        m.Series.Add(bars);
        return Export(m, name, title, Width, Height + 60);
    }

    /// <summary>An SVG saying there is nothing to draw, still a chart element so the page layout stays the same.</summary>
    public static string NoData(string name, string title, string? why = null)
    {
        var note = why ?? "No data for this chart in the run folder.";
        return $"""<svg class="chart nodata" data-chart="{Att(name)}" data-nodata="true" role="img" aria-label="{Att(title)}: no data" viewBox="0 0 {Width} 90" xmlns="http://www.w3.org/2000/svg"><rect x="0.5" y="0.5" width="{Width - 1}" height="89" rx="6" fill="#fafafa" stroke="#dddddd"/><text x="{Width / 2}" y="50" text-anchor="middle" font-size="15" fill="#777777">{WebUtility.HtmlEncode(note)}</text></svg>""";
    }

    public static string Att(string s) => WebUtility.HtmlEncode(s);

    /// <summary>OxyPlot's SVG, made embeddable: class, data-chart, viewBox (scales with the page), accessible label,
    /// and clip-path ids made unique per chart (OxyPlot numbers them from 1 in every export).</summary>
    private static string Export(PlotModel m, string name, string title, double width, double height)
    {
        var svg = SvgExporter.ExportToString(m, width, height, false, new PixelTextMeasurer(), true);
        if (m.GetLastPlotException() is { } ex) throw new InvalidOperationException($"chart {name}: OxyPlot failed: {ex.Message}", ex);
        var slug = SlugRegex().Replace(name, "-");
        svg = ClipIdRegex().Replace(svg, mm => $"{mm.Groups[1].Value}{slug}-clip{mm.Groups[2].Value}");
        var open = SvgOpenRegex().Match(svg);
        if (!open.Success) throw new InvalidOperationException("OxyPlot produced no <svg> element");
        var head = string.Create(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" data-chart=\"{Att(name)}\" role=\"img\" aria-label=\"{Att(title)}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg = head + svg[(open.Index + open.Length)..];
        // Trim OxyPlot's indentation: it is a third of the size.
        svg = IndentRegex().Replace(svg, "\n");
        return svg;
    }

    /// <summary>OxyPlot's built-in measurer (Helvetica metrics, the same as Arial / Liberation Sans) works in PDF points;
    /// the SVG is in CSS pixels, so sizes are scaled by 96/72. No native text renderer is involved.</summary>
    private sealed class PixelTextMeasurer() : PdfRenderContext(100, 100, OxyColors.White)
    {
        public override OxySize MeasureText(string text, string fontFamily, double fontSize, double fontWeight)
        {
            var s = base.MeasureText(text, fontFamily, fontSize, fontWeight);
            return new OxySize(s.Width * 96 / 72, s.Height * 96 / 72);
        }
    }

    [GeneratedRegex("(id=\"|url\\(#)clipPath(\\d+)")]
    private static partial Regex ClipIdRegex();

    [GeneratedRegex("<svg\\b[^>]*>")]
    private static partial Regex SvgOpenRegex();

    [GeneratedRegex("\\n\\s+")]
    private static partial Regex IndentRegex();

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex SlugRegex();
}
