using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.Plans;

/// <summary>Plan mode in the middleware, end to end on a scripted model: a plan call's steps are planned with the rest of its turn.</summary>
public sealed class PlanModeTests
{
    private static FunctionCallContent PlanCall(string id, string stepsJson) =>
        new(id, "run_plan", new Dictionary<string, object?> { ["steps"] = JsonDocument.Parse(stepsJson).RootElement.Clone() });

    private static JsonElement PlanResult(FunctionResultContent result) => JsonDocument.Parse(Assert.IsType<string>(result.Result)).RootElement;

    private sealed class Shop
    {
        public ConcurrentDictionary<string, int> Stock { get; } = new(StringComparer.Ordinal) { ["apple"] = 1, ["pear"] = 2 };

        public AIFunction GetStock => AIFunctionFactory.Create((string item) => Stock.GetValueOrDefault(item), "get_stock");

        public AIFunction SetStock => AIFunctionFactory.Create((string item, int quantity) => { Stock[item] = quantity; return "ok"; }, "set_stock");

        public AIFunction Items => AIFunctionFactory.Create(() => Stock.Keys.Order(StringComparer.Ordinal).ToArray(), "list_items");

        public AIFunction Notice => AIFunctionFactory.Create(() => "restocked", "notice");

        public ParallelInvocationOptions Declare(ParallelInvocationOptions o) => o
            .Declare("get_stock", FunctionEffects.Reading("stock/{item}"))
            .Declare("set_stock", FunctionEffects.Writing("stock/{item}"))
            .Declare("list_items", FunctionEffects.Reading("stock"))
            .Declare("notice", FunctionEffects.Pure);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_PlanMixedWithOrdinaryCalls_PlannedTogetherAndAnsweredOnceEach(bool streaming)
    {
        var shop = new Shop();
        var model = new ScriptedChatClient()
            .Then(Calls(
                Call("c1", "set_stock", new { item = "apple", quantity = 5 }),
                PlanCall("p1", """
                    [{"function":"list_items","arguments":{}},
                     {"function":"get_stock","for_each":"$1","arguments":{"item":"$item"}},
                     {"function":"set_stock","arguments":{"item":"pear","quantity":"$2[0]"}}]
                    """),
                Call("c2", "notice")))
            .Then(Text("done"));
        var reports = new List<BatchReport>();
        using var client = model.AsParallelFunctionInvoking(o => shop.Declare(o).OnBatchCompleted = r => { lock (reports) { reports.Add(r); } });

        var response = await RunAsync(client, streaming, With(shop.GetStock, shop.SetStock, shop.Items, shop.Notice, ParallelPlanTool.Create()));

        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["c1", "p1", "c2"], results.Select(r => r.CallId));
        var plan = PlanResult(results[1]);
        Assert.Equal("3 steps: 3 succeeded", plan.GetProperty("plan").GetString());
        Assert.Equal("[5,2]", plan.GetProperty("steps")[1].GetProperty("result").GetRawText()); // saw the write emitted before the plan
        Assert.Equal(5, shop.Stock["pear"]);
        Assert.Equal("done", response.Text);

        var batch = reports[^1];
        Assert.Equal(["c1", "p1#1", "p1#2", "p1#3", "c2"], batch.Calls.Select(c => c.CallId));
        Assert.Equal([0], batch.Calls[1].Predecessors);          // list_items reads all stock: after the ordinary write
        Assert.Equal([1, 2], batch.Calls[3].Predecessors);       // set_stock(pear): after list_items read all stock (conflict), and step 2 (data)
        Assert.Empty(batch.Calls[4].Predecessors);
    }

