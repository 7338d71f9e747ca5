using GridActors.Kernel;
using GridActors.Model.SupplyChain;

namespace GridActors.Scenarios.Tests;

/// <summary><see cref="TraceFile"/>: the Azure LLM inference trace layout read and written; every malformed row located
/// as FILE:LINE:COL; no partial trace.</summary>
public class TraceFileSpecs
{
    private const string H = TraceFile.Header + "\n";

    private static ScenarioException Fails(string text) => Assert.Throws<ScenarioException>(() => TraceFile.Parse("t.csv", text));

    [Fact]
    public void The_azure_form_is_read_as_offsets_from_the_first_row_at_100_ns()
    {
        var t = TraceFile.Parse("t.csv", H +
            "2023-11-16 18:15:46.6805900,4808,10\n" +
            "2023-11-16 18:15:50.9951690,3180,8\n" +
            "2023-11-16 18:15:50.9951690,110,27\n" +
            "2023-11-16 18:16:00.0000001,7,0\n");
        Assert.Equal(
            [new TraceRow(0, 4808, 10), new TraceRow(4.314579, 3180, 8), new TraceRow(4.314579, 110, 27), new TraceRow(13.3194101, 7, 0)],
            t.Rows);
    }

    [Fact]
    public void Other_date_time_spellings_plain_seconds_crlf_a_bom_spaces_and_trailing_blank_lines_are_accepted()
    {
        // Fewer fraction digits, none, a 'T', and a UTC offset (converted: 18:00:01+08:00 is 10:00:01 UTC).
        var dates = TraceFile.Parse("t.csv", "\uFEFF" + TraceFile.Header + "\r\n" +
            "2023-11-16T10:00:00+00:00,1,2\r\n" +
            "2023-11-16 18:00:01+08:00, 3 ,4\r\n" +
            "2023-11-16 10:00:01.5,5,6\r\n" +
            "2023-11-16 10:00:02,7,8\r\n\r\n\n");
        Assert.Equal([0, 1, 1.5, 2], dates.Rows.Select(r => r.OffsetSeconds));
        Assert.Equal([1, 3, 5, 7], dates.Rows.Select(r => r.ContextTokens));

        // Plain seconds: offsets from the first row; kept to 100 ns (0.00000005 s rounds away from zero to one tick).
        var seconds = TraceFile.Parse("t.csv", H + "10,1,1\n10.25,2,2\n12.00000005,3,3\n1.3e1,4,4\n");
        Assert.Equal([0, 0.25, 2.0000001, 3], seconds.Rows.Select(r => r.OffsetSeconds));
    }

    [Fact]
    public void Statistics_are_the_mean_and_type_7_percentiles_and_the_rate_counts_gaps()
    {
        // Ten rows 0.5 s apart (4.5 s, nine gaps: 2 per s); context 10, 20 … 100 in shuffled order; generated all 3.
        int[] context = [70, 10, 100, 40, 20, 90, 30, 60, 50, 80];
        var t = new Trace([.. context.Select((c, i) => new TraceRow(i * 0.5, c, 3))]);
        var s = t.Stats;
        Assert.Equal(10, s.Count);
        Assert.Equal(4.5, s.DurationSeconds);
        Assert.Equal(2, s.MeanRatePerSecond, 12);
        // Sorted 10..100: h = 9p; median between 50 and 60, p90 at 91 (h = 8.1), p99 at 99.1 (h = 8.91).
        Assert.Equal(55, s.Context.Mean, 12);
        Assert.Equal(55, s.Context.Median, 12);
        Assert.Equal(91, s.Context.P90, 9);
        Assert.Equal(99.1, s.Context.P99, 9);
        Assert.Equal(new LengthStats(3, 3, 3, 3), s.Generated);
        // One row: no duration, no rate (not NaN or infinity, which JSON cannot carry).
        Assert.Equal(0, new Trace([new TraceRow(0, 5, 5)]).Stats.MeanRatePerSecond);
    }

