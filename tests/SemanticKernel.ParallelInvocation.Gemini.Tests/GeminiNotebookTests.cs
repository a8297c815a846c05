using System;
using System.Linq;
using System.Threading.Tasks;
using ParallelSK.Notebooks.Tests;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Notebooks;

/// <summary>
/// Notebook 02 needs Semantic Kernel's Google connector, so it runs with the Gemini tests, in .NET Interactive against packages
/// packed from the current sources; the connector comes from PARALLELSK_EXTRA_NUGET_SOURCE where the configured sources lack it.
/// </summary>
public sealed class GeminiNotebookTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Notebook02_InTheKernel_OverlapsTheReadsTheConnectorHandsOverOneAtATimeAndGivesItsOneAtATimeAnswer()
    {
        var run = await NotebookKernel.RunToTheEndAsync("02-gemini", output);

        var timeline = run.Timelines().Single();
        timeline.AssertOverlap(0, 1);
        timeline.AssertOrderedAfter(3, 2);
        string answer = run.Block("Answer with ParallelSK:");
        Assert.Contains("travel_get_booking: alice: AZ317", answer, StringComparison.Ordinal);
        Assert.Contains("travel_get_weather: cloudy, 17°C", answer, StringComparison.Ordinal);
        Assert.Equal(run.Block("Answer one call at a time:"), answer);
    }
}
