using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using ParallelSK.Benchmarks.Common;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.RateLimit;

/// <summary>
/// Many conversations at once, each with its own executor (as separate kernels or clients would have), all calling one API through a
/// concurrency group backed by one token bucket. Counts the permits granted (tool starts) in each second and compares them with the
/// configured rate: a limit that holds across conversations keeps every second at or under the rate.
/// </summary>
internal static class RateLimitHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        int conversations = 200, rate = 50, seconds = 6;
        for (int i = 0; i < args.Length; i++)
        {
            bool ok = i + 1 < args.Length && args[i] switch
            {
                "--conversations" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out conversations) && conversations > 0,
                "--rate" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out rate) && rate >= 10,
                "--seconds" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out seconds) && seconds >= 3,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"rate-limit: unknown or bad option near '{args[i]}'. Options: --conversations N (N > 0), --rate N (N >= 10), --seconds N (N >= 3).");
                return 2;
            }
        }

        // A rate of R per second as R/10 tokens every 100 ms: bursts of at most R/10.
        using var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate / 10,
            TokensPerPeriod = rate / 10,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var starts = new ConcurrentQueue<long>();
        var clock = Stopwatch.StartNew();
        var api = AIFunctionFactory.Create(
            async (int id) =>
            {
                starts.Enqueue(clock.ElapsedTicks);
                await Task.Delay(20);
                return id;
            },
            "call_api");
        var local = AIFunctionFactory.Create((int id) => id, "local_step");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long batches = 0, calls = 0, queueTicks = 0, waited = 0;

        Console.WriteLine(MachineInfo.Describe());
        Console.WriteLine($"{conversations} conversations, each with its own executor, sharing one concurrency group backed by a token bucket of {rate} permits/s ({rate / 10} every 100 ms); each batch: 3 API calls (20 ms) and 1 local call; {seconds} s.");
        var runs = Enumerable.Range(0, conversations).Select(c => Task.Run(async () =>
        {
            var executor = new ParallelToolExecutor(new ParallelInvocationOptions()
                .AddConcurrencyGroup("api", bucket)
                .Declare("call_api", FunctionEffects.ReadOnly.InConcurrencyGroup("api"))
                .Declare("local_step", FunctionEffects.Pure));
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                var report = await executor.ExecuteAsync(
                    [
                        new ToolCallRequest($"c{c}-{n}-0", "call_api", new System.Collections.Generic.Dictionary<string, object?> { ["id"] = 0 }, api),
                        new ToolCallRequest($"c{c}-{n}-1", "call_api", new System.Collections.Generic.Dictionary<string, object?> { ["id"] = 1 }, api),
                        new ToolCallRequest($"c{c}-{n}-2", "call_api", new System.Collections.Generic.Dictionary<string, object?> { ["id"] = 2 }, api),
                        new ToolCallRequest($"c{c}-{n}-3", "local_step", new System.Collections.Generic.Dictionary<string, object?> { ["id"] = 3 }, local),
                    ],
                    stop.Token);
                n++;
                Interlocked.Increment(ref batches);
                foreach (var call in report.Calls.Where(x => x.Status == ToolCallStatus.Succeeded && x.Name == "call_api"))
                {
                    Interlocked.Increment(ref calls);
                    Interlocked.Add(ref queueTicks, call.QueueTime.Ticks);
                    Interlocked.Increment(ref waited);
                }
            }
        })).ToArray();
        await Task.WhenAll(runs);

        // Whole seconds after the first (the bucket starts full: its first second may hold one extra burst).
        var perSecond = starts.Select(t => (int)(t / Stopwatch.Frequency)).Where(s => s >= 1 && s < seconds).GroupBy(s => s).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();
        double mean = perSecond.Length == 0 ? 0 : perSecond.Average();
        Console.WriteLine();
        // A token bucket allows, in any one-second window, the rate plus one bucketful (the refill ticks need not line up with the window).
        int bound = rate + (rate / 10);
        Console.WriteLine("| conversations | configured rate | measured permits/s (mean) | min second | max second | bound for any second (rate + bucket) | mean / configured | API calls done | mean queue time |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(FormattableString.Invariant(
            $"| {conversations} | {rate}/s | {mean:0.0} | {perSecond.DefaultIfEmpty().Min()} | {perSecond.DefaultIfEmpty().Max()} | {bound} | {mean / rate:0.000} | {calls:N0} | {TimeSpan.FromTicks(waited == 0 ? 0 : queueTicks / waited).TotalMilliseconds:0} ms |"));
        Console.WriteLine();
        Console.WriteLine("Permits granted in each whole second after the first: " + string.Join(", ", perSecond));
        return perSecond.Length > 0 && perSecond.Max() <= bound ? 0 : 1;
    }
}
