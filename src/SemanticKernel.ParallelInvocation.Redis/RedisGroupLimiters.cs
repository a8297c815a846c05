using System;
using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Rate limiters whose state lives in Redis (RedisRateLimiting), for concurrency groups that must hold across app instances: every
/// instance that uses the same Redis and the same group name shares one limit.
/// </summary>
/// <remarks>
/// <para>
/// The Redis key is <see cref="KeyPrefix"/> followed by the group name. Within one process, one limiter per connection and group name
/// is kept and handed out again (a limiter polls Redis on a timer, so it is made once, not per kernel or client); asking again for a
/// group with another limit throws <see cref="ParallelInvocationConfigurationException"/>, as for groups named by a number.
/// </para>
/// <para>
/// What RedisRateLimiting 1.2.1 does, and so what these limits mean: the concurrency limiter counts a permit for at most 60 seconds (a
/// call that runs longer stops counting, and the permits of an instance that died are freed after that time); a waiting call is
/// served when the limiter next polls Redis (every <see cref="DequeuePeriod"/>). The token bucket does not queue: a refused call is told
/// when to come back (in whole seconds) and the engine asks again then; the bucket is refilled by the clocks of the instances.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.LimiterGroups, UrlFormat = Experiments.UrlFormat)]
public static class RedisGroupLimiters
{
    /// <summary>The prefix of the Redis keys of the groups' limits.</summary>
    public const string KeyPrefix = "parallelsk:group:";

    /// <summary>How often a concurrency limiter with waiting calls asks Redis whether a permit is free.</summary>
    public static readonly TimeSpan DequeuePeriod = TimeSpan.FromMilliseconds(20);

    private static readonly ConcurrentDictionary<(IConnectionMultiplexer Redis, string Kind, string Name), (string Limit, RateLimiter Limiter)> Limiters = new();

    /// <summary>Gets the limiter of a group of which at most <paramref name="maxConcurrency"/> calls run at once across every instance.</summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="name">The group name (its Redis key is <see cref="KeyPrefix"/> + name).</param>
    /// <param name="maxConcurrency">The most calls of the group running at once, all instances together.</param>
    /// <returns>The limiter; the same instance for the same connection and name.</returns>
    /// <exception cref="ParallelInvocationConfigurationException">This process already has the group with another limit.</exception>
    public static RateLimiter Concurrency(IConnectionMultiplexer redis, string name, int maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return Get(redis, "concurrency", name, $"{maxConcurrency} at once", () => new RedisConcurrencyRateLimiter<string>(KeyPrefix + name, new RedisConcurrencyRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = maxConcurrency,
            QueueLimit = 1_000_000,
            TryDequeuePeriod = DequeuePeriod,
        }));
    }

    /// <summary>Gets the limiter of a group of which at most <paramref name="permits"/> calls start per <paramref name="period"/> across every instance (a token bucket).</summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="name">The group name (its Redis key is <see cref="KeyPrefix"/> + name).</param>
    /// <param name="permits">The calls allowed per period, and the most that may start at once after a quiet period.</param>
    /// <param name="period">The period, e.g. one second.</param>
    /// <returns>The limiter; the same instance for the same connection and name.</returns>
    /// <exception cref="ParallelInvocationConfigurationException">This process already has the group with another limit.</exception>
    public static RateLimiter TokenBucket(IConnectionMultiplexer redis, string name, int permits, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(permits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        return Get(redis, "token-bucket", name, $"{permits} per {period}", () => new StandardRetryAfterLimiter(new RedisTokenBucketRateLimiter<string>(KeyPrefix + name, new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            TokenLimit = permits,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = period,
        })));
    }

    private static RateLimiter Get(IConnectionMultiplexer redis, string kind, string name, string limit, Func<RateLimiter> create)
    {
        var entry = Limiters.GetOrAdd((redis, kind, name), static (_, state) => (state.limit, state.create()), (limit, create));
        return entry.Limit == limit
            ? entry.Limiter
            : throw new ParallelInvocationConfigurationException(
                [$"Redis {kind} group '{name}' is given the limit {limit}, but this process already has it with the limit {entry.Limit}. Give it the same limit everywhere, or use another name."]);
    }
}