    [Fact]
    public async Task GetResponse_PlanToolAdvertisedButNotCalled_SameResultsAsWithoutIt()
    {
        async Task<List<string>> Run(bool withPlanTool)
        {
            var shop = new Shop();
            var model = new ScriptedChatClient()
                .Then(Calls(Call("c1", "set_stock", new { item = "apple", quantity = 5 }), Call("c2", "get_stock", new { item = "apple" })))
                .Then(Text("done"));
            using var client = model.AsParallelFunctionInvoking(o => shop.Declare(o));
            AITool[] tools = withPlanTool ? [shop.GetStock, shop.SetStock, ParallelPlanTool.Create()] : [shop.GetStock, shop.SetStock];
            await client.GetResponseAsync(Ask, With(tools));
            return [.. ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().Select(r => $"{r.CallId}={r.Result}")];
        }

        Assert.Equal(await Run(withPlanTool: false), await Run(withPlanTool: true));
    }

    [Fact]
    public async Task GetResponse_RejectedPlan_AnsweredWithAnErrorResultWhileTheOtherCallsRun()
    {
        var shop = new Shop();
        var model = new ScriptedChatClient()
            .Then(Calls(
                PlanCall("p1", """[{"function":"get_stock","arguments":{"item":"$2"}},{"function":"delete_everything","arguments":{}}]"""),
                Call("c1", "set_stock", new { item = "apple", quantity = 9 })))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => shop.Declare(o));

