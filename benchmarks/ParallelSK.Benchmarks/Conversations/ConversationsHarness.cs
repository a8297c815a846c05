using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using ParallelSK.Benchmarks.Common;
using ParallelSK.Benchmarks.Makespan;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Conversations;

/// <summary>
/// Many conversations at once: every conversation has one batch in flight (look up a price and a profile, add to its cart, read its cart
/// back), all started together. Measures throughput, thread-pool growth and memory for the engine and for plain Task.WhenAll.
/// </summary>
internal static class ConversationsHarness
{
    private static readonly ToolDef[] Tools =
    [
        new("get_price", SimKind.Read, FunctionEffects.Reading("{*key}")),
        new("get_profile", SimKind.Read, FunctionEffects.Reading("{*key}")),
        new("add_to_cart", SimKind.Increment, FunctionEffects.Writing("{*key}")),
        new("get_cart", SimKind.Read, FunctionEffects.Reading("{*key}")),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        int batches = 10_000, latencyMs = 100;
        for (int i = 0; i < args.Length; i++)
        {
            bool ok = i + 1 < args.Length && args[i] switch
            {
                "--batches" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out batches) && batches > 0,
                "--latency-ms" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out latencyMs) && latencyMs >= 0,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"conversations: unknown or bad option near '{args[i]}'. Options: --batches N (N > 0), --latency-ms N (N >= 0).");
                return 2;
            }
        }

        Console.WriteLine(MachineInfo.Describe());
        Console.WriteLine($"{batches:N0} conversations, each with one batch of {Tools.Length} calls in flight at once; tool latency {latencyMs} ms (Task.Delay); critical path per batch {2 * latencyMs} ms.");
        Console.WriteLine();
        Console.WriteLine("| strategy | wall time | batches/s | calls/s | pool threads before → peak → after | peak heap | allocated | allocated per call | wrong cart reads |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        await MeasureAsync("warm-up", Math.Min(batches, 200), latencyMs, engine: true, print: false);
        await MeasureAsync("warm-up", Math.Min(batches, 200), latencyMs, engine: false, print: false);
        await MeasureAsync("ParallelSK engine", batches, latencyMs, engine: true, print: true);
        await MeasureAsync("Task.WhenAll", batches, latencyMs, engine: false, print: true);
        return 0;
    }

    private static async Task MeasureAsync(string label, int batches, int latencyMs, bool engine, bool print)
    {
        var store = new SimStore(int.MaxValue);
        var functions = Tools.ToDictionary(t => t.Name, t => SimTools.Create(t.Name, t.Kind, store), StringComparer.Ordinal);
        var executor = new ParallelToolExecutor(Strategies.Options(Strategy.ParallelSK, Tools.Select(t => KeyValuePair.Create(t.Name, t.Effects))));
        var work = Enumerable.Range(0, batches).Select(i => Batch(i, latencyMs, functions)).ToArray();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long heapBefore = GC.GetTotalMemory(true);
        long allocatedBefore = GC.GetTotalAllocatedBytes(true);
        int threadsBefore = ThreadPool.ThreadCount;
        var sampler = new ResourceSampler();
        long start = Stopwatch.GetTimestamp();
        var cartReads = await Task.WhenAll(work.Select(batch => engine ? ViaEngine(executor, batch) : ViaWhenAll(batch)));
        var wall = Stopwatch.GetElapsedTime(start);
        sampler.Dispose();
        long allocated = GC.GetTotalAllocatedBytes(true) - allocatedBefore;
        int calls = batches * Tools.Length;
        int wrong = cartReads.Count(r => r != "1");
        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {wall.TotalMilliseconds:N0} ms | {batches / wall.TotalSeconds:N0} | {calls / wall.TotalSeconds:N0} | {threadsBefore} → {sampler.PeakThreads} → {ThreadPool.ThreadCount} | {Mb(sampler.PeakHeapBytes - heapBefore)} | {Mb(allocated)} | {allocated / (double)calls:N0} B | {wrong:N0} of {batches:N0} |"));
        }
    }

    private static ToolCallRequest[] Batch(int conversation, int latencyMs, Dictionary<string, AIFunction> functions)
    {
        string cart = $"conv/{conversation}/cart";
        (string Tool, string Key)[] calls = [("get_price", $"catalog/{conversation % 50}"), ("get_profile", $"conv/{conversation}/profile"), ("add_to_cart", cart), ("get_cart", cart)];
        return [.. calls.Select((c, i) => new ToolCallRequest($"call_{i}", c.Tool, new Dictionary<string, object?> { ["key"] = c.Key, ["ms"] = latencyMs }, functions[c.Tool]))];
    }

    /// <summary>Runs one batch through the engine and returns what its cart read saw ("1" after the add).</summary>
    private static async Task<string> ViaEngine(ParallelToolExecutor executor, ToolCallRequest[] batch)
    {
        var report = await executor.ExecuteAsync(batch);
        return CartValue(report.Calls[^1].ResultForModel);
    }

    private static async Task<string> ViaWhenAll(ToolCallRequest[] batch)
    {
        var results = await Task.WhenAll(batch.Select(r => r.Function!.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?>(r.Arguments))).AsTask()));
        return CartValue(results[^1]);
    }

    private static string CartValue(object? result) => Convert.ToString(result, CultureInfo.InvariantCulture)?.Split('=').Last() ?? string.Empty;

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N1} MB");
}
