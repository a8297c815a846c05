using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Plans.PlanKit;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>How a plan runs: references filled in from their producers' outputs, fan-outs, failures and what the model gets back.</summary>
public sealed class PlanExecutionTests
{
    [Fact]
    public async Task RunPlan_ChainWithPathsIntoNestedOutputs_EachStepGetsTheValueItNamed()
    {
        var f = new PlanFunctions();
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"get_order","arguments":{"id":"$1.orders[-1].id"}},
             {"function":"echo","arguments":{"text":"first $1.Orders[0].Id, last $2.Id costs $2.Total; $$5 off"}}]
            """, f.All);

        Assert.Equal("3 steps: 3 succeeded", plan.GetProperty("plan").GetString());
        Assert.Equal("acme", Result(plan, 1).GetProperty("name").GetString());
        Assert.Equal("o2", Result(plan, 2).GetProperty("id").GetString());
        Assert.Equal("first o1, last o2 costs 22.5; $5 off", Result(plan, 3).GetString());
        Assert.Equal(3, f.Calls);
    }

    [Fact]
    public async Task RunPlan_WholeReference_IsBoundToTheParameterType()
    {
        // get_total returns a number; echo takes a string, square an integer: "$1" becomes "12.5" and "$3" (the text "4") becomes 4.
        var f = new PlanFunctions();
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"get_total","arguments":{"id":"o1"}},
             {"function":"echo","arguments":{"text":"$1"}},
             {"function":"echo","arguments":{"text":"4"}},
             {"function":"square","arguments":{"n":"$3"}}]
            """, f.All);

        Assert.Equal("12.5", Result(plan, 2).GetString());
        Assert.Equal(16, Result(plan, 4).GetInt32());
    }

    [Fact]
    public async Task RunPlan_ReferenceInsideObjectsAndArrays_FilledInWhereItStands()
    {
        var f = new PlanFunctions();
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"get_total","arguments":{"id":"o1"}},
             {"function":"get_total","arguments":{"id":"o2"}},
             {"function":"sum","arguments":{"values":["$1","$2",1]}}]
            """, f.All);

        Assert.Equal(36.0, Result(plan, 3).GetDouble());
    }

    [Fact]
    public async Task RunPlan_FanOutOverALookupsResults_OneCallPerElementThenJoined()
    {
        var f = new PlanFunctions(orders: 5);
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"get_total","for_each":"$1.Orders","arguments":{"id":"$item.Id"}},
             {"function":"sum","arguments":{"values":"$2"}}]
            """, f.All);

        Assert.Equal(5, Step(plan, 2).GetProperty("calls").GetInt32());
        Assert.Equal([12.5, 22.5, 32.5, 42.5, 52.5], Result(plan, 2).EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(162.5, Result(plan, 3).GetDouble());
        Assert.Equal(1 + 5 + 1, f.Calls);
    }

    [Fact]
    public async Task RunPlan_FanOutOverEmptyArray_SucceedsWithNoCalls()
    {
        var f = new PlanFunctions(orders: 0);
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"get_total","for_each":"$1.Orders","arguments":{"id":"$item.Id"}},
             {"function":"sum","arguments":{"values":"$2"}}]
            """, f.All);

        Assert.Equal("succeeded", Status(plan, 2));
        Assert.Equal(0, Step(plan, 2).GetProperty("calls").GetInt32());
        Assert.Equal(0, Result(plan, 2).GetArrayLength());
        Assert.Equal(0.0, Result(plan, 3).GetDouble());
    }

    [Fact]
    public async Task RunPlan_FanOutAtTheLimit_RunsEveryCall()
    {
        var f = new PlanFunctions(orders: 64);
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"get_total","for_each":"$1.Orders","arguments":{"id":"$item.Id"}}]
            """, f.All);

        Assert.Equal(64, Result(plan, 2).GetArrayLength());
        Assert.Equal(65, f.Calls);
    }

    [Fact]
    public async Task RunPlan_FanOutPastTheLimit_StepFailsWithoutCallingAndDependentsAreSkipped()
    {
        var f = new PlanFunctions(orders: 65);
        var plan = await RunAsync(PureOptions(f.All), """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"get_total","for_each":"$1.Orders","arguments":{"id":"$item.Id"}},
             {"function":"sum","arguments":{"values":"$2"}}]
            """, f.All);

        Assert.Equal("failed", Status(plan, 2));
        Assert.Contains("$1.Orders has 65 elements, and a step may make at most 64 calls; nothing was called", Error(plan, 2), StringComparison.Ordinal);
        Assert.Equal("skipped", Status(plan, 3));
        Assert.Equal("did not run, because step 2 ('get_total') failed and this step needs its result", Error(plan, 3));
        Assert.Equal(1, f.Calls);
    }

    [Fact]
    public async Task RunPlan_OneFanOutCallFails_StepFailsListingItAndKeepsTheOtherResults()
    {
        int calls = 0;
        var flaky = AIFunctionFactory.Create((string id) => Interlocked.Increment(ref calls) > 0 && id == "o2" ? throw new InvalidOperationException("boom") : id.ToUpperInvariant(), "upper");
        var f = new PlanFunctions(orders: 3);
        var functions = f.All.Append(flaky).ToArray();
        var plan = await RunAsync(PureOptions(functions), """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"upper","for_each":"$1.Orders","arguments":{"id":"$item.Id"}},
             {"function":"echo","arguments":{"text":"$2"}}]
            """, functions);

        Assert.Equal("failed", Status(plan, 2));
        Assert.Equal("1 of 3 calls did not succeed", Error(plan, 2));
        Assert.Equal("""["O1",null,"O3"]""", Result(plan, 2).GetRawText());
        Assert.StartsWith("failed: Error: the call to 'upper' failed", Step(plan, 2).GetProperty("errors").GetProperty("1").GetString(), StringComparison.Ordinal);
        Assert.Equal("skipped", Status(plan, 3));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task RunPlan_PathMissingFromTheActualOutput_StepFailsNamingItAndItsFunctionNeverRuns()
    {
        // A function without an output schema: the path cannot be checked before the run.
        var loose = AIFunctionFactory.Create(() => JsonDocument.Parse("""{"a":{"b":1}}""").RootElement.Clone(), "loose");
        var f = new PlanFunctions();
        var functions = f.All.Append(loose).ToArray();
        var plan = await RunAsync(PureOptions(functions), """
            [{"function":"loose","arguments":{}},
             {"function":"echo","arguments":{"text":"$1.a.c"}},
             {"function":"echo","arguments":{"text":"$2"}},
             {"function":"echo","arguments":{"text":"$1.a.b"}}]
            """, functions);

        Assert.Equal("failed", Status(plan, 2));
        Assert.Equal("its input could not be made: $1.a.c: $1.a in step 1's result has no property 'c' (it has: b)", Error(plan, 2));
        Assert.Equal("skipped", Status(plan, 3));
        Assert.Equal("1", Result(plan, 4).GetString());
        Assert.Equal(1, f.Calls); // only step 4's echo
    }

    [Fact]
    public async Task RunPlan_ToolReturnsJsonText_PathsFollowIntoIt()
    {
        var text = AIFunctionFactory.Create(() => """{"items":[{"id":"o2"}]}""", "json_text");
        var f = new PlanFunctions();
        var functions = f.All.Append(text).ToArray();
        var plan = await RunAsync(PureOptions(functions), """
            [{"function":"json_text","arguments":{}},
             {"function":"get_order","arguments":{"id":"$1.items[0].id"}}]
            """, functions);

        Assert.Equal("o2", Result(plan, 2).GetProperty("id").GetString());
        Assert.Equal("o2", Result(plan, 1).GetProperty("items")[0].GetProperty("id").GetString()); // embedded as JSON, not an escaped string
    }

    [Fact]
    public async Task RunPlan_LongResults_CutLongestFirstToTheLimitKeepingShortOnesWhole()
    {
        var big = AIFunctionFactory.Create((int n) => new string('x', n), "big");
        var f = new PlanFunctions();
        var functions = f.All.Append(big).ToArray();
        string text = await RunTextAsync(PureOptions(functions), Steps("""
            [{"function":"big","arguments":{"n":5000}},
             {"function":"echo","arguments":{"text":"short"}},
             {"function":"big","arguments":{"n":3000}}]
            """), functions, new PlanToolOptions { MaxResultLength = 1000 });

        Assert.True(text.Length <= 1000, $"{text.Length} characters");
        var plan = JsonDocument.Parse(text).RootElement;
        Assert.Equal("short", Result(plan, 2).GetString());
        Assert.Matches(@"^x+\.\.\. \[cut: \d+ of 5000 characters shown\]$", Result(plan, 1).GetString());
        Assert.Matches(@"^x+\.\.\. \[cut: \d+ of 3000 characters shown\]$", Result(plan, 3).GetString());
        Assert.All(new[] { 1, 2, 3 }, n => Assert.Equal("succeeded", Status(plan, n)));
    }

    [Fact]
    public async Task RunPlan_FanOutCallsNeedApproval_EachAskedWithItsArgumentsFilledIn()
    {
        var asked = new ConcurrentBag<string>();
        var f = new PlanFunctions(orders: 3);
        var options = PureOptions(f.All).Declare("get_total", FunctionEffects.Pure.RequiringApproval());
        options.ApprovalHandler = (request, _) =>
        {
            string id = ((JsonElement)request.Arguments["id"]!).GetString()!;
            asked.Add(id);
            return ValueTask.FromResult(id != "o2");
        };

        var plan = await RunAsync(options, """
            [{"function":"find_customer","arguments":{"name":"acme"}},
             {"function":"get_total","for_each":"$1.Orders","arguments":{"id":"$item.Id"}}]
            """, f.All);

        Assert.Equal(["o1", "o2", "o3"], asked.Order());
        Assert.Equal("failed", Status(plan, 2));
        Assert.Equal("""[12.5,null,32.5]""", Result(plan, 2).GetRawText());
        Assert.Contains("rejected: Error: the call to 'get_total' was not approved", Step(plan, 2).GetProperty("errors").GetProperty("1").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPlan_StepWithReferencesNeedsApproval_ApproverSeesTheFilledInArguments()
    {
        string? seen = null;
        var f = new PlanFunctions();
        var options = PureOptions(f.All).Declare("echo", FunctionEffects.Pure.RequiringApproval());
        options.ApprovalHandler = (request, _) =>
        {
            seen = ((JsonElement)request.Arguments["text"]!).GetString();
            return ValueTask.FromResult(true);
        };

        var plan = await RunAsync(options, """
            [{"function":"get_order","arguments":{"id":"o1"}},
             {"function":"echo","arguments":{"text":"refund $1.Id"}}]
            """, f.All);

        Assert.Equal("refund o1", seen);
        Assert.Equal("refund o1", Result(plan, 2).GetString());
    }
}