        await client.GetResponseAsync(Ask, With(shop.GetStock, shop.SetStock, ParallelPlanTool.Create()));

        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["p1", "c1"], results.Select(r => r.CallId));
        string error = Assert.IsType<string>(results[0].Result);
        Assert.StartsWith("Error: the plan was rejected and none of its steps ran.", error, StringComparison.Ordinal);
        Assert.Contains("step 1 uses $2, the result of a later step", error, StringComparison.Ordinal);
        Assert.Contains("step 2: there is no function named 'delete_everything' (functions you can use: get_stock, set_stock)", error, StringComparison.Ordinal);
        Assert.NotNull(results[0].Exception); // marked as an error for providers that flag error results
        Assert.Equal(9, shop.Stock["apple"]);
    }

    [Fact]
    public async Task GetResponse_PlanStepNamesADeclarationOnlyToolOrThePlanTool_Rejected()
    {
        var model = new ScriptedChatClient()
            .Then(Calls(PlanCall("p1", """[{"function":"ask_user","arguments":{}},{"function":"run_plan","arguments":{"steps":[]}}]""")))
            .Then(Text("done"));
        var declarationOnly = AIFunctionFactory.CreateDeclaration("ask_user", "Asks the user.", JsonDocument.Parse("""{"type":"object"}""").RootElement);
        using var client = model.AsParallelFunctionInvoking();

        await client.GetResponseAsync(Ask, With(declarationOnly, ParallelPlanTool.Create()));

        string error = Assert.IsType<string>(Assert.Single(ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>()).Result);
        Assert.Contains("step 1: 'ask_user' is answered by the application, not run here, so it cannot be a plan step", error, StringComparison.Ordinal);
        Assert.Contains("step 2: a plan cannot call 'run_plan' itself", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_KStepChain_TwoModelRequestsInsteadOfKPlusOne()
    {
        var next = AIFunctionFactory.Create((int n) => n + 1, "next");
        var model = new ScriptedChatClient()
            .Then(Calls(PlanCall("p1", """
                [{"function":"next","arguments":{"n":0}},{"function":"next","arguments":{"n":"$1"}},{"function":"next","arguments":{"n":"$2"}},
                 {"function":"next","arguments":{"n":"$3"}},{"function":"next","arguments":{"n":"$4"}}]
                """)))
            .Then(Text("5"));
        using var client = model.AsParallelFunctionInvoking(o => o.Declare("next", FunctionEffects.Pure));

        await client.GetResponseAsync(Ask, With(next, ParallelPlanTool.Create()));

        Assert.Equal(2, model.Requests.Count);
        var plan = PlanResult(Assert.Single(ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>()));
        Assert.Equal(5, plan.GetProperty("steps")[4].GetProperty("result").GetInt32());
    }

    [Fact]
    public async Task GetResponse_PlanStepNeedsApproval_AskedOfTheHandlerWithItsArgumentsFilledIn()
    {
        var shop = new Shop();
        var asked = new List<string>();
        var model = new ScriptedChatClient()
            .Then(Calls(PlanCall("p1", """[{"function":"get_stock","arguments":{"item":"pear"}},{"function":"set_stock","arguments":{"item":"apple","quantity":"$1"}}]""")))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o =>
        {
            shop.Declare(o).Declare("set_stock", FunctionEffects.Writing("stock/{item}").RequiringApproval());
            o.ApprovalHandler = (request, _) =>
            {
                asked.Add($"{request.FunctionName}({string.Join(", ", request.Arguments.Select(a => $"{a.Key}={a.Value}"))})");
                return ValueTask.FromResult(true);
            };
        });

        await client.GetResponseAsync(Ask, With(shop.GetStock, shop.SetStock, ParallelPlanTool.Create()));

        Assert.Equal(["set_stock(item=apple, quantity=2)"], asked);
        Assert.Equal(2, shop.Stock["apple"]);
    }

    [Fact]
    public async Task GetResponse_PlanStepNeedsApprovalWithoutAHandler_RejectedWithoutRunningTheRoundTripIsPerModelCall()
    {
        var shop = new Shop();
        var model = new ScriptedChatClient()
            .Then(Calls(PlanCall("p1", """[{"function":"get_stock","arguments":{"item":"pear"}},{"function":"set_stock","arguments":{"item":"apple","quantity":"$1"}}]""")))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => shop.Declare(o).Declare("set_stock", FunctionEffects.Writing("stock/{item}").RequiringApproval()));

        var response = await client.GetResponseAsync(Ask, With(shop.GetStock, shop.SetStock, ParallelPlanTool.Create()));

        var plan = PlanResult(Assert.Single(ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>()));
        Assert.Equal("succeeded", plan.GetProperty("steps")[0].GetProperty("status").GetString());
        Assert.Equal("rejected", plan.GetProperty("steps")[1].GetProperty("status").GetString());
        Assert.Contains("requires approval, and no approver is configured", plan.GetProperty("steps")[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, shop.Stock["apple"]);
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public async Task GetResponse_Plan_OneSpanForThePlanAndOneExecuteToolSpanPerStep()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var shop = new Shop();
        var model = new ScriptedChatClient()
            .Then(Calls(PlanCall("span-test-plan", """[{"function":"get_stock","arguments":{"item":"apple"}},{"function":"set_stock","arguments":{"item":"pear","quantity":"$1"}}]""")))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => shop.Declare(o));

        await client.GetResponseAsync(Ask, With(shop.GetStock, shop.SetStock, ParallelPlanTool.Create()));

        var mine = spans.Where(s => (s.GetTagItem(TelemetryNames.ToolCallIdTag) as string)?.StartsWith("span-test-plan", StringComparison.Ordinal) == true).ToList();
        var planSpan = Assert.Single(mine, s => s.DisplayName == "execute_tool run_plan");
        Assert.Equal("span-test-plan", planSpan.GetTagItem(TelemetryNames.ToolCallIdTag));
        Assert.Equal(2, planSpan.GetTagItem("parallel_invocation.plan.steps"));
        var stepSpans = mine.Where(s => s != planSpan).OrderBy(s => s.GetTagItem(TelemetryNames.ToolCallIdTag)).ToList();
        Assert.Equal(["execute_tool get_stock", "execute_tool set_stock"], stepSpans.Select(s => s.DisplayName));
        Assert.Equal(["span-test-plan#1", "span-test-plan#2"], stepSpans.Select(s => s.GetTagItem(TelemetryNames.ToolCallIdTag)));
        Assert.All(stepSpans, s => Assert.True(s.StartTimeUtc >= planSpan.StartTimeUtc && s.StartTimeUtc + s.Duration <= planSpan.StartTimeUtc + planSpan.Duration, "a step span outside the plan span"));
        Assert.All(stepSpans, s => Assert.NotEqual(planSpan.SpanId, s.ParentSpanId));
    }
}
