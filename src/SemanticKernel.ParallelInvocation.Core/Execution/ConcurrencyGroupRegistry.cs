using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.RateLimiting;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// The process's concurrency groups defined by a number (<see cref="ParallelInvocationOptions.AddConcurrencyGroup(string, int)"/>): one
/// limiter per group name for the whole process, so that a group's limit holds across every batch, conversation and executor. The first
/// executor to name a group fixes its limit; an executor that gives the same name another limit is a configuration error.
/// </summary>
/// <remarks>
/// Groups backed by a <see cref="RateLimiter"/> the user passes (<see cref="ParallelInvocationOptions.AddConcurrencyGroup(string, RateLimiter)"/>)
/// are not kept here: their scope is the limiter instance (one process, or several through a Redis-backed limiter).
/// </remarks>
internal static class ConcurrencyGroupRegistry
{
    private static readonly ConcurrentDictionary<string, Group> Groups = new(StringComparer.Ordinal);

    /// <summary>Builds an executor's group limiters: its numbered groups from the registry, its own limiters as given.</summary>
    /// <exception cref="ParallelInvocationConfigurationException">A numbered group disagrees with the limit the process already has for it.</exception>
    public static Dictionary<string, RateLimiter> LimitersFor(ParallelInvocationOptions options)
    {
        var limiters = new Dictionary<string, RateLimiter>(StringComparer.Ordinal);
        List<string>? errors = null;
        foreach (var (name, limit) in options.ConcurrencyGroups)
        {
            var group = Groups.GetOrAdd(name, static (_, l) => new Group(l), limit);
            if (group.Limit != limit)
            {
                (errors ??= []).Add(
                    $"concurrency group '{name}' is given the limit {limit}, but this process already has it with the limit {group.Limit}: a group "
                    + "named by a number is one limit for the whole process. Give it the same limit everywhere, use another name, or pass a "
                    + "RateLimiter of your own (AddConcurrencyGroup(name, limiter)) to scope it yourself.");
                continue;
            }

            limiters[name] = group.Limiter;
        }

        foreach (var (name, limiter) in options.ConcurrencyGroupLimiters)
        {
            limiters[name] = limiter;
        }

        return errors is null ? limiters : throw new ParallelInvocationConfigurationException(errors);
    }

    private sealed class Group(int limit)
    {
        public int Limit { get; } = limit;

        /// <summary>Gets the group's limiter: first come, first served, with a queue as long as it needs to be.</summary>
        public RateLimiter Limiter { get; } = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limit,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }
}
