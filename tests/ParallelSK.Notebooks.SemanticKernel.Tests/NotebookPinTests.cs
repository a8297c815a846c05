using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ParallelSK.Notebooks.SemanticKernel.Tests;

/// <summary>
/// The Semantic Kernel packages notebooks 01 and 02 reference with <c>#r "nuget: …"</c> are the versions Directory.Packages.props pins.
/// Self-contained (it reads the files itself), so it depends on nothing but the repository's layout.
/// </summary>
public sealed partial class NotebookPinTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    [Theory]
    [InlineData("01-semantic-kernel-quickstart", "Microsoft.SemanticKernel.Core", "Microsoft.SemanticKernel.Connectors.OpenAI")]
    [InlineData("02-gemini", "Microsoft.SemanticKernel.Core", "Microsoft.SemanticKernel.Connectors.Google")]
    public void SemanticKernelReferences_MatchTheCentralVersions(string notebook, params string[] expected)
    {
        var central = XDocument.Load(Path.Combine(RepoRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var references = CodeCells(Path.Combine(RepoRoot, "samples", "Notebooks", notebook + ".ipynb"))
            .SelectMany(source => Reference().Matches(source))
            .Select(m => (Package: m.Groups["package"].Value, Version: m.Groups["version"].Value))
            .Where(r => r.Package.StartsWith("Microsoft.SemanticKernel", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.Equal(expected.Order(StringComparer.Ordinal), references.Select(r => r.Package).Order(StringComparer.Ordinal));
        Assert.All(references, r => Assert.True(
            central.TryGetValue(r.Package, out var pinned) && pinned == r.Version,
            $"{notebook} references {r.Package} {r.Version}; Directory.Packages.props pins {pinned ?? "nothing"}."));
    }

    /// <summary>The source of each code cell of an nbformat 4 notebook (a string or an array of lines).</summary>
    private static string[] CodeCells(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cells").EnumerateArray()
            .Where(cell => cell.GetProperty("cell_type").GetString() == "code")
            .Select(cell => cell.GetProperty("source") is { ValueKind: JsonValueKind.Array } lines
                ? string.Concat(lines.EnumerateArray().Select(l => l.GetString()))
                : cell.GetProperty("source").GetString() ?? string.Empty)
            .ToArray();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ParallelSK.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ParallelSK.sln was not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("""#r\s+"nuget:\s*(?<package>[^,"\s]+)\s*,\s*(?<version>[^"\s]+)\s*"?""")]
    private static partial Regex Reference();
}
