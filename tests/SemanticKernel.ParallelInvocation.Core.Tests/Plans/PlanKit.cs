using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

public sealed record Order(string Id, double Total);

public sealed record Customer(string Name, Order[] Orders);

/// <summary>Functions with real schemas (from <see cref="AIFunctionFactory"/>) for plan tests, counting how often each ran.</summary>
public sealed class PlanFunctions
{
    private int _calls;

    public PlanFunctions(int orders = 2)
    {
        Orders = Enumerable.Range(1, orders).Select(i => new Order($"o{i}", i * 10 + 2.5)).ToArray();
        FindCustomer = AIFunctionFactory.Create((string name) => { Count(); return new Customer(name, Orders); }, "find_customer");
        GetOrder = AIFunctionFactory.Create((string id) => { Count(); return Orders.Single(o => o.Id == id); }, "get_order");
        GetTotal = AIFunctionFactory.Create((string id) => { Count(); return Orders.Single(o => o.Id == id).Total; }, "get_total");
        Sum = AIFunctionFactory.Create((double[] values) => { Count(); return values.Sum(); }, "sum");
        Echo = AIFunctionFactory.Create((string text) => { Count(); return text; }, "echo");
        Square = AIFunctionFactory.Create((int n) => { Count(); return n * n; }, "square");
    }

    public Order[] Orders { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public AIFunction FindCustomer { get; }

    public AIFunction GetOrder { get; }

    public AIFunction GetTotal { get; }

    public AIFunction Sum { get; }

    public AIFunction Echo { get; }

    public AIFunction Square { get; }

    public AIFunction[] All => [FindCustomer, GetOrder, GetTotal, Sum, Echo, Square];

    private void Count() => Interlocked.Increment(ref _calls);
}

internal static class PlanKit
{
    public static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    public static Dictionary<string, object?> Steps(string json) => new() { ["steps"] = JsonDocument.Parse(json).RootElement.Clone() };

    /// <summary>Every function pure: plan tests that are not about conflicts.</summary>
    public static ParallelInvocationOptions PureOptions(IEnumerable<AIFunction> functions)
    {
        var options = new ParallelInvocationOptions();
        foreach (var f in functions)
        {
            options.Declare(f.Name, FunctionEffects.Pure);
        }

        return options;
    }

    /// <summary>Runs a plan through a bound plan tool; returns its one result, parsed.</summary>
    public static async Task<JsonElement> RunAsync(ParallelInvocationOptions options, string stepsJson, IEnumerable<AIFunction> functions, PlanToolOptions? planOptions = null, CancellationToken cancellationToken = default)
    {
        string text = await RunTextAsync(options, Steps(stepsJson), functions, planOptions, cancellationToken);
        Assert.False(text.StartsWith("Error:", StringComparison.Ordinal), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<string> RunTextAsync(ParallelInvocationOptions options, Dictionary<string, object?> arguments, IEnumerable<AIFunction> functions, PlanToolOptions? planOptions = null, CancellationToken cancellationToken = default)
    {
        var tool = ParallelPlanTool.Create(functions, new ParallelToolExecutor(options), planOptions);
        object? result = await tool.InvokeAsync(new AIFunctionArguments(arguments), cancellationToken).AsTask().WaitAsync(SafetyNet);
        return Assert.IsType<string>(result);
    }

    public static JsonElement Step(JsonElement plan, int number) => plan.GetProperty("steps")[number - 1];

    public static string Status(JsonElement plan, int number) => Step(plan, number).GetProperty("status").GetString()!;

    public static string Error(JsonElement plan, int number) => Step(plan, number).GetProperty("error").GetString()!;

    public static JsonElement Result(JsonElement plan, int number) => Step(plan, number).GetProperty("result");
}
