using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// Every notebook in samples/Notebooks is a well-formed Polyglot C# notebook, and those that need no Semantic Kernel run to their end as
/// one program on their scripted models (ParallelSK.Notebooks.SemanticKernel.Tests runs the others).
/// </summary>
public sealed class NotebookTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllNotebooks() => new(Names());

    private static string[] Names() =>
        [.. Directory.GetFiles(Path.Combine(NotebookRunner.RepoRoot, "samples", "Notebooks"), "*.ipynb").Order().Select(Path.GetFileNameWithoutExtension).OfType<string>()];

    [Fact]
    public void Notebooks_TheSamplesFolder_HoldsTheExpectedNotebooks()
    {
        Assert.Equal(["01-semantic-kernel-quickstart", "02-gemini", "03-microsoft-extensions-ai", "04-mcp", "05-observability"], Names());
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void Notebook_Structure_IsPolyglotCSharpWithOutputsCleared(string name)
    {
        var notebook = Notebook.Load(NotebookRunner.NotebookPath(name));

        Assert.Empty(notebook.Problems());
        Assert.Contains(notebook.Cells, c => c.CellType == "markdown");
        Assert.Contains(NotebookRunner.Marker, notebook.CodeCells.Last().Source, System.StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void Notebook_Cells_ConvertToOneProgramReferencingTheRepositoryProjects(string name)
    {
        var notebook = Notebook.Load(NotebookRunner.NotebookPath(name));

        string program = NotebookProgram.Generate(notebook, NotebookRunner.RepoRoot);

        Assert.Contains("#:project " + Path.Combine(NotebookRunner.RepoRoot, "src", "SemanticKernel.ParallelInvocation.Core"), program, System.StringComparison.Ordinal);
        Assert.DoesNotContain("#:package SemanticKernel.ParallelInvocation", program, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("03-microsoft-extensions-ai")]
    [InlineData("04-mcp")]
    [InlineData("05-observability")]
    public Task Notebook_RunOfflineOnItsScriptedModel_ReachesItsLastCell(string name) => NotebookRunner.AssertRunsToItsEndAsync(name, output);
}
