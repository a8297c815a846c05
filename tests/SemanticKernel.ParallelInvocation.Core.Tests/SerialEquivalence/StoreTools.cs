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

    public static readonly string[] Names = ["get", "set", "incr", "clear", "copy", "sum", "scan", "audit"];

    public static ParallelInvocationOptions Options(StoreBatch batch)
    {
        var get = FunctionEffects.Reading("{key}");
        var options = new ParallelInvocationOptions
        {
            MaxDegreeOfParallelism = batch.MaxDegreeOfParallelism,
            FailurePolicy = batch.Policy,
        }
        .Declare("get", batch.GroupReads ? get.InConcurrencyGroup("reads") : get)
        .Declare("set", FunctionEffects.Writing("{key}"))
        .Declare("incr", FunctionEffects.Writing("{key}"))
        .Declare("clear", FunctionEffects.Writing("{key}"))
        .Declare("copy", FunctionEffects.Writing("{key}").AlsoReading("{key2}"))
        .Declare("sum", FunctionEffects.Pure)
        .Declare("scan", FunctionEffects.ReadOnly)
        .Declare("audit", FunctionEffects.Exclusive);
        return batch.GroupReads ? options.AddConcurrencyGroup("reads", 1) : options;
    }

    public static List<ToolCallRequest> Requests(StoreBatch batch, KeyedStore store)
    {
        var functions = Names.ToDictionary(n => n, n => (AIFunction)new StoreFunction(n, store));
        return batch.Ops.Select((op, i) => new ToolCallRequest(
            $"call_{i}",
            op.Function,
            new Dictionary<string, object?> { ["key"] = op.Key, ["key2"] = op.Key2, ["op"] = op },
            functions[op.Function])).ToList();
    }

    public static async Task<RunResult> RunWithEngineAsync(StoreBatch batch)
    {
        var store = new KeyedStore();
        var executor = new ParallelToolExecutor(Options(batch));
        var report = await executor.ExecuteAsync(Requests(batch, store));
        return new RunResult(report.Calls.Select(c => (c.Status, c.Status == ToolCallStatus.Succeeded ? (string?)c.Result : null)).ToList(), store.Snapshot(string.Empty));
    }

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

    private sealed class StoreFunction(string name, KeyedStore store) : AIFunction
    {
        public override string Name => name;

        public override JsonElement JsonSchema => Schema;

        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            await ((StoreOp)arguments["op"]!).RunAsync(store, cancellationToken);
    }
}
