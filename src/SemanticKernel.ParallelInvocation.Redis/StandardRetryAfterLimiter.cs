using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Wraps a RedisRateLimiting limiter so that a refusal says when to come back under the standard
/// <see cref="MetadataName.RetryAfter"/> (a <see cref="TimeSpan"/>), which the engine honours; RedisRateLimiting reports it as whole
/// seconds under a name of its own. Everything else is the inner limiter's.
/// </summary>
internal sealed class StandardRetryAfterLimiter(RateLimiter inner) : RateLimiter
{
    /// <summary>The metadata name RedisRateLimiting 1.2.1 gives its retry-after hint (whole seconds, an <see cref="int"/>).</summary>
    private const string RedisRetryAfter = "RATELIMIT_RETRYAFTER";

    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics()
    {
        try
        {
            return inner.GetStatistics();
        }
        catch (NotImplementedException)
        {
            return null; // RedisTokenBucketRateLimiter has none
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Wrap(inner.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Wrap(await inner.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
    }

    protected override ValueTask DisposeAsyncCore() => inner.DisposeAsync();

    private static RateLimitLease Wrap(RateLimitLease lease) =>
        !lease.IsAcquired && !lease.TryGetMetadata(MetadataName.RetryAfter, out _) && lease.TryGetMetadata(RedisRetryAfter, out object? seconds) && seconds is int s
            ? new RefusedLease(lease, TimeSpan.FromSeconds(Math.Max(s, 0)))
            : lease;

    private sealed class RefusedLease(RateLimitLease inner, TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name, .. inner.MetadataNames];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            return inner.TryGetMetadata(metadataName, out metadata);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
        }
    }
}
