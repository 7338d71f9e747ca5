using System.Globalization;
using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios;

/// <summary>
/// Reads and writes request traces in the Azure LLM inference trace CSV layout [K102]: the header
/// <c>TIMESTAMP,ContextTokens,GeneratedTokens</c>, then one request per line.
/// <list type="bullet">
/// <item>TIMESTAMP is a date-time as in the Azure 2023 files (<c>2023-11-16 18:15:46.6805900</c>: 0–7 fraction digits, a
/// <c>T</c> instead of the space and a UTC offset such as <c>+00:00</c> are accepted too, an offset converted to UTC), or
/// plain seconds (<c>12.5</c>, not negative). One file uses one of the two forms. Times are kept to 100 ns (the
/// date-time form's seventh digit; plain seconds are rounded to it), never go backwards (equal times are fine), and
/// become offsets from the first row.</item>
/// <item>ContextTokens and GeneratedTokens are non-negative whole numbers (at most 2,147,483,647).</item>
/// </list>
/// Spaces around a field are allowed; blank lines at the end of the file are ignored, blank lines between rows are
/// errors. Problems are <see cref="ScenarioError"/>s located as <c>FILE:LINE:COL</c> (1-based; the column of the field
/// at fault) and thrown together in one <see cref="ScenarioException"/>, like a scenario file's: every bad row up to
/// <see cref="MaxErrors"/>, then one line counting the rest. A file with any error gives no trace at all.
/// </summary>
public static class TraceFile
{
    public const string Header = "TIMESTAMP,ContextTokens,GeneratedTokens";

    /// <summary>Errors listed one by one before the rest are only counted.</summary>
    public const int MaxErrors = 20;