    [Fact]
    public void Writing_gives_the_azure_form_from_a_fixed_base_date_and_parsing_it_gives_the_same_trace()
    {
        var t = new Trace([new TraceRow(0, 4808, 10), new TraceRow(4.314579, 3180, 8), new TraceRow(86_400.0000001, 0, 1)]);
        var text = TraceFile.Write(t);
        Assert.Equal(H +
            "2025-01-01 00:00:00.0000000,4808,10\n" +
            "2025-01-01 00:00:04.3145790,3180,8\n" +
            "2025-01-02 00:00:00.0000001,0,1\n", text);
        var back = TraceFile.Parse("t.csv", text);
        Assert.Equal(t, back);
        Assert.Equal(t.Stats, back.Stats);
    }

    [Fact]
    public void Any_trace_on_the_100_ns_grid_round_trips_exactly()
    {
        // Random gaps from 0 (equal timestamps) to ~3 h, 5,000 rows (over a year of offsets), lengths up to int.MaxValue.
        var rng = Rng.FromSeed(42);
        long ticks = 0;
        var rows = new List<TraceRow>();
        for (int i = 0; i < 5_000; i++)
        {
            if (i > 0) ticks += rng.NextInt(10) == 0 ? 0 : (long)(rng.NextUInt64() % 100_000_000_000UL);
            rows.Add(new TraceRow(ticks / 1e7, rng.NextInt(int.MaxValue), i == 7 ? int.MaxValue : rng.NextInt(5000)));
        }
        var t = new Trace(rows);
        var text = TraceFile.Write(t);
        var back = TraceFile.Parse("t.csv", text);
        Assert.Equal(t, back);
        Assert.Equal(text, TraceFile.Write(back));
        // A trace read from plain seconds writes in the date-time form and still reads back equal.
        var plain = TraceFile.Parse("t.csv", H + "3.5,1,2\n4.0000001,3,4\n");
        Assert.Equal(plain, TraceFile.Parse("t.csv", TraceFile.Write(plain)));
    }

