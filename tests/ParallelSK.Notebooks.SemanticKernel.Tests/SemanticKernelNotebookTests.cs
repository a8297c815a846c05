using System.Threading.Tasks;
using Xunit.Abstractions;
using ParallelSK.Notebooks.Tests;

namespace ParallelSK.Notebooks.SemanticKernel.Tests;

/// <summary>
/// The notebooks that need Semantic Kernel run to their end as one program on their scripted models. Where Semantic Kernel's packages
/// come from a local folder, name it in PARALLELSK_EXTRA_NUGET_SOURCE (and, for builds of SK with only net10.0, set
/// ParallelSKAdapterTargetFrameworks=net10.0).
/// </summary>
public sealed class SemanticKernelNotebookTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("01-semantic-kernel-quickstart")]
    
    public Task Notebook_RunOfflineOnItsScriptedModel_ReachesItsLastCell(string name) => NotebookRunner.AssertRunsToItsEndAsync(name, output);
}
