using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Execution;
using SemanticKernel.ParallelInvocation.Reporting;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Plans each batch of tool calls from the functions' declared effects and runs it: independent calls at once, conflicting calls in
/// the order the model emitted them. Results equal running the batch sequentially in emitted order (serial equivalence), provided the
/// declarations are true.
/// </summary>
/// <remarks>
/// <para>Thread-safe: one executor may run many batches at once. It snapshots <see cref="ParallelInvocationOptions"/> when constructed.</para>
/// <para>
/// Threading: every call is started on the thread pool (its own work item, as <see cref="Task.Run(Func{Task})"/> would) in the execution
/// context of the caller of <see cref="ExecuteAsync(ToolCallBatch, CancellationToken)"/>, so a tool that blocks synchronously holds one
/// pool thread and does not hold up the batch. Tools never run on the caller's <see cref="SynchronizationContext"/>.
/// </para>
/// <para>
/// Concurrency groups: a group named by a number is one limit for the whole process, shared by every batch, conversation and executor
/// that names it; the first executor to name it fixes its limit, and another executor that gives it another limit throws
/// <see cref="ParallelInvocationConfigurationException"/>. A group backed by a <see cref="RateLimiter"/> is shared by every executor
/// given that same instance (or, through a Redis-backed limiter, by every app instance using its key).
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Engine, UrlFormat = Experiments.UrlFormat)]
public sealed class ParallelToolExecutor
{
    /// <summary>Initializes a new instance of the <see cref="ParallelToolExecutor"/> class.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults. They are validated here.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <exception cref="ParallelInvocationConfigurationException">The options are invalid, or a concurrency group named by a number has another limit in this process.</exception>
    public ParallelToolExecutor(ParallelInvocationOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(options ?? new ParallelInvocationOptions(), new ExecutionTelemetry((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ParallelToolExecutor>(), options?.EnableSensitiveData ?? false))
    {
    }

    internal ParallelToolExecutor(ParallelInvocationOptions options, IExecutionObserver observer)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Observer = observer;
        Resolver = new EffectsResolver(options);
        GroupLimiters = ConcurrencyGroupRegistry.LimitersFor(options);
    }

    /// <summary>Gets the options this executor was built with.</summary>
    public ParallelInvocationOptions Options { get; }

    internal IExecutionObserver Observer { get; }

    internal EffectsResolver Resolver { get; }

    /// <summary>Gets each concurrency group's limiter: shared by the whole process for groups named by a number, the user's own otherwise.</summary>
    internal IReadOnlyDictionary<string, RateLimiter> GroupLimiters { get; }

    /// <summary>Runs one batch and returns exactly one outcome per call, in emitted order.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="cancellationToken">Cancels the batch: calls not yet finished end as <see cref="ToolCallStatus.Cancelled"/>.</param>
    /// <returns>The report; it is returned, not thrown, when the batch is cancelled, so that no outcome is lost.</returns>
    /// <exception cref="ParallelInvocationConfigurationException">A function's declaration is invalid; nothing has run.</exception>
    public Task<BatchReport> ExecuteAsync(ToolCallBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new BatchRun(this, batch, cancellationToken).RunAsync().AsTask();
    }

    /// <summary>Runs one batch as <see cref="ExecuteAsync(ToolCallBatch, CancellationToken)"/> does, without a task when it completes synchronously.</summary>
    internal ValueTask<BatchReport> RunAsync(ToolCallBatch batch, CancellationToken cancellationToken) =>
        new BatchRun(this, batch, cancellationToken).RunAsync();

    /// <summary>Runs one batch of calls; see <see cref="ExecuteAsync(ToolCallBatch, CancellationToken)"/>.</summary>
    /// <param name="calls">The calls in emitted order.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The report.</returns>
    public Task<BatchReport> ExecuteAsync(IReadOnlyList<ToolCallRequest> calls, CancellationToken cancellationToken = default) =>
        ExecuteAsync(new ToolCallBatch(calls), cancellationToken);
}
