using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Plans;

/// <summary>The plan tool on Semantic Kernel's real OpenAI connector, against a local server replaying the chat-completions wire format.</summary>
public sealed class KernelPlanToolTests
{
    private const string Plan = """
        {"steps":[{"function":"Inventory-SetStock","arguments":{"item":"apple","quantity":5}},
                  {"function":"Inventory-GetStock","arguments":{"item":"apple"}},
                  {"function":"Add","arguments":{"a":"$2","b":1}}]}
        """;

    [Theory]
    [InlineData(Arrival.Concurrent, false)]
    [InlineData(Arrival.Sequential, true)]
    public async Task PlanCall_RunsItsStepsByDataAndConflictEdgesAndAnswersOnce(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var inventory = new Inventory();
        inventory.Stock["pear"] = 2;
        Script(server, streaming, new("call_1", "parallel-run_plan", Plan), new("call_2", "Inventory-GetStock", """{"item":"pear"}"""));
        var reports = new ConcurrentQueue<BatchReport>();
        var kernel = TestKernels.OpenAI(server, inventory, configure: TestKernels.CollectReports(reports), after: b => b.AddParallelPlanTool());

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(arrival), streaming);

        var results = WireFormats.OpenAIToolResults(server.Requests[1].Body);
        Assert.Equal(["call_1", "call_2"], TestKernels.Ids(results));
        var plan = JsonDocument.Parse(results[0].Content).RootElement;
        Assert.Equal("3 steps: 3 succeeded", plan.GetProperty("plan").GetString());
        Assert.Equal(5, plan.GetProperty("steps")[1].GetProperty("result").GetInt32());  // the read waited for the write
        Assert.Equal(6, plan.GetProperty("steps")[2].GetProperty("result").GetInt32());  // $2 bound to the int parameter
        Assert.Equal("2", results[1].Content);
        Assert.Equal(["set apple=5", "get apple", "add 5+1"], inventory.Log.Where(l => !l.Contains("pear", StringComparison.Ordinal)));

        var nested = reports.Single(r => r.Calls.Count == 3);
        Assert.Equal([0], nested.Calls[1].Predecessors);
        Assert.Equal([1], nested.Calls[2].Predecessors);
        var turn = reports.Single(r => r.Calls.Count == 2);
        Assert.Equal(["*"], turn.Calls[0].WriteKeys);                                    // the plan call is one exclusive call in its turn
    }

    [Fact]
    public async Task PlanCall_EveryStepGoesThroughTheKernelsFunctionInvocationFilters()
    {
        await using var server = new LocalModelServer();
        var seen = new ConcurrentQueue<string>();
        Script(server, streaming: false, new WireCall("call_1", "parallel-run_plan", Plan));
        var kernel = TestKernels.OpenAI(server, new Inventory(), after: b =>
        {
            b.AddParallelPlanTool();
            b.Services.AddSingleton<IFunctionInvocationFilter>(new SeeingFilter(seen));
        });

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false);

        Assert.Equal(["run_plan", "SetStock", "GetStock", "Add"], seen);  // the plan call, then its steps in their dependency order
    }

    [Fact]
    public async Task PlanCall_InvalidPlan_RejectedWithEveryProblemAndNothingRuns()
    {
        await using var server = new LocalModelServer();
        var inventory = new Inventory();
        Script(server, streaming: false, new WireCall("call_1", "parallel-run_plan", """{"steps":[{"function":"Inventory-GetStock","arguments":{"item":"$3"}},{"function":"Inventory-Steal","arguments":{}}]}"""));
        var kernel = TestKernels.OpenAI(server, inventory, after: b => b.AddParallelPlanTool());

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false);

        string result = WireFormats.OpenAIToolResults(server.Requests[1].Body).Single().Content;
        Assert.StartsWith("Error: the plan was rejected and none of its steps ran.", result, StringComparison.Ordinal);
        Assert.Contains("step 1: $3 refers to step 3, and the plan has steps 1 to 2", result, StringComparison.Ordinal);
        Assert.Contains("step 2: there is no function named 'Inventory-Steal'", result, StringComparison.Ordinal);
        Assert.Empty(inventory.Log);
    }

    [Fact]
    public async Task PlanTool_IsAdvertisedWithItsSchema()
    {
        await using var server = new LocalModelServer();
        server.ThenJson(WireFormats.OpenAIText("nothing to do"));
        var kernel = TestKernels.OpenAI(server, new Inventory(), after: b => b.AddParallelPlanTool());

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false);

        var tool = server.Requests[0].Body.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("function").GetProperty("name").GetString() == "parallel-run_plan");
        var steps = tool.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("steps");
        Assert.Equal("array", steps.GetProperty("type").GetString());
        Assert.Contains("for_each", tool.GetProperty("function").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static void Script(LocalModelServer server, bool streaming, params WireCall[] calls)
    {
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(calls)).ThenSse(WireFormats.OpenAIStreamingText("done"));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(calls)).ThenJson(WireFormats.OpenAIText("done"));
        }
    }

    private sealed class SeeingFilter(ConcurrentQueue<string> seen) : IFunctionInvocationFilter
    {
        public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
        {
            seen.Enqueue(context.Function.Name);
            await next(context);
        }
    }
}
