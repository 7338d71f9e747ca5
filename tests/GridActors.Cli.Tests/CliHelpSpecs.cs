using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace GridActors.Cli.Tests;

/// <summary>
/// <c>--help</c> on every command of the real executable. The commands are not listed here: they are discovered from
/// the app's own help (the COMMANDS section of <c>gridactors --help</c>, then of every branch such as <c>bench</c>), so
/// a new command is covered without touching this file. The examples in every help page and in README.md must name
/// commands that exist and options those commands have.
/// </summary>
public partial class CliHelpSpecs
{
    /// <summary>The help page of one command path (empty for the app itself).</summary>
    public sealed record HelpPage(string[] Path, CliRunner.Outcome Outcome)
    {
        public string Name => string.Join(' ', ["gridactors", .. Path]);
        public IReadOnlyList<string> Section(string header) => Sections(Outcome.Stdout, header);
        public IReadOnlyList<string> Subcommands => [.. Section("COMMANDS").Select(l => CommandRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];
        public IReadOnlySet<string> Options => Section("OPTIONS").Select(l => OptionRow().Match(l)).Where(m => m.Success)
            .SelectMany(m => new[] { m.Groups[1].Value, m.Groups[2].Value }).Where(o => o.Length > 0).ToHashSet();
    }

    private static readonly Lazy<Task<IReadOnlyList<HelpPage>>> Pages = new(WalkAsync);

    /// <summary>Breadth-first over the command tree: the app, its commands, and the commands of every branch.</summary>
    private static async Task<IReadOnlyList<HelpPage>> WalkAsync()
    {
        var pages = new List<HelpPage>();
        var queue = new Queue<string[]>([[]]);
        while (queue.TryDequeue(out var path))
        {
            Assert.True(path.Length <= 4, $"command tree deeper than expected: {string.Join(' ', path)}");
            var page = new HelpPage(path, await CliRunner.RunAsync([.. path, "--help"]));
            pages.Add(page);
            foreach (var sub in page.Subcommands) queue.Enqueue([.. path, sub]);
        }
        return pages;
    }

    /// <summary>The lines under a help section header such as "OPTIONS:" up to the next header (examples and
    /// descriptions wrapped at 80 columns continue at column 0; headers are capitals and a colon alone on a line).</summary>
    private static List<string> Sections(string text, string header)
    {
        var lines = new List<string>();
        bool inside = false;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (SectionHeader().IsMatch(line))
            {
                inside = line == header + ":";
                continue;
            }
            if (inside) lines.Add(line.TrimEnd());
        }
        return lines;
    }

    [GeneratedRegex(@"^[A-Z][A-Z ]*:$")]
    private static partial Regex SectionHeader();

    /// <summary>A command's row in COMMANDS: its name at the indentation of the section (descriptions wrap further right).</summary>
    [GeneratedRegex(@"^ {4}([a-z][a-z0-9-]*)(?:\s|$)")]
    private static partial Regex CommandRow();

    /// <summary>An option's row in OPTIONS: "-h, --help" or "    --db &lt;PATH&gt;".</summary>
    [GeneratedRegex(@"^ {4}(?:(-[a-zA-Z]), | {4})(--[a-z][a-z0-9-]*)")]
    private static partial Regex OptionRow();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex LongOption();

    [GeneratedRegex("\"[^\"]*\"|'[^']*'|\\S+")]
    private static partial Regex Token();

