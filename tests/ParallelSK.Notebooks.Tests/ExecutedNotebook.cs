using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ParallelSK.Notebooks.Tests;

/// <summary>What one code cell of an executed notebook showed: its text (streams and plain-text displays), HTML displays and errors.</summary>
public sealed record ExecutedCell(int Index, string Source, string Text, IReadOnlyList<string> Html, IReadOnlyList<string> Errors);

/// <summary>A notebook as dotnet-repl wrote it after running every cell (nbformat 4 with outputs), and how the run went.</summary>
public sealed class ExecutedNotebook
{
    private ExecutedNotebook(string name, int exitCode, string log, TimeSpan elapsed, IReadOnlyList<ExecutedCell> cells)
    {
        Name = name;
        ExitCode = exitCode;
        Log = log;
        Elapsed = elapsed;
        Cells = cells;
    }

    public string Name { get; }

    public int ExitCode { get; }

    /// <summary>Gets what dotnet-repl printed.</summary>
    public string Log { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>Gets the code cells, in order.</summary>
    public IReadOnlyList<ExecutedCell> Cells { get; }

    /// <summary>Gets everything the cells printed, in order.</summary>
    public string Text => string.Join("\n", Cells.Select(c => c.Text));

    public static ExecutedNotebook Load(string name, string path, int exitCode, string log, TimeSpan elapsed)
    {
        var cells = new List<ExecutedCell>();
        if (File.Exists(path))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            int index = 0;
            foreach (var cell in document.RootElement.GetProperty("cells").EnumerateArray())
            {
                index++;
                if (cell.GetProperty("cell_type").GetString() != "code")
                {
                    continue;
                }

                var text = new List<string>();
                var html = new List<string>();
                var errors = new List<string>();
                foreach (var output in cell.GetProperty("outputs").EnumerateArray())
                {
                    switch (output.GetProperty("output_type").GetString())
                    {
                        case "stream":
                            text.Add(Notebook.JoinText(output.GetProperty("text")));
                            break;
                        case "error":
                            errors.Add($"{Optional(output, "ename")}: {Optional(output, "evalue")}");
                            break;
                        default:
                            if (output.TryGetProperty("data", out var data))
                            {
                                if (data.TryGetProperty("text/plain", out var plain))
                                {
                                    text.Add(Notebook.JoinText(plain));
                                }
                                else if (data.TryGetProperty("text/html", out var markup))
                                {
                                    html.Add(Notebook.JoinText(markup));
                                }
                            }

                            break;
                    }
                }

                cells.Add(new ExecutedCell(index - 1, Notebook.JoinText(cell.GetProperty("source")), string.Concat(text).ReplaceLineEndings("\n"), html, errors));
            }
        }

        return new ExecutedNotebook(name, exitCode, log, elapsed, cells);
    }

    /// <summary>
    /// Asserts the notebook ran every cell without an error and printed <see cref="NotebookKernel.Marker"/> last: dotnet-repl exited
    /// with 0, every code cell is in the executed notebook, no cell shows an error, and the last cell's text ends with the marker.
    /// </summary>
    public void AssertRanToTheEnd(int codeCells)
    {
        Assert.True(ExitCode == 0 && Cells.Count == codeCells && Cells.All(c => c.Errors.Count == 0) && Cells[^1].Text.TrimEnd().EndsWith(NotebookKernel.Marker, StringComparison.Ordinal), Describe());
    }

    /// <summary>Gets the text printed after the first line that is exactly <paramref name="label"/>, up to the next empty line.</summary>
    public string Block(string label)
    {
        var lines = Text.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == label);
        Assert.True(start >= 0, $"'{label}' was not printed.\n{Describe()}");
        return string.Join("\n", lines.Skip(start + 1).TakeWhile(l => l.Trim().Length > 0));
    }

    /// <summary>Gets the text timelines (<c>BatchReport.ToTimeline()</c>) printed after the first line that is exactly <paramref name="label"/>, or anywhere when it is null.</summary>
    public IReadOnlyList<TextTimeline> Timelines(string? label = null)
    {
        string text = Text;
        if (label is not null)
        {
            int at = text.IndexOf("\n" + label + "\n", StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{label}' was not printed.\n{Describe()}");
            text = text[at..];
        }

        return TextTimeline.ParseAll(text);
    }

    public string Describe() =>
        $"{Name}: dotnet-repl exit code {ExitCode}, {Cells.Count} code cells ran in {Elapsed.TotalSeconds:0.0} s\n" +
        string.Join("\n", Cells.Select(c => $"--- cell {c.Index}{(c.Errors.Count > 0 ? " ERROR " + string.Join("; ", c.Errors) : "")}\n{c.Text}")) +
        $"\n--- dotnet-repl ---\n{Log}";

    private static string Optional(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ToString() : "";
}
