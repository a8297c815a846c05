using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ParallelSK.Notebooks.Tests;

namespace ParallelSK.Notebooks.SemanticKernel.Tests;

/// <summary>The Semantic Kernel packages notebooks 01 and 02 reference with <c>#r "nuget: …"</c> are the versions Directory.Packages.props pins.</summary>
public sealed partial class NotebookPinTests
{
    [Theory]
    [InlineData("01-semantic-kernel-quickstart", "Microsoft.SemanticKernel.Core", "Microsoft.SemanticKernel.Connectors.OpenAI")]
    [InlineData("02-gemini", "Microsoft.SemanticKernel.Core", "Microsoft.SemanticKernel.Connectors.Google")]
    public void SemanticKernelReferences_MatchTheCentralVersions(string notebook, params string[] expected)
    {
        var central = XDocument.Load(Path.Combine(NotebookRunner.RepoRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var references = Notebook.Load(NotebookRunner.NotebookPath(notebook)).CodeCells
            .SelectMany(c => Reference().Matches(c.Source))
            .Select(m => (Package: m.Groups["package"].Value, Version: m.Groups["version"].Value))
            .Where(r => r.Package.StartsWith("Microsoft.SemanticKernel", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.Equal(expected.Order(StringComparer.Ordinal), references.Select(r => r.Package).Order(StringComparer.Ordinal));
        Assert.All(references, r => Assert.True(
            central.TryGetValue(r.Package, out var pinned) && pinned == r.Version,
            $"{notebook} references {r.Package} {r.Version}; Directory.Packages.props pins {(pinned ?? "nothing")}."));
    }

    [GeneratedRegex("""#r\s+"nuget:\s*(?<package>[^,"\s]+)\s*,\s*(?<version>[^"\s]+)\s*"?""")]
    private static partial Regex Reference();
}