    public static TheoryData<string, int, int, string> Malformed => new()
    {
        // file text, line, column, message
        { "", 1, 1, "the file is empty: expected the header 'TIMESTAMP,ContextTokens,GeneratedTokens' and one request per line" },
        { "TIMESTAMP,ContextTokens,OutputTokens\n0,1,2\n", 1, 25, "wrong header: expected 'TIMESTAMP,ContextTokens,GeneratedTokens', got 'TIMESTAMP,ContextTokens,OutputTokens'" },
        { "timestamp,ContextTokens,GeneratedTokens\n0,1,2\n", 1, 1, "wrong header: expected 'TIMESTAMP,ContextTokens,GeneratedTokens', got 'timestamp,ContextTokens,GeneratedTokens'" },
        { "2023-11-16 18:15:46.6805900,4808,10\n", 1, 1, "missing header: expected 'TIMESTAMP,ContextTokens,GeneratedTokens' on the first line, got a data row" },
        { H + "\n\n", 2, 1, "the trace has no rows: expected one request per line after the header" },
        { H + "0,1,2\n1,2,3,4\n", 3, 6, "expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), got 4" },
        { H + "0,1,2\n1,2\n", 3, 4, "expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), got 2" },
        { H + "0,1,2\n\n1,2,3\n", 3, 1, "blank line: expected TIMESTAMP,ContextTokens,GeneratedTokens" },
        { H + "0,1,2\nyesterday,2,3\n", 3, 1, "TIMESTAMP 'yesterday' is neither a date-time such as 2023-11-16 18:15:46.6805900 nor seconds such as 12.5" },
        { H + "2023-13-16 18:15:46.6805900,2,3\n", 2, 1, "TIMESTAMP '2023-13-16 18:15:46.6805900' is neither a date-time such as 2023-11-16 18:15:46.6805900 nor seconds such as 12.5" },
        { H + ",2,3\n", 2, 1, "TIMESTAMP is empty: expected a date-time such as 2023-11-16 18:15:46.6805900 or seconds such as 12.5" },
        { H + "-1.5,2,3\n", 2, 1, "TIMESTAMP must not be negative, got -1.5 s" },
        { H + "0,abc,3\n", 2, 3, "ContextTokens 'abc' is not a whole number of tokens" },
        { H + "0, 1.5,3\n", 2, 4, "ContextTokens '1.5' is not a whole number of tokens" },
        { H + "0,99999999999,3\n", 2, 3, "ContextTokens 99999999999 is too large (at most 2,147,483,647)" },
        { H + "0,1,-5\n", 2, 5, "GeneratedTokens must not be negative, got -5" },
        { H + "0,1,\n", 2, 5, "GeneratedTokens is empty: expected a whole number of tokens" },
        { H + "5,1,1\n4.5,1,1\n", 3, 1, "TIMESTAMP goes backwards: '4.5' is 0.5 s before line 2's" },
        { H + "2023-11-16 18:15:46.6805900,1,1\n2023-11-16 18:15:46.6805899,1,1\n", 3, 1, "TIMESTAMP goes backwards: '2023-11-16 18:15:46.6805899' is 0.0000001 s before line 2's" },
        { H + "0,1,1\n2023-11-16 18:15:46.6805900,1,1\n", 3, 1, "TIMESTAMP '2023-11-16 18:15:46.6805900' is a date-time, but line 2 gave plain seconds: a file uses one form" },
        { H + "2023-11-16 18:15:46.6805900,1,1\n  60,1,1\n", 3, 3, "TIMESTAMP '60' is plain seconds, but line 2 gave a date-time: a file uses one form" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Each_malformed_file_gives_one_located_error(string text, int line, int column, string message)
    {
        var e = Assert.Single(Fails(text).Errors);
        Assert.Equal(("t.csv", line, column, message), (e.File, e.Line, e.Column, e.Message));
        Assert.Equal($"t.csv:{line}:{column}: {message}", e.ToString());
    }

    [Fact]
    public void Every_bad_row_is_reported_in_line_order_and_a_good_row_after_them_does_not_make_a_partial_trace()
    {
        var ex = Fails(H + "0,1,1\n1,x,1\n2,1,1\n1,1,1\n3,1,-1,\n4,-2,y\n5,1,1\n");
        Assert.Equal(
        [
            "t.csv:3:3: ContextTokens 'x' is not a whole number of tokens",
            "t.csv:5:1: TIMESTAMP goes backwards: '1' is 1 s before line 4's",
            "t.csv:6:7: expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), got 4",
            "t.csv:7:3: ContextTokens must not be negative, got -2",
            "t.csv:7:6: GeneratedTokens 'y' is not a whole number of tokens",
        ], ex.Errors.Select(e => e.ToString()));
        // The exception's message lists them all too (what a caller that only prints the message shows).
        Assert.Equal(5, ex.Message.Split(Environment.NewLine).Length);
    }

    [Fact]
    public void Errors_are_listed_up_to_the_cap_and_the_rest_counted()
    {
        int bad = TraceFile.MaxErrors + 5;
        var text = H + string.Concat(Enumerable.Range(0, bad).Select(i => $"{i},x,1\n")) + "1000,1,1\n";
        var errors = Fails(text).Errors;
        Assert.Equal(TraceFile.MaxErrors + 1, errors.Count);
        Assert.Equal(Enumerable.Range(2, TraceFile.MaxErrors), errors.Take(TraceFile.MaxErrors).Select(e => e.Line));
        Assert.All(errors.Take(TraceFile.MaxErrors), e => Assert.Equal("ContextTokens 'x' is not a whole number of tokens", e.Message));
        var rest = errors[^1];
        Assert.Equal(("t.csv", TraceFile.MaxErrors + 2, 1, "5 more problems not listed (the first 20 are above)"), (rest.File, rest.Line, rest.Column, rest.Message));
    }

    [Fact]
    public void A_missing_file_is_a_located_error_not_an_exception_of_the_file_system()
    {
        var path = Path.Combine(Path.GetTempPath(), "gridactors-no-such-trace.csv");
        var e = Assert.Single(Assert.Throws<ScenarioException>(() => TraceFile.Load(path)).Errors);
        Assert.Equal($"{path}:0:0: file not found", e.ToString());
    }

    [Fact]
    public void A_trace_built_in_memory_is_checked_like_a_file()
    {
        Assert.Throws<ArgumentException>(() => new Trace([]));
        Assert.Throws<ArgumentException>(() => new Trace([new TraceRow(1, 1, 1)]));
        Assert.Throws<ArgumentException>(() => new Trace([new TraceRow(0, 1, 1), new TraceRow(-1, 1, 1)]));
        Assert.Throws<ArgumentException>(() => new Trace([new TraceRow(0, -1, 1)]));
        Assert.Throws<ArgumentException>(() => new Trace([new TraceRow(0, 1, 1), new TraceRow(double.NaN, 1, 1)]));
    }
}
