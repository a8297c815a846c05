using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ParallelSK.Notebooks.Tests;

/// <summary>One cell of a notebook: its type ("code", "markdown", "raw") and its source joined into one string.</summary>
public sealed record NotebookCell(string CellType, string Source, JsonElement Raw);

/// <summary>
/// A Polyglot (.NET Interactive) notebook as stored in samples/Notebooks: an nbformat 4 JSON document whose cells are parsed here, and
/// the checks every notebook of the repository must pass (C# kernel metadata, every code cell C#, outputs cleared).
/// </summary>
public sealed class Notebook
{
    private Notebook(string path, JsonElement root, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        Root = root;
        Cells = cells;
    }

    public string Path { get; }

    public JsonElement Root { get; }

    public IReadOnlyList<NotebookCell> Cells { get; }

    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.CellType == "code");

    public static Notebook Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement.Clone();
        var cells = new List<NotebookCell>();
        if (root.TryGetProperty("cells", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var cell in array.EnumerateArray())
            {
                string type = cell.TryGetProperty("cell_type", out var t) ? t.GetString() ?? "" : "";
                cells.Add(new NotebookCell(type, JoinSource(cell), cell));
            }
        }

        return new Notebook(path, root, cells);
    }

    /// <summary>Returns every way the notebook departs from what samples/Notebooks requires; empty when it is fine.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (!Root.TryGetProperty("nbformat", out var format) || format.ValueKind != JsonValueKind.Number || format.GetInt32() != 4)
        {
            problems.Add("nbformat must be 4");
        }

        if (!Root.TryGetProperty("nbformat_minor", out var minor) || minor.ValueKind != JsonValueKind.Number)
        {
            problems.Add("nbformat_minor is missing");
        }

        if (!Root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            problems.Add("metadata is missing");
            return problems;
        }

        if (!metadata.TryGetProperty("kernelspec", out var kernelspec)
            || Text(kernelspec, "name") != ".net-csharp" || Text(kernelspec, "language") != "C#" || Text(kernelspec, "display_name") != ".NET (C#)")
        {
            problems.Add("metadata.kernelspec must be { display_name: \".NET (C#)\", language: \"C#\", name: \".net-csharp\" }");
        }

        if (!metadata.TryGetProperty("language_info", out var languageInfo) || Text(languageInfo, "name") is not ("polyglot-notebook" or "C#"))
        {
            problems.Add("metadata.language_info.name must be \"polyglot-notebook\" or \"C#\"");
        }

        if (!metadata.TryGetProperty("polyglot_notebook", out var polyglot) || !polyglot.TryGetProperty("kernelInfo", out var kernelInfo)
            || Text(kernelInfo, "defaultKernelName") != "csharp")
        {
            problems.Add("metadata.polyglot_notebook.kernelInfo.defaultKernelName must be \"csharp\"");
        }

        if (Cells.Count == 0)
        {
            problems.Add("the notebook has no cells");
        }

        for (int i = 0; i < Cells.Count; i++)
        {
            var cell = Cells[i];
            if (cell.CellType is not ("code" or "markdown"))
            {
                problems.Add($"cell {i}: cell_type must be code or markdown, not '{cell.CellType}'");
                continue;
            }

            if (!cell.Raw.TryGetProperty("source", out _))
            {
                problems.Add($"cell {i}: source is missing");
            }

            if (cell.CellType != "code")
            {
                continue;
            }

            if (!cell.Raw.TryGetProperty("outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Array || outputs.GetArrayLength() != 0)
            {
                problems.Add($"cell {i}: outputs must be an empty array (clear outputs before committing)");
            }

            if (!cell.Raw.TryGetProperty("execution_count", out var count) || count.ValueKind != JsonValueKind.Null)
            {
                problems.Add($"cell {i}: execution_count must be null");
            }

            if (!cell.Raw.TryGetProperty("metadata", out var cellMetadata)
                || !cellMetadata.TryGetProperty("dotnet_interactive", out var dotnet) || Text(dotnet, "language") != "csharp"
                || !cellMetadata.TryGetProperty("polyglot_notebook", out var cellPolyglot) || Text(cellPolyglot, "kernelName") != "csharp")
            {
                problems.Add($"cell {i}: metadata must say dotnet_interactive.language = csharp and polyglot_notebook.kernelName = csharp");
            }
        }

        return problems;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string JoinSource(JsonElement cell) => cell.TryGetProperty("source", out var source) ? JoinText(source) : "";

    /// <summary>Joins a multiline text of nbformat (a string, or an array of lines).</summary>
    public static string JoinText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(s => s.GetString())),
        _ => "",
    };
}
