using System;
using System.Linq;
using System.Threading.Tasks;
using ParallelSK.Notebooks.Tests;
using Xunit.Abstractions;

namespace ParallelSK.Notebooks.SemanticKernel.Tests;

/// <summary>
/// Notebook 01 runs in .NET Interactive against packages packed from the current sources, and its outputs show what its text
/// claims. Where Semantic Kernel's packages come from a local folder, name it in PARALLELSK_EXTRA_NUGET_SOURCE.
/// </summary>
public sealed class SemanticKernelNotebookTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Notebook01_InTheKernel_OverlapsTheIndependentCallsAndGivesSemanticKernelsOneAtATimeAnswer()
    {
        var run = await NotebookKernel.RunToTheEndAsync("01-semantic-kernel-quickstart", output);

        var timeline = run.Timelines().Single();
        timeline.AssertOverlap(0, 1, 2, 4);
        timeline.AssertOrderedAfter(3, 2);
        string answer = run.Block("Answer with ParallelSK:");
        Assert.Contains("call_3: alice: AZ317", answer, StringComparison.Ordinal);
        Assert.Equal(run.Block("Answer one call at a time:"), answer);
        Assert.Contains("Diagnostics: nothing stands in the way of parallel calls.", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_SemanticKernelAdapter_HasItsReadmeLicenseDeterministicSymbolsAndPassedValidation() =>
        PackageChecks.AssertPackedForNuGet("SemanticKernel.ParallelInvocation");
}
