using System.Globalization;
using GridActors.Model.SupplyChain;

namespace GridActors.Reports;

/// <summary>A streaming reader for the run folder's CSV files (comma separated, a header line, no quoting needed):
/// rows are read one at a time so large series never sit in memory whole.</summary>
internal sealed class CsvFile
{
    private readonly string _path;
    private readonly Dictionary<string, int> _columns;

    public string Name { get; }

    private CsvFile(string path, string name, Dictionary<string, int> columns)
    {
        _path = path;
        Name = name;
        _columns = columns;
    }

    /// <summary>Opens DIR/NAME and checks its header holds every required column.</summary>
    public static CsvFile Open(string dir, string name, params string[] required)
    {
        var path = Path.Combine(dir, name);
        if (!File.Exists(path)) throw new ReportException($"{name}: file not found in run folder {dir}");
        string? header;
        using (var r = new StreamReader(path)) header = r.ReadLine();
        if (string.IsNullOrWhiteSpace(header)) throw new ReportException($"{name}: file is empty (expected a header line with columns {string.Join(",", required)})");
        var cols = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var names = header.Split(',');
        for (var i = 0; i < names.Length; i++) cols.TryAdd(names[i].Trim(), i);
        var missing = required.Where(c => !cols.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
            throw new ReportException($"{name}: header '{header}' lacks column(s) {string.Join(", ", missing)}");
        return new CsvFile(path, name, cols);
    }

    /// <summary>Opens a CSV the run folder writes for an entity kind (<see cref="EntityKind.Csv"/>): its header must hold the
    /// table's columns (those in <paramref name="optional"/> may be missing: older folders lack them, and their values read as NaN).</summary>
    public static CsvFile Open(string dir, CsvTable table, params string[] optional) =>
        Open(dir, table.File, [.. table.Columns.Where(c => !optional.Contains(c))]);

    /// <summary>Where each column of <typeparamref name="T"/> sits in this file (-1 = missing).</summary>
    public int[] Map<T>() where T : ISample<T> => [.. T.Columns.Select(c => _columns.TryGetValue(c, out var i) ? i : -1)];

    public int Column(string name) => _columns.TryGetValue(name, out var i) ? i : throw new ReportException($"{Name}: no column {name}");

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>The data rows after the header; blank lines are ignored.</summary>
    public IEnumerable<CsvRow> Rows()
    {
        using var r = new StreamReader(_path, System.Text.Encoding.UTF8, true, 1 << 16);
        r.ReadLine();
        var line = 1;
        var width = _columns.Values.Max() + 1;
        while (r.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var cells = text.Split(',');
            if (cells.Length < width)
                throw new ReportException($"{Name}: line {line} has {cells.Length} field(s), expected {width}: '{Truncate(text)}'");
            yield return new CsvRow(this, line, cells);
        }
    }

    internal static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    internal string ColumnName(int index) => _columns.FirstOrDefault(kv => kv.Value == index).Key ?? index.ToString(CultureInfo.InvariantCulture);
}

internal readonly struct CsvRow(CsvFile file, int line, string[] cells)
{
    public string Text(int column) => cells[column].Trim();

    /// <summary>The number in a column; an empty cell is NaN; anything else that is not a number is an error.</summary>
    public double Number(int column)
    {
        var s = cells[column];
        if (string.IsNullOrWhiteSpace(s)) return double.NaN;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        throw new ReportException($"{file.Name}: line {line}, column {file.ColumnName(column)}: '{CsvFile.Truncate(s)}' is not a number");
    }

    public int Line => line;

    /// <summary>The row as a typed sample (<see cref="CsvFile.Map{T}"/> gives <paramref name="map"/>); missing columns read as NaN.</summary>
    public T Sample<T>(int[] map) where T : ISample<T>
    {
        Span<double> values = stackalloc double[map.Length];
        for (int i = 0; i < map.Length; i++) values[i] = map[i] < 0 ? double.NaN : Number(map[i]);
        return T.FromValues(values);
    }
}
