using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;
using SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>
/// The contract for plans: a plan run by the engine gives the same step results and final state as its steps run one at a time in the
/// given order, references filled in from actual results — under random latencies, failures, limits and failure policies.
/// </summary>
public sealed class PlanSerialEquivalenceTests(ITestOutputHelper output)
{
    private const int Plans = 600;

    [Fact]
    public void RunPlan_RandomPlans_EqualTheirStepsRunOneAtATime()
    {
        int steps = 0;
        var property = Prop.ForAll(GeneratedPlan.Arbitrary(withFailures: true), plan =>
        {
            Interlocked.Add(ref steps, plan.Steps.Length);
            var expected = PlanSerialRun.RunAsync(plan).GetAwaiter().GetResult();
            var actual = RunWithEngineAsync(plan, pure: false).GetAwaiter().GetResult();
            return actual.SameAs(expected).Label($"{plan.ToJson()}{Environment.NewLine}expected {expected}{Environment.NewLine}actual   {actual}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Plans).WithQuietOnSuccess(true), property);
        output.WriteLine($"{Plans} plans, {steps} steps: every one equal to its steps run one at a time.");
    }

    [Fact]
    public void DataEdgesOnlyExecutor_SameGenerator_IsCaughtViolatingTheProperty()
    {
        // Proof that the property can fail: every ready step at once, waiting only for the results it references (every function
        // declared pure, so no conflict is ordered), must be caught on some generated plan.
        var property = Prop.ForAll(GeneratedPlan.Arbitrary(withFailures: false, FailurePolicy.RunAll), plan =>
        {
            var expected = PlanSerialRun.RunAsync(plan).GetAwaiter().GetResult();
            var actual = RunWithEngineAsync(plan, pure: true).GetAwaiter().GetResult();
            return actual.SameAs(expected);
        });

        var failure = Assert.ThrowsAny<Exception>(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Plans).WithQuietOnSuccess(true), property));
        output.WriteLine("The data-edges-only executor was caught: " + failure.Message.Split('\n')[0]);
    }

    private static async Task<PlanRunResult> RunWithEngineAsync(GeneratedPlan plan, bool pure)
    {
        var store = new KeyedStore();
        var options = PlanStore.Options(pure, plan.Policy, plan.MaxDegreeOfParallelism);
        string text = await PlanKit.RunTextAsync(options, PlanKit.Steps(plan.ToJson()), PlanStore.Functions(store));
        var result = JsonDocument.Parse(text).RootElement;
        var steps = result.GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("status").GetString()!, s.TryGetProperty("result", out var r) ? (JsonElement?)r.Clone() : null))
            .ToList();
        return new PlanRunResult(steps, store.Snapshot(string.Empty));
    }
}