    [Fact]
    public async Task Every_command_prints_its_whole_help_and_exits_0()
    {
        var pages = await Pages.Value;
        var names = pages.Select(p => string.Join(' ', p.Path)).ToHashSet();
        // The walk must at least find the commands the app had when this test was written (so a parser that finds
        // nothing cannot pass); anything added later is walked too.
        string[] known = ["", "run", "node", "resume", "inject", "replay", "sweep", "report", "compare", "runs", "inspect", "diff", "generate", "validate", "calibrate", "bench", "bench phold"];
        Assert.Empty(known.Except(names));

        var problems = new List<string>();
        foreach (var page in pages)
        {
            var (code, stdout, stderr) = page.Outcome;
            var why = new List<string>();
            if (code != 0) why.Add($"exit code {code}");
            if (stderr.Trim().Length > 0) why.Add("stderr: " + stderr.Trim());
            if (stdout.Contains("error", StringComparison.OrdinalIgnoreCase)) why.Add("the help mentions an error");
            if (!page.Section("USAGE").Any(l => l.Trim().StartsWith(page.Name + " ", StringComparison.Ordinal) || l.Trim() == page.Name))
                why.Add($"no USAGE line for '{page.Name}'");
            if (!page.Options.Contains("--help")) why.Add("no OPTIONS section listing --help");
            if (page.Path.Length > 0 && page.Subcommands.Count == 0 && !stdout.Contains("DESCRIPTION:", StringComparison.Ordinal))
                why.Add("no DESCRIPTION");
            if (why.Count > 0) problems.Add($"{page.Name} --help: {string.Join("; ", why)}\n{stdout}");
        }
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public async Task Every_declared_option_appears_in_some_help_page()
    {
        // A help page cut short (as `inject --help` was by a markup error) loses the options after the break.
        var pages = await Pages.Value;
        var shown = pages.SelectMany(p => p.Options).ToHashSet();
        var declared = typeof(GridActorsApp).Assembly.GetTypes()
            .Where(t => typeof(CommandSettings).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .SelectMany(p => p.GetCustomAttributes<CommandOptionAttribute>())
            .Where(a => !a.IsHidden) // internal plumbing such as --parent-pid
            .SelectMany(a => a.LongNames.Select(n => "--" + n))
            .ToHashSet();
        Assert.NotEmpty(declared);
        Assert.Empty(declared.Except(shown).Order());
    }

    [Fact]
    public async Task The_examples_of_every_help_page_use_existing_commands_and_their_options()
    {
        var pages = await Pages.Value;
        var problems = new List<string>();
        foreach (var page in pages)
        {
            // Wrapped examples continue at column 0; every example starts indented with "gridactors".
            var examples = new List<string>();
            foreach (var line in page.Section("EXAMPLES").Where(l => l.Trim().Length > 0))
            {
                if (line.StartsWith("    gridactors ", StringComparison.Ordinal)) examples.Add(line.Trim());
                else if (examples.Count > 0) examples[^1] += " " + line.Trim();
                else problems.Add($"{page.Name} --help: example without 'gridactors': {line}");
            }
            if (page.Path.Length > 0 && page.Subcommands.Count == 0 && examples.Count == 0) problems.Add($"{page.Name} --help shows no example");
            foreach (var e in examples)
            {
                if (CheckCommandLine(pages, e) is { } problem) problems.Add($"{page.Name} --help: {problem}");
                else if (page.Path.Length > 0 && !e.StartsWith(page.Name + " ", StringComparison.Ordinal) && e != page.Name)
                    problems.Add($"{page.Name} --help: example of another command: {e}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_gridactors_command_line_in_the_readme_names_an_existing_command_and_its_options()
    {
        var pages = await Pages.Value;
        var readme = File.ReadAllLines(Path.Combine(CliPaths.Repo(), "README.md"));
        var commandLines = new List<(int Line, string Text)>();
        bool inCode = false;
        for (int i = 0; i < readme.Length; i++)
        {
            var line = readme[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue;
            }
            if (inCode)
            {
                var t = line.Trim();
                if (t.StartsWith("gridactors ", StringComparison.Ordinal)) commandLines.Add((i + 1, StripComment(t)));
            }
            else
            {
                foreach (Match m in InlineCommand().Matches(line)) commandLines.Add((i + 1, m.Groups[1].Value));
            }
        }
        Assert.True(commandLines.Count >= 20, $"found only {commandLines.Count} gridactors command lines in README.md");
        var problems = commandLines.Select(c => CheckCommandLine(pages, c.Text) is { } p ? $"README.md:{c.Line}: {p}" : null).OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex("`(gridactors [^`]+)`")]
    private static partial Regex InlineCommand();

    private static string StripComment(string line)
    {
        var i = line.IndexOf(" #", StringComparison.Ordinal);
        return (i < 0 ? line : line[..i]).TrimEnd();
    }

    /// <summary>Null when the command line's command exists (the longest prefix of its words that is a command path)
    /// and every --option on it is one of that command's; else what is wrong.</summary>
    private static string? CheckCommandLine(IReadOnlyList<HelpPage> pages, string line)
    {
        var words = Token().Matches(line).Select(m => m.Value).ToArray();
        if (words.Length == 0 || words[0] != "gridactors") return $"not a gridactors command line: {line}";
        var page = pages.Single(p => p.Path.Length == 0);
        int used = 1;
        while (used < words.Length && pages.FirstOrDefault(p => p.Path.SequenceEqual(words[1..(used + 1)])) is { } deeper)
        {
            page = deeper;
            used++;
        }
        if (page.Subcommands.Count > 0 && !(used < words.Length && words[used].StartsWith('-')))
            return $"'{string.Join(' ', words[..Math.Min(used + 1, words.Length)])}' is not a command ({page.Name} has {string.Join(", ", page.Subcommands)}): {line}";
        var unknown = words[used..].SelectMany(w => LongOption().Matches(w.TrimStart('[')).Where(m => m.Index == 0).Select(m => m.Value))
            .Where(o => !page.Options.Contains(o)).ToList();
        return unknown.Count > 0 ? $"{page.Name} has no {string.Join(", ", unknown)}: {line}" : null;
    }
}
