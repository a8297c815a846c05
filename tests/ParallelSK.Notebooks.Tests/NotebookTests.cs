using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// Every notebook in samples/Notebooks is a well-formed Polyglot C# notebook; those that need no Semantic Kernel (03 to 05) run in
/// .NET Interactive against packages packed from the current sources, and their outputs show what their text claims: which calls
/// overlapped, which waited for which, and the same answer as running the calls one at a time. (Notebook 01 runs in
/// ParallelSK.Notebooks.SemanticKernel.Tests, 02 with the Gemini tests.)
/// </summary>
public sealed class NotebookTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllNotebooks() => new(Names());

    private static string[] Names() =>
        [.. Directory.GetFiles(NotebookKernel.NotebooksFolder, "*.ipynb").Order().Select(Path.GetFileNameWithoutExtension).OfType<string>()];

    [Fact]
    public void Notebooks_TheSamplesFolder_HoldsTheExpectedNotebooks()
    {
        Assert.Equal(["01-semantic-kernel-quickstart", "02-gemini", "03-microsoft-extensions-ai", "04-mcp", "05-observability"], Names());
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void Notebook_Structure_IsPolyglotCSharpWithOutputsCleared(string name)
    {
        var notebook = Notebook.Load(NotebookKernel.NotebookPath(name));

        Assert.Empty(notebook.Problems());
        Assert.Contains(notebook.Cells, c => c.CellType == "markdown");
        Assert.Contains(NotebookKernel.Marker, notebook.CodeCells.Last().Source, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllNotebooks))]
    public void Notebook_References_FindTheRepositoryPackagesThroughTheFolderNuGetConfigWithoutEditing(string name)
    {
        var notebook = Notebook.Load(NotebookKernel.NotebookPath(name));
        string code = string.Join("\n", notebook.CodeCells.Select(c => c.Source));

        Assert.DoesNotContain("#i ", code, StringComparison.Ordinal);
        Assert.Contains("#r \"nuget: SemanticKernel.ParallelInvocation.Core, 0.1.0\"", code, StringComparison.Ordinal);
        var config = XDocument.Load(Path.Combine(NotebookKernel.NotebooksFolder, "nuget.config"));
        string source = config.Descendants("add").Single(e => (string?)e.Attribute("key") == "parallelsk-local").Attribute("value")!.Value;
        Assert.Equal(Path.GetFullPath(NotebookKernel.PackagesFolder), Path.GetFullPath(Path.Combine(NotebookKernel.NotebooksFolder, source)));
    }

    [Fact]
    public async Task Tools_DotnetRepl_CarriesTheSameDotNetInteractiveBuildAsTheToolVsCodeRuns()
    {
        await NotebookKernel.EnsureToolsAsync();

        string repl = NotebookKernel.KernelVersion(NotebookKernel.ReplTool, NotebookKernel.ReplVersion);
        string interactive = NotebookKernel.KernelVersion(NotebookKernel.InteractiveTool, NotebookKernel.InteractiveVersion);
        output.WriteLine($"Microsoft.DotNet.Interactive in dotnet-repl: {repl}; in Microsoft.dotnet-interactive: {interactive}");
        Assert.Equal(interactive, repl);
    }

    [Fact]
    public async Task Notebook03_InTheKernel_OverlapsTheIndependentCallsAndGivesTheOneAtATimeAnswer()
    {
        var run = await NotebookKernel.RunToTheEndAsync("03-microsoft-extensions-ai", output);

        var timeline = run.Timelines().Single();
        timeline.AssertOverlap(0, 1, 2, 3);
        timeline.AssertOrderedAfter(4, 3);
        string answer = run.Block("Answer with ParallelSK:");
        Assert.Contains("call_4: alice: AZ317", answer, StringComparison.Ordinal);
        Assert.Equal(run.Block("Answer one call at a time:"), answer);
    }

    [Fact]
    public async Task Notebook04_InTheKernel_PlansTheMcpBatchAndObservesWhatTheOneByOneRunObserved()
    {
        var run = await NotebookKernel.RunToTheEndAsync("04-mcp", output);

        var planned = run.Timelines("Planned run:")[0];
        planned.AssertOverlap(0, 3, 4, 6);
        planned.AssertOrderedAfter(1, 0);
        planned.AssertOrderedAfter(2, 1);
        planned.AssertOrderedAfter(5, 4);
        planned.AssertOrderedAfter(7, 4);
        Assert.Contains("\nplanned = one-by-one: True\n", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notebook05_InTheKernel_DrawsOnlyTheRealSlotWaitOnATimeAxisAndGivesTheOneAtATimeResults()
    {
        var run = await NotebookKernel.RunToTheEndAsync("05-observability", output);

        var timeline = run.Timelines().First();
        timeline.AssertOverlap(0, 1, 5);
        Assert.True(timeline[2].StartsAfter(timeline[0]) || timeline[2].StartsAfter(timeline[1]), $"#2 did not wait for a slot:\n{timeline}");
        timeline.AssertOrderedAfter(3, 1);
        timeline.AssertOrderedAfter(4, 3);

        var svg = XDocument.Parse(run.Cells.SelectMany(c => c.Html).Single(h => h.StartsWith("<svg", StringComparison.Ordinal)));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var slotWaits = svg.Descendants(ns + "title").Select(t => t.Value).Where(t => t.Contains("for a slot", StringComparison.Ordinal)).ToList();
        Assert.Equal("#2", Assert.Single(slotWaits).Split(' ')[0]);
        var ticks = svg.Descendants(ns + "text").Select(t => t.Value).Where(t => t.EndsWith(" ms", StringComparison.Ordinal) && char.IsDigit(t[0])).ToList();
        Assert.True(ticks.Count >= 3 && ticks[0] == "0 ms", "no time axis: " + string.Join(", ", ticks));

        Assert.Equal(run.Block("Tool results one call at a time:"), run.Block("Tool results with ParallelSK:"));
        Assert.Contains("execute_tool get_stock", run.Text, StringComparison.Ordinal);
        Assert.Contains(run.Text.Split('\n'), l => l.StartsWith("diagnostic: ", StringComparison.Ordinal) && l.Contains("AllowMultipleToolCalls", StringComparison.Ordinal));
    }
}

/// <summary>The packages this project's build packed (Core and MCP; the Semantic Kernel adapter is checked where SK restores).</summary>
public sealed class PackageTests
{
    [Theory]
    [InlineData("SemanticKernel.ParallelInvocation.Core")]
    [InlineData("SemanticKernel.ParallelInvocation.Mcp")]
    [InlineData("SemanticKernel.ParallelInvocation.Redis")]
    public void Package_Packed_HasItsReadmeLicenseDeterministicSymbolsAndPassedValidation(string id) => PackageChecks.AssertPackedForNuGet(id);
}
