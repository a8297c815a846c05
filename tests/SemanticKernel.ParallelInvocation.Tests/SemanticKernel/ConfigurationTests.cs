using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>Configuration errors throw early, with every problem listed; a late one never hangs a conversation.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void AddParallelFunctionInvocation_InvalidOptions_ThrowsListingEveryProblem()
    {
        var builder = Kernel.CreateBuilder();

        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => builder.AddParallelFunctionInvocation(o =>
        {
            o.ConcurrencyGroups["search-api"] = 0;
            o.KeyNormalizers[""] = s => s;
            o.Declare("Inventory-GetStock", FunctionEffects.Reading("stock/{item"));
        }));

        Assert.Equal(3, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("search-api", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("prefix", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("stock/{item", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_PluginWithContradictoryDeclarations_ThrowsListingEveryProblem()
    {
        var builder = Kernel.CreateBuilder();
        builder.Plugins.AddFromType<BadPlugin>("Bad");
        builder.AddParallelFunctionInvocation();

        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => builder.Build());

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("[PureFunction] contradicts", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("names argument 'sku'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Batch_PluginWithBadDeclarationsAddedAfterBuild_AnswersErrorsInsteadOfHanging()
    {
        await using var server = new LocalModelServer();
        var kernel = TestKernels.OpenAI(server, new Inventory());
        kernel.Plugins.AddFromType<BadPlugin>("Bad");
        server.ThenJson(WireFormats.OpenAIToolCalls(new("c1", "Bad-Contradictory", "{}"), new("c2", "Inventory-Add", """{"a":1,"b":2}""")))
            .ThenJson(WireFormats.OpenAIText("done"));

        string answer = await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false);

        Assert.Equal("done", answer);
        var results = WireFormats.OpenAIToolResults(server.Requests[1].Body);
        Assert.Equal(["c1", "c2"], TestKernels.Ids(results));
        Assert.All(results, r => Assert.Contains("misconfigured", r.Content, StringComparison.Ordinal));
    }

    private sealed class BadPlugin
    {
        [KernelFunction, PureFunction, WritesResource("stock")]
        public string Contradictory() => "never";

        [KernelFunction, ReadsResource("stock/{sku}")]
        public string WrongArgument(string item) => item;
    }
}
