using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Plans.PlanKit;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>Every way a plan is rejected: before anything runs, with one error result naming each problem and what to do.</summary>
public sealed class PlanRejectionTests
{
    public static TheoryData<string, string> BadPlans => new()
    {
        { "{}", "\"steps\" must be an array of steps, not an object" },
        { "[]", "the plan has no steps" },
        { "[42]", "step 1 must be an object" },
        { """[{"function":"echo","arguments":{"text":"a"},"args":{}}]""", "step 1: unknown field \"args\"" },
        { """[{"arguments":{}}]""", "step 1 has no \"function\"" },
        { """[{"function":"nope","arguments":{}}]""", "step 1: there is no function named 'nope' (functions you can use: echo, find_customer, get_order, get_total, square, sum)" },
        { """[{"function":"echo","arguments":[1]}]""", "step 1: \"arguments\" must be an object" },
        { """[{"function":"echo","arguments":{"text":"$0"}}]""", "step 1: $0 refers to step 0, and the plan has steps 1 to 1" },
        { """[{"function":"echo","arguments":{"text":"a"}},{"function":"echo","arguments":{"text":"$5"}}]""", "step 2: $5 refers to step 5, and the plan has steps 1 to 2" },
        { """[{"function":"echo","arguments":{"text":"$1"}}]""", "step 1: $1 refers to this step's own result" },
        { """[{"function":"echo","arguments":{"text":"$2"}},{"function":"echo","arguments":{"text":"b"}}]""", "step 1 uses $2, the result of a later step; a step can use only the results of steps before it. Put step 2 before step 1" },
        { """[{"function":"echo","arguments":{"text":"$3"}},{"function":"echo","arguments":{"text":"$1"}},{"function":"echo","arguments":{"text":"$2"}}]""", "steps 1, 2, 3 form a cycle" },
        { """[{"function":"echo","arguments":{"text":"$item"}}]""", "step 1: $item is the current element of a \"for_each\" step, and this step has no \"for_each\"" },
        { """[{"function":"echo","arguments":{"text":"a"}},{"function":"echo","for_each":42,"arguments":{"text":"$item"}}]""", "step 2: \"for_each\" must be a reference to an earlier step's array" },
        { """[{"function":"echo","arguments":{"text":"a"}},{"function":"echo","for_each":"$item","arguments":{"text":"x"}}]""", "step 2: \"for_each\" must be a reference to an earlier step's array" },
        { """[{"function":"find_customer","arguments":{"name":"acme"}},{"function":"get_order","arguments":{"id":"$1.Orders[x]"}}]""", "step 2, argument 'id': '$1.Orders[x]' has a malformed index" },
        { """[{"function":"find_customer","arguments":{"name":"acme"}},{"function":"get_order","arguments":{"id":"$1.Ordrs[0].Id"}}]""", "step 2: $1.Ordrs[0].Id cannot be found in the result of step 1 ('find_customer'): it has no property 'Ordrs' (its properties: name, orders)" },
        { """[{"function":"find_customer","arguments":{"name":"acme"}},{"function":"get_order","arguments":{"id":"$1[0]"}}]""", "it is an object, not an array, so it has no element [0]" },
        { """[{"function":"find_customer","arguments":{"name":"acme"}},{"function":"get_order","arguments":{"id":"$1.Orders[0].Total.Name"}}]""", "$1.Orders[0].Total.Name cannot be found in the result of step 1 ('find_customer'): it is a number, which has no property 'Name'" },
        { """[{"function":"find_customer","arguments":{"name":"acme"}},{"function":"get_order","for_each":"$1","arguments":{"id":"$item.Id"}}]""", "step 2: \"for_each\" needs an array, and $1 is an object" },
        { """[{"function":"find_customer","arguments":{"name":"acme"}},{"function":"get_order","for_each":"$1.Orders","arguments":{"id":"$item.Id"}},{"function":"echo","arguments":{"text":"$2.Total"}}]""", "step 2 calls 'get_order' once per element, so its result is an array" },
        { """[{"function":"get_order","arguments":{"ident":"o1"}}]""", "step 1: 'get_order' has no parameter 'ident' (its parameters: id)" },
        { """[{"function":"get_order","arguments":{}}]""", "step 1: 'get_order' needs the argument 'id'" },
        { """[{"id":2,"function":"echo","arguments":{"text":"a"}}]""", "step 1 has \"id\": 2; steps are numbered by position" },
        { "\"[{\\\"function\\\"\"", "\"steps\" must be an array of steps, not a string" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public async Task RunPlan_InvalidPlan_RejectedBeforeAnythingRunsWithActionableError(string steps, string expected)
    {
        var functions = new PlanFunctions();
        string result = await RunTextAsync(PureOptions(functions.All), Steps(steps), functions.All);

        Assert.StartsWith("Error: the plan was rejected and none of its steps ran. (1) ", result, StringComparison.Ordinal);
        Assert.Contains(expected, result, StringComparison.Ordinal);
        Assert.EndsWith("call run_plan again.", result, StringComparison.Ordinal);
        Assert.Equal(0, functions.Calls);
    }

    [Fact]
    public async Task RunPlan_NoStepsArgument_RejectedWithTheFormat()
    {
        var functions = new PlanFunctions();
        string result = await RunTextAsync(PureOptions(functions.All), [], functions.All);
        Assert.Contains("the plan has no \"steps\": send {\"steps\": [{\"function\": \"name\", \"arguments\": {...}}, ...]}", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPlan_SeveralProblems_EveryOneListedAndValidStepsDoNotRun()
    {
        var functions = new PlanFunctions();
        string result = await RunTextAsync(
            PureOptions(functions.All),
            Steps("""[{"function":"echo","arguments":{"text":"fine"}},{"function":"nope","arguments":{}},{"function":"get_order","arguments":{"id":"$9"}}]"""),
            functions.All);

        Assert.Contains("(1) step 2: there is no function named 'nope'", result, StringComparison.Ordinal);
        Assert.Contains("(2) step 3: $9 refers to step 9", result, StringComparison.Ordinal);
        Assert.Contains("Fix these and call run_plan again.", result, StringComparison.Ordinal);
        Assert.Equal(0, functions.Calls);
    }

    [Fact]
    public async Task RunPlan_MoreStepsThanMaxSteps_Rejected()
    {
        var functions = new PlanFunctions();
        string result = await RunTextAsync(
            PureOptions(functions.All),
            Steps("""[{"function":"echo","arguments":{"text":"a"}},{"function":"echo","arguments":{"text":"b"}},{"function":"echo","arguments":{"text":"c"}}]"""),
            functions.All,
            new PlanToolOptions { MaxSteps = 2 });

        Assert.Contains("the plan has 3 steps; at most 2 are allowed", result, StringComparison.Ordinal);
        Assert.Equal(0, functions.Calls);
    }

    [Fact]
    public async Task RunPlan_MoreStepsThanTheBatchMayHold_Rejected()
    {
        var functions = new PlanFunctions();
        var options = PureOptions(functions.All);
        options.MaxBatchSize = 2;
        string result = await RunTextAsync(
            options,
            Steps("""[{"function":"echo","arguments":{"text":"a"}},{"function":"echo","arguments":{"text":"b"}},{"function":"echo","arguments":{"text":"c"}}]"""),
            functions.All);

        Assert.Contains("exceed the 2 calls a turn may run", result, StringComparison.Ordinal);
        Assert.Equal(0, functions.Calls);
    }

    [Fact]
    public async Task RunPlan_StepCallsAPlanTool_Rejected()
    {
        var functions = new PlanFunctions();
        var inner = ParallelPlanTool.Create(new PlanToolOptions { Name = "inner_plan" });
        string result = await RunTextAsync(
            PureOptions(functions.All),
            Steps("""[{"function":"inner_plan","arguments":{"steps":[]}}]"""),
            functions.All.Append(inner));

        Assert.Contains("step 1: a plan cannot call 'inner_plan' itself", result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnboundPlanTool_InvokedOutsideTheMiddleware_ThrowsNamingTheWayToBindIt()
    {
        var tool = ParallelPlanTool.Create();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => tool.InvokeAsync(new AIFunctionArguments(Steps("[]"))).AsTask());
        Assert.Contains("ParallelPlanTool.Create(functions, executor)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanTool_DescriptionAndSchema_TeachTheFormat()
    {
        var tool = ParallelPlanTool.Create();
        Assert.Equal("run_plan", tool.Name);
        foreach (string fragment in new[] { "\"$2\"", "$2.items[0].id", "for_each", "$item", "$$" })
        {
            Assert.Contains(fragment, tool.Description, StringComparison.Ordinal);
        }

        var steps = tool.JsonSchema.GetProperty("properties").GetProperty("steps");
        Assert.Equal("array", steps.GetProperty("type").GetString());
        var step = steps.GetProperty("items").GetProperty("properties");
        Assert.Equal(["function", "arguments", "for_each"], step.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Array, tool.JsonSchema.GetProperty("required").ValueKind);
    }
}