    /// <summary>
    /// The date <see cref="Write"/> puts the first row at. A fixed date, so writing a trace twice gives the same bytes;
    /// deliberately not the Azure traces' date, so a synthetic file is not mistaken for theirs.
    /// </summary>
    public static readonly DateTime BaseTime = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    private const string DateTimeForm = "yyyy-MM-dd HH:mm:ss.fffffff";
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    private static readonly string[] DateForms =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz",
    ];

    public static Trace Load(string path)
    {
        if (!File.Exists(path)) throw new ScenarioException([new ScenarioError(path, 0, 0, "file not found")]);
        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>The trace in <paramref name="text"/>; <paramref name="path"/> only names it in errors.</summary>
    public static Trace Parse(string path, string text)
    {
        var errors = new Errors(path);
        var rows = new List<TraceRow>();
        var lines = text.TrimStart('\uFEFF').Split('\n');
        int last = lines.Length - 1;
        for (int i = 0; i < lines.Length; i++) lines[i] = lines[i].TrimEnd('\r');
        while (last >= 0 && lines[last].Trim().Length == 0) last--; // blank lines at the end (and the final newline)

        if (last < 0)
            throw new ScenarioException([new ScenarioError(path, 1, 1, $"the file is empty: expected the header '{Header}' and one request per line")]);
        if (CheckHeader(lines[0]) is { } headerError)
            throw new ScenarioException([new ScenarioError(path, 1, headerError.Column, headerError.Message)]);
        if (last == 0)
            throw new ScenarioException([new ScenarioError(path, 2, 1, "the trace has no rows: expected one request per line after the header")]);

        long firstTicks = 0, previousTicks = 0;
        int previousLine = 0;
        (bool PlainSeconds, int Line)? form = null; // the first good timestamp's form and line: the whole file's
        for (int i = 1; i <= last; i++)
        {
            int line = i + 1;
            var fields = Fields(lines[i]);
            if (fields.Count != 3)
            {
                // Too many: point at the first comma too many; too few: just past the end of the line.
                int col = fields.Count > 3 ? fields[3].Start - 1 : lines[i].Length + 1;
                errors.Add(line, col, lines[i].Trim().Length == 0
                    ? $"blank line: expected {Header}"
                    : $"expected 3 fields ({Header}), got {fields.Count}");
                continue;
            }
            bool bad = false;
            var (ts, tsCol) = (fields[0].Text, fields[0].Column);
            long ticks = 0;
            bool? plain = null;
            if (TryPlainSeconds(ts, out var seconds, out var problem))
            {
                if (problem is null) (ticks, plain) = (seconds, true);
                else errors.Add(line, tsCol, problem);
            }
            else if (TryDateTime(ts, out var dateTicks)) (ticks, plain) = (dateTicks, false);
            else errors.Add(line, tsCol, ts.Length == 0
                ? "TIMESTAMP is empty: expected a date-time such as 2023-11-16 18:15:46.6805900 or seconds such as 12.5"
                : $"TIMESTAMP '{ts}' is neither a date-time such as 2023-11-16 18:15:46.6805900 nor seconds such as 12.5");
            if (plain is null) bad = true;
            else if (form is null) form = (plain.Value, line);
            else if (form.Value.PlainSeconds != plain.Value)
            {
                errors.Add(line, tsCol, $"TIMESTAMP '{ts}' is {(plain.Value ? "plain seconds" : "a date-time")}, but line {form.Value.Line} " +
                    $"gave {(plain.Value ? "a date-time" : "plain seconds")}: a file uses one form");
                bad = true;
            }
            int context = Tokens(fields[1], "ContextTokens", line, errors, ref bad);
            int generated = Tokens(fields[2], "GeneratedTokens", line, errors, ref bad);
            if (bad) continue;

            if (previousLine == 0) firstTicks = ticks;
            else if (ticks < previousTicks)
            {
                errors.Add(line, tsCol, $"TIMESTAMP goes backwards: '{ts}' is {Seconds(previousTicks - ticks)} s before line {previousLine}'s");
                continue;
            }
            previousTicks = ticks;
            previousLine = line;
            rows.Add(new TraceRow((ticks - firstTicks) / (double)TicksPerSecond, context, generated));
        }
        if (errors.Count > 0) throw new ScenarioException(errors.Listed());
        return new Trace(rows);
    }

    /// <summary>
    /// Writes <paramref name="trace"/> in the same layout: the header, then each row with its timestamp in the date-time
    /// form at <see cref="BaseTime"/> + offset (rounded to 100 ns) and '\n' line ends. A trace whose offsets are whole
    /// multiples of 100 ns — every parsed or synthesised trace — reads back equal: Parse(Write(t)) == t.
    /// </summary>
    public static void Write(TextWriter w, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(trace);
        w.Write(Header);
        w.Write('\n');
        foreach (var r in trace.Rows)
        {
            long ticks = checked((long)Math.Round(r.OffsetSeconds * TicksPerSecond, MidpointRounding.AwayFromZero));
            w.Write(BaseTime.AddTicks(ticks).ToString(DateTimeForm, CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(r.ContextTokens.ToString(CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(r.GeneratedTokens.ToString(CultureInfo.InvariantCulture));
            w.Write('\n');
        }
    }

    /// <summary><see cref="Write(TextWriter, Trace)"/> to a string.</summary>
    public static string Write(Trace trace)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        Write(w, trace);
        return w.ToString();
    }

    /// <summary>Null when <paramref name="line"/> is the header; else the column of the first difference and the message.</summary>
    private static (int Column, string Message)? CheckHeader(string line)
    {
        if (line == Header) return null;
        int col = 0;
        while (col < line.Length && col < Header.Length && line[col] == Header[col]) col++;
        var fields = Fields(line);
        bool dataRow = fields.Count == 3 && int.TryParse(fields[1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        return (col + 1, dataRow
            ? $"missing header: expected '{Header}' on the first line, got a data row"
            : $"wrong header: expected '{Header}', got '{line}'");
    }

    private readonly record struct Field(string Text, int Start, int Column);

    /// <summary>The comma-separated fields of a line, trimmed, with the 1-based column of each field's first character
    /// (<see cref="Field.Start"/> is where the field begins before trimming, just after its comma).</summary>
    private static List<Field> Fields(string line)
    {
        var fields = new List<Field>();
        int start = 0;
        while (true)
        {
            int comma = line.IndexOf(',', start);
            int end = comma < 0 ? line.Length : comma;
            var raw = line[start..end];
            int lead = raw.Length - raw.TrimStart(' ', '\t').Length;
            fields.Add(new Field(raw.Trim(' ', '\t'), start + 1, start + lead + 1));
            if (comma < 0) return fields;
            start = comma + 1;
        }
    }

    /// <summary>
    /// True when <paramref name="text"/> is a plain number (then <paramref name="problem"/> says what is wrong with it,
    /// or <paramref name="ticks"/> holds it in 100 ns units); false when it is not a number at all.
    /// </summary>
    private static bool TryPlainSeconds(string text, out long ticks, out string? problem)
    {
        (ticks, problem) = (0, null);
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var seconds))
        {
            // A number too large for decimal is still a number, just not a usable time.
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                problem = $"TIMESTAMP {text} s is too large";
                return true;
            }
            return false;
        }
        if (seconds < 0)
        {
            problem = $"TIMESTAMP must not be negative, got {text} s";
            return true;
        }
        var t = Math.Round(seconds * TicksPerSecond, MidpointRounding.AwayFromZero);
        if (t > long.MaxValue / 2)
        {
            problem = $"TIMESTAMP {text} s is too large";
            return true;
        }
        ticks = (long)t;
        return true;
    }

    private static bool TryDateTime(string text, out long ticks)
    {
        ticks = 0;
        if (!DateTimeOffset.TryParseExact(text, DateForms, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var t))
            return false;
        ticks = t.UtcTicks;
        return true;
    }

    private static int Tokens(Field f, string column, int line, Errors errors, ref bool bad)
    {
        if (int.TryParse(f.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return n;
        bad = true;
        string digits = f.Text.StartsWith('-') ? f.Text[1..] : f.Text;
        bool whole = digits.Length > 0 && digits.All(char.IsAsciiDigit);
        errors.Add(line, f.Column,
            f.Text.Length == 0 ? $"{column} is empty: expected a whole number of tokens"
            : whole && f.Text.StartsWith('-') ? $"{column} must not be negative, got {f.Text}"
            : whole ? $"{column} {f.Text} is too large (at most {int.MaxValue:N0})"
            : $"{column} '{f.Text}' is not a whole number of tokens");
        return 0;
    }

    private static string Seconds(long ticks) => (ticks / (double)TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture);

    /// <summary>The errors of one file: every one counted, the first <see cref="MaxErrors"/> kept.</summary>
    private sealed class Errors(string path)
    {
        private readonly List<ScenarioError> _listed = [];
        private int _firstUnlistedLine;

        public int Count { get; private set; }

        public void Add(int line, int column, string message)
        {
            Count++;
            if (_listed.Count < MaxErrors) _listed.Add(new ScenarioError(path, line, column, message));
            else if (_firstUnlistedLine == 0) _firstUnlistedLine = line;
        }

        public IReadOnlyList<ScenarioError> Listed() => Count <= MaxErrors
            ? _listed
            : [.. _listed, new ScenarioError(path, _firstUnlistedLine, 1, $"{Count - MaxErrors} more problems not listed (the first {MaxErrors} are above)")];
    }
}
