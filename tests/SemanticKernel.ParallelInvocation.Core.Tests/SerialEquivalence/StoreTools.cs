using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>The store's functions as AI functions, with true declarations; arguments carry the generated op.</summary>
public static class StoreTools
{
    private static readonly JsonElement Schema = JsonDocument.Parse(
        """{"type":"object","properties":{"key":{"type":"string"},"key2":{"type":"string"},"op":{}}}""").RootElement;

    public static readonly string[] Names = ["get", "set", "guarded_set", "incr", "clear", "copy", "sum", "scan", "audit"];

    public static ParallelInvocationOptions Options(StoreBatch batch)
    {
        // {*key}: the generated keys are hierarchical ("a/b" is below "a"), as the store treats them.
        var get = FunctionEffects.Reading("{*key}");
        var options = new ParallelInvocationOptions
        {
            MaxDegreeOfParallelism = batch.MaxDegreeOfParallelism,
            FailurePolicy = batch.Policy,
            ApprovalHandler = (request, _) => ValueTask.FromResult(((StoreOp)request.Arguments["op"]!).Approved),
        }
        .Declare("get", batch.GroupReads ? get.InConcurrencyGroup("reads") : get)
        .Declare("set", FunctionEffects.Writing("{*key}"))
        .Declare("guarded_set", FunctionEffects.Writing("{*key}").RequiringApproval())
        .Declare("incr", FunctionEffects.Writing("{*key}"))
        .Declare("clear", FunctionEffects.Writing("{*key}"))
        .Declare("copy", FunctionEffects.Writing("{*key}").AlsoReading("{*key2}"))
        .Declare("sum", FunctionEffects.Pure)
        .Declare("scan", FunctionEffects.ReadOnly)
        .Declare("audit", FunctionEffects.Exclusive);

        // Typed families: one segment per value ("slots/{slot}"), whatever its spelling. loose_incr is declared by nobody.
        foreach (string family in SpelledValues.Families)
        {
            string template = FamilyTemplate(family);
            options.Declare(family + "_incr", FunctionEffects.Writing(template)).Declare(family + "_get", FunctionEffects.Reading(template));
        }

        return batch.GroupReads ? options.AddConcurrencyGroup("reads", 1) : options;
    }

    /// <summary>The key template of a typed family's functions: one segment per value.</summary>
    public static string FamilyTemplate(string family) => $"{family}s/{{{SpelledValues.Parameter(family)}}}";

    public static List<ToolCallRequest> Requests(StoreBatch batch, KeyedStore store)
    {
        var functions = Names.Append(StoreOp.Undeclared).ToDictionary(n => n, n => (AIFunction)new StoreFunction(n, store));
        foreach (string family in SpelledValues.Families)
        {
            functions[family + "_incr"] = functions[family + "_get"] = Typed(family, store);
        }

        return batch.Ops.Select((op, i) => new ToolCallRequest(
            $"call_{i}",
            op.Function,
            op.Spelling is { } json
                ? new Dictionary<string, object?> { [SpelledValues.Parameter(SpelledValues.FamilyOf(op.Function)!)] = JsonDocument.Parse(json).RootElement.Clone(), ["op"] = op }
                : new Dictionary<string, object?> { ["key"] = op.Key, ["key2"] = op.Key2, ["op"] = op },
            functions[op.Function])).ToList();
    }

    /// <param name="batch">The batch.</param>
    /// <param name="legacyKeys">Run with the binding before canonical keys: each value's raw JSON spelling, verbatim (see <see cref="LegacyKeyValues"/>).</param>
    public static async Task<RunResult> RunWithEngineAsync(StoreBatch batch, bool legacyKeys = false)
    {
        var store = new KeyedStore();
        var executor = new ParallelToolExecutor(Options(batch));
        if (legacyKeys)
        {
            executor.Resolver.ValuesOverride = LegacyKeyValues.Values;
        }

        var report = await executor.ExecuteAsync(Requests(batch, store));
        return new RunResult(report.Calls.Select(c => (c.Status, c.Status == ToolCallStatus.Succeeded ? Text(c.Result) : null)).ToList(), store.Snapshot(string.Empty));
    }

    /// <summary>A result as text: typed functions (from methods) return their string serialized as JSON.</summary>
    private static string? Text(object? result) => result is JsonElement { ValueKind: JsonValueKind.String } e ? e.GetString() : (string?)result;

    /// <summary>The on/off switch turned on: every call started at once, as Task.WhenAll would, with no ordering at all.</summary>
    public static async Task<RunResult> RunAllAtOnceAsync(StoreBatch batch)
    {
        var store = new KeyedStore();
        var tasks = batch.Ops.Select(op => Task.Run(async () =>
        {
            try
            {
                return (ToolCallStatus.Succeeded, (string?)await op.RunAsync(store, CancellationToken.None));
            }
            catch (InvalidOperationException)
            {
                return (ToolCallStatus.Failed, (string?)null);
            }
        })).ToArray();
        var results = await Task.WhenAll(tasks);
        return new RunResult(results, store.Snapshot(string.Empty));
    }

    /// <summary>A family's function as Microsoft.Extensions.AI builds it from a method: it binds the spelled JSON to the parameter type itself.</summary>
    public static AIFunction Typed(string family, KeyedStore store) => family switch
    {
        "slot" => AIFunctionFactory.Create((int slot, StoreOp op, CancellationToken ct) => Run(op, "slot", slot, store, ct), "slot"),
        "guid" => AIFunctionFactory.Create((Guid guid, StoreOp op, CancellationToken ct) => Run(op, "guid", guid, store, ct), "guid"),
        "shade" => AIFunctionFactory.Create((Shade shade, StoreOp op, CancellationToken ct) => Run(op, "shade", shade, store, ct), "shade"),
        "when" => AIFunctionFactory.Create((DateTimeOffset when, StoreOp op, CancellationToken ct) => Run(op, "when", when, store, ct), "when"),
        "spot" => AIFunctionFactory.Create((Spot spot, StoreOp op, CancellationToken ct) => Run(op, "spot", spot, store, ct), "spot"),
        "name" => AIFunctionFactory.Create((string name, StoreOp op, CancellationToken ct) => Run(op, "name", name, store, ct), "name"),
        _ => throw new InvalidOperationException(family),
    };

    private static Task<string> Run(StoreOp op, string family, object bound, KeyedStore store, CancellationToken ct) =>
        op.RunAsync(store, ct, SpelledValues.StoreKey(family, bound));

    private sealed class StoreFunction(string name, KeyedStore store) : AIFunction
    {
        public override string Name => name;

        public override JsonElement JsonSchema => Schema;

        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            await ((StoreOp)arguments["op"]!).RunAsync(store, cancellationToken);
    }
}
