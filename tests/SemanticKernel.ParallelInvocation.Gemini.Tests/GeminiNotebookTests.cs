using System.Threading.Tasks;
using ParallelSK.Notebooks.Tests;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Notebooks;

/// <summary>Notebook 02 needs Semantic Kernel's Google connector, so it runs with the Gemini tests.</summary>
public sealed class GeminiNotebookTests(ITestOutputHelper output)
{
    [Fact]
    public Task Notebook02_RunOfflineOnItsScriptedModel_ReachesItsLastCell() => NotebookRunner.AssertRunsToItsEndAsync("02-gemini", output);
}
