using System;
using StackExchange.Redis;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Adds concurrency groups shared through Redis by every app instance (see <see cref="RedisGroupLimiters"/>).</summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.LimiterGroups, UrlFormat = Experiments.UrlFormat)]
public static class RedisParallelInvocationOptionsExtensions
{
    /// <summary>Adds a concurrency group of which at most <paramref name="maxConcurrency"/> calls run at once across every app instance using <paramref name="redis"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="name">The group name, the same in every instance.</param>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="maxConcurrency">The most calls of the group running at once, all instances together.</param>
    /// <returns>The options, for chaining.</returns>
    public static ParallelInvocationOptions AddRedisConcurrencyGroup(this ParallelInvocationOptions options, string name, IConnectionMultiplexer redis, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddConcurrencyGroup(name, RedisGroupLimiters.Concurrency(redis, name, maxConcurrency));
    }

    /// <summary>Adds a rate-limited group: at most <paramref name="permits"/> calls start per <paramref name="period"/> across every app instance using <paramref name="redis"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="name">The group name, the same in every instance.</param>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="permits">The calls allowed per period.</param>
    /// <param name="period">The period, e.g. one second.</param>
    /// <returns>The options, for chaining.</returns>
    public static ParallelInvocationOptions AddRedisRateLimitedGroup(this ParallelInvocationOptions options, string name, IConnectionMultiplexer redis, int permits, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddConcurrencyGroup(name, RedisGroupLimiters.TokenBucket(redis, name, permits, period));
    }
}
