using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>What a simulated tool does to the store. Every tool takes its latency in milliseconds as the argument <c>ms</c>.</summary>
internal enum SimKind
{
    /// <summary>Reads <c>key</c> when called, returns it after the latency.</summary>
    Read,

    /// <summary>Reads <c>key</c> when called, writes it plus one when done (a read-modify-write, like most updates).</summary>
    Increment,

    /// <summary>Reads every key under the prefix <c>key</c> when called (a directory listing).</summary>
    List,

    /// <summary>Calls an API that rejects requests past its concurrency limit.</summary>
    RateLimited,

    /// <summary>Sums the whole store when called and writes the sum to <c>key</c> when done (a checkpoint of everything).</summary>
    Checkpoint,
}

/// <summary>Creates the AIFunction of a simulated tool over a store.</summary>
internal static class SimTools
{
    public static AIFunction Create(string name, SimKind kind, SimStore store)
    {
        Func<string, int, CancellationToken, Task<string>> body = kind switch
        {
            SimKind.Read => async (key, ms, ct) =>
            {
                long value = store.Get(key);
                await Task.Delay(ms, ct);
                return $"{key}={value}";
            },
            SimKind.Increment => async (key, ms, ct) =>
            {
                long value = store.Get(key);
                await Task.Delay(ms, ct);
                store.Set(key, value + 1);
                return $"{key}={value + 1}";
            },
            SimKind.List => async (key, ms, ct) =>
            {
                string listing = store.Under(key);
                await Task.Delay(ms, ct);
                return listing;
            },
            SimKind.RateLimited => async (key, ms, ct) =>
            {
                if (!store.TryEnterApi())
                {
                    throw new InvalidOperationException("429 Too Many Requests");
                }

                try
                {
                    await Task.Delay(ms, ct);
                    return $"results for {key}";
                }
                finally
                {
                    store.LeaveApi();
                }
            },
            _ => async (key, ms, ct) =>
            {
                long sum = store.Sum();
                await Task.Delay(ms, ct);
                store.Set(key, sum);
                return $"{key}={sum}";
            },
        };
        return AIFunctionFactory.Create(body, name, $"simulated {kind}");
    }
}
