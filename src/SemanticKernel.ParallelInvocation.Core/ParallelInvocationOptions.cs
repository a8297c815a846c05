using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Options for planning and executing batches of tool calls.</summary>
/// <remarks>
/// Simple ranges are checked by the setters; rules across several options and declarations are checked together by
/// <see cref="Validate"/>, which the executor, the chat-client middleware and the kernel-builder extension call once at construction.
/// Change options before they are handed to an executor: executors take a snapshot of the collections. Not thread-safe for writes.
/// </remarks>
public sealed class ParallelInvocationOptions
{
    /// <summary>The value of <see cref="MaxDegreeOfParallelism"/> meaning "no global limit".</summary>
    public const int Unbounded = -1;

    private int _maxDegreeOfParallelism = Unbounded;
    private int _maxBatchSize = 256;
    private TimeSpan? _defaultTimeout;
    private int _maxRetryAttempts;
    private TimeSpan _retryDelay;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>Gets or sets the most calls of one batch running at once, across all groups (a call waiting for its group's permit counts).</summary>
    /// <value>The default value is <see cref="Unbounded"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is neither <see cref="Unbounded"/> nor positive.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set => _maxDegreeOfParallelism = value is Unbounded or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Use a positive number or ParallelInvocationOptions.Unbounded.");
    }

    /// <summary>Gets or sets the most calls a batch may hold; calls past it are rejected with an error result (the first ones still run).</summary>
    /// <value>The default value is 256.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxBatchSize
    {
        get => _maxBatchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxBatchSize = value;
        }
    }

    /// <summary>Gets or sets the timeout of each call whose function declares none, or <see langword="null"/> for none.</summary>
    /// <remarks>
    /// A timeout fails one call and the batch goes on; it is distinct from the caller's cancellation, which cancels the batch. It covers
    /// the wait for the call's concurrency-group permit and the function's run; each retry gets a timeout of its own. A function still
    /// running at its timeout (it ignores cancellation) is abandoned: the call ends <see cref="ToolCallStatus.TimedOut"/> at once, with
    /// <see cref="ToolCallOutcome.Abandoned"/> set, and, if it may write, <see cref="ToolCallOutcome.EffectInDoubt"/>.
    /// </remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan? DefaultTimeout
    {
        get => _defaultTimeout;
        set => _defaultTimeout = value is null || value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A timeout must be positive.");
    }

    /// <summary>Gets or sets how many times a failed or timed-out call of an idempotent function is tried again.</summary>
    /// <remarks>
    /// A retry never overlaps the attempt it repeats: after an attempt abandoned at its timeout, the retry first waits, up to the call's
    /// timeout, for the abandoned function to end; if it does not, the call ends timed out with its effect in doubt. Each attempt takes its
    /// own concurrency-group permit.
    /// </remarks>
    /// <value>The default value is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxRetryAttempts
    {
        get => _maxRetryAttempts;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxRetryAttempts = value;
        }
    }

    /// <summary>Gets or sets the delay before each retry, measured on <see cref="TimeProvider"/>.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan RetryDelay
    {
        get => _retryDelay;
        set => _retryDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A delay cannot be negative.");
    }

    /// <summary>Gets or sets what functions get when nothing declares their effects.</summary>
    /// <value>The default value is <see cref="UndeclaredFunctionPolicy.Exclusive"/>.</value>
    public UndeclaredFunctionPolicy UndeclaredFunctions { get; set; } = UndeclaredFunctionPolicy.Exclusive;

    /// <summary>Gets or sets what happens to calls ordered after a call that failed.</summary>
    /// <value>The default value is <see cref="FailurePolicy.SkipAfterFailedWrite"/>.</value>
    public FailurePolicy FailurePolicy { get; set; } = FailurePolicy.SkipAfterFailedWrite;

    /// <summary>Gets or sets a value indicating whether error results sent back to the model include exception messages.</summary>
    /// <value>The default value is <see langword="false"/>: the model is told which call failed and how, not the exception text.</value>
    public bool IncludeDetailedErrors { get; set; }

    /// <summary>Gets or sets a value indicating whether logs and telemetry may include tool arguments and results.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableSensitiveData { get; set; }

    /// <summary>Gets or sets the clock used for timeouts, retry delays and the timings in <see cref="BatchReport"/>.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Gets or sets a value indicating whether the thread that called
    /// <see cref="ParallelToolExecutor.ExecuteAsync(ToolCallBatch, System.Threading.CancellationToken)"/> runs the calls ready when a
    /// batch starts, one after another, instead of handing each to the thread pool, when that thread has no
    /// <see cref="SynchronizationContext"/> (each call still runs in its own copy of the caller's execution context).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Tools that finish at once (or soon await) then cost no thread hop at all, as with <c>FunctionInvokingChatClient</c>'s concurrent
    /// mode, which invokes every call on the calling thread. Unlike that mode, a tool that blocks synchronously still does not
    /// serialise the batch: while calls wait their turn behind the one the calling thread runs, a watchdog (one timer for the process)
    /// looks every millisecond, and if the calling thread has started no call since its last look, a thread-pool helper takes over
    /// the waiting calls (and is watched the same way). A call that blocks holds up the ones behind it for a millisecond or two (on
    /// Windows, whose timers tick about every 15.6 ms by default, up to about 30 ms), not until it ends. Calls released later, when their predecessors finish, start on the thread pool as usual.
    /// </para>
    /// <para>
    /// The price: until the calls it took have returned or first awaited, <c>ExecuteAsync</c> does not return, so a tool that blocks
    /// synchronously blocks the caller of the batch (never the batch's other calls). Callers with a
    /// <see cref="SynchronizationContext"/> (UI threads, classic ASP.NET) or a non-default <see cref="System.Threading.Tasks.TaskScheduler"/>
    /// are never used.
    /// </para>
    /// </remarks>
    /// <value>
    /// The default value is <see langword="null"/>: the host decides. <see cref="ParallelFunctionInvokingChatClient"/>, which awaits each
    /// batch at once, runs the ready calls on its calling thread (as <c>FunctionInvokingChatClient</c> does); so does the Semantic Kernel
    /// adapter, on the thread that delivers the call (as Semantic Kernel runs them), except in a batch where a call waits for its delivery
    /// before it may run (then every call starts on the thread pool); <see cref="ParallelToolExecutor"/> used directly starts every call on
    /// the thread pool, and <c>ExecuteAsync</c> returns at once. <see langword="true"/> or <see langword="false"/> decides for every host
    /// (<see langword="false"/> also keeps the Semantic Kernel adapter from running a call on the thread that delivers it).
    /// </value>
    public bool? RunReadyCallsOnCallingThread { get; set; }

    /// <summary>Gets declarations registered by function name; they win over attributes and providers. Use it for functions you don't own.</summary>
    public IDictionary<string, FunctionEffects> Functions { get; } = new Dictionary<string, FunctionEffects>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the concurrency groups defined by a number: the most calls of each that may run at once in the whole process (e.g. a
    /// rate-limited API), across every batch, conversation and executor that names the group.
    /// </summary>
    /// <remarks>
    /// The first executor to name a group fixes its limit for the process; an executor given the same name with another limit throws
    /// <see cref="ParallelInvocationConfigurationException"/>. A call holds its group's slot until its function really ends: a call
    /// abandoned after its timeout (a function that ignores cancellation) keeps the slot until the function returns.
    /// </remarks>
    public IDictionary<string, int> ConcurrencyGroups { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the concurrency groups backed by a <see cref="RateLimiter"/> of your own: a concurrency limiter, a token bucket (requests per
    /// second), a sliding or fixed window, or a Redis-backed limiter shared by several app instances. Each call of the group takes one
    /// permit before its function starts and holds it until the function really ends.
    /// </summary>
    /// <remarks>
    /// The limiter instance is the group's scope: executors given the same instance share it. A call waiting for a permit waits in the
    /// limiter's queue (its <see cref="ToolCallOutcome.QueueTime"/>) under its timeout and the caller's cancellation. A limiter that refuses
    /// without queueing but tells when to come back (<see cref="MetadataName.RetryAfter"/>) is asked again then; a refusal without that
    /// hint fails the call without running it. The executor never disposes the limiter.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.Experimental(Experiments.LimiterGroups, UrlFormat = Experiments.UrlFormat)]
    public IDictionary<string, RateLimiter> ConcurrencyGroupLimiters { get; } = new Dictionary<string, RateLimiter>(StringComparer.Ordinal);

    /// <summary>Gets key normalisers by key prefix (e.g. <c>fs:</c> → <see cref="ResourceKeyNormalizers.FilePath"/>); the longest matching prefix wins.</summary>
    [System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
    public IDictionary<string, Func<string, string>> KeyNormalizers { get; } = new Dictionary<string, Func<string, string>>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the canonical key text for argument values of your own types, by type: where a key template takes an argument whose bound
    /// value (or an element, or a property of it) is of exactly that type, the key holds the function's text for it, so that values you
    /// consider equal (e.g. <c>Money(4.00, "eur")</c> and <c>Money(4, "EUR")</c>) give one key. Use <see cref="AddKeyCanonicalizer{T}"/>.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
    public IDictionary<Type, Func<object, string>> KeyCanonicalizers { get; } = new Dictionary<Type, Func<object, string>>();

    /// <summary>Gets the providers asked, in order, for functions that are neither registered nor attributed.</summary>
    [System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
    public IList<IFunctionEffectsProvider> EffectsProviders { get; } = new List<IFunctionEffectsProvider>();

    /// <summary>
    /// Gets or sets the callback that approves or denies calls of functions that require approval. Approvals are requested as soon as
    /// a batch starts, all at once; the rest of the batch does not wait for them. A denied call gets a rejected result.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>: <see cref="ParallelFunctionInvokingChatClient"/> returns the turn to the caller as
    /// approval requests (<see cref="Microsoft.Extensions.AI.ToolApprovalRequestContent"/>); <see cref="ParallelToolExecutor"/> used
    /// directly, and the Semantic Kernel adapter, reject calls that require approval.
    /// </value>
    /// <remarks>A handler that throws refuses the call (its error result says the approval failed); one that throws after the batch was
    /// cancelled is logged, never left unobserved.</remarks>
    public Func<ApprovalRequest, CancellationToken, ValueTask<bool>>? ApprovalHandler { get; set; }

    /// <summary>
    /// Gets or sets a callback given each batch's report when the batch completes. It runs on the thread that finished the batch; keep it
    /// short. An exception it throws is logged and the report is still returned.
    /// </summary>
    public Action<BatchReport>? OnBatchCompleted { get; set; }

    /// <summary>Registers <paramref name="effects"/> for the function named <paramref name="functionName"/>.</summary>
    /// <param name="functionName">The function's name as the model calls it.</param>
    /// <param name="effects">The declaration.</param>
    /// <returns>These options, for chaining.</returns>
    public ParallelInvocationOptions Declare(string functionName, FunctionEffects effects)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        Functions[functionName] = effects ?? throw new ArgumentNullException(nameof(effects));
        return this;
    }

    /// <summary>Registers the canonical key text for values of type <typeparamref name="T"/> (see <see cref="KeyCanonicalizers"/>).</summary>
    /// <typeparam name="T">The argument type, matched exactly (not its subtypes).</typeparam>
    /// <param name="canonicalize">Gives one text for all values you consider equal; it must be deterministic and thread-safe, and never return null.</param>
    /// <returns>These options, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
    public ParallelInvocationOptions AddKeyCanonicalizer<T>(Func<T, string> canonicalize)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(canonicalize);
        KeyCanonicalizers[typeof(T)] = value => canonicalize((T)value);
        return this;
    }

    /// <summary>Adds a concurrency group with its limit, shared by the whole process (see <see cref="ConcurrencyGroups"/>).</summary>
    /// <param name="name">The group name.</param>
    /// <param name="maxConcurrency">The most calls of the group that may run at once in the process.</param>
    /// <returns>These options, for chaining.</returns>
    public ParallelInvocationOptions AddConcurrencyGroup(string name, int maxConcurrency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ConcurrencyGroups[name] = maxConcurrency;
        return this;
    }

    /// <summary>Adds a concurrency group backed by <paramref name="limiter"/> (see <see cref="ConcurrencyGroupLimiters"/>).</summary>
    /// <param name="name">The group name.</param>
    /// <param name="limiter">The limiter; share one instance wherever the limit must hold (create it once, not per kernel or client).</param>
    /// <returns>These options, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.Experimental(Experiments.LimiterGroups, UrlFormat = Experiments.UrlFormat)]
    public ParallelInvocationOptions AddConcurrencyGroup(string name, RateLimiter limiter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ConcurrencyGroupLimiters[name] = limiter ?? throw new ArgumentNullException(nameof(limiter));
        return this;
    }

    /// <summary>
    /// Checks the options and the declarations together and throws once, listing every problem: malformed templates, templates naming
    /// arguments a function lacks, contradictory attributes, groups without a limit, bad limits and normalisers.
    /// </summary>
    /// <param name="functions">The functions that will be called, if known, so their declarations can be checked against their parameters.</param>
    /// <exception cref="ParallelInvocationConfigurationException">Any problem was found.</exception>
    public void Validate(IEnumerable<AIFunction>? functions = null)
    {
        var errors = new List<string>();
        foreach (var (name, limit) in ConcurrencyGroups)
        {
            if (limit < 1)
            {
                errors.Add($"concurrency group '{name}': the limit must be at least 1, not {limit}.");
            }
        }

        foreach (var (name, limiter) in ConcurrencyGroupLimiters)
        {
            if (limiter is null)
            {
                errors.Add($"concurrency group '{name}': the limiter is null.");
            }

            if (ConcurrencyGroups.ContainsKey(name))
            {
                errors.Add($"concurrency group '{name}' is given both a limit and a limiter; give it one of them.");
            }
        }

        foreach (var (prefix, normalizer) in KeyNormalizers)
        {
            if (string.IsNullOrEmpty(prefix))
            {
                errors.Add("key normalisers need a non-empty prefix (e.g. 'fs:').");
            }

            if (normalizer is null)
            {
                errors.Add($"key normaliser '{prefix}' is null.");
            }
        }

        foreach (var (type, canonicalize) in KeyCanonicalizers)
        {
            if (canonicalize is null)
            {
                errors.Add($"key canonicaliser for {type}: the function is null.");
            }
        }

        foreach (var (name, effects) in Functions)
        {
            if (effects is null)
            {
                errors.Add($"function '{name}': the registered declaration is null.");
                continue;
            }

            EffectsResolver.Parse(effects.ReadKeys, $"function '{name}'", null, errors);
            EffectsResolver.Parse(effects.WriteKeys, $"function '{name}'", null, errors);
            CheckGroup(effects, $"function '{name}'", errors);
        }

        if (functions is not null && errors.Count == 0)
        {
            var resolver = new EffectsResolver(this);
            foreach (var function in functions)
            {
                var resolved = resolver.Resolve(function, function.Name, errors);
                if (resolved is not null && resolved.Source != EffectsSource.Registration)
                {
                    CheckGroup(resolved.Declaration, $"function '{function.Name}'", errors);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ParallelInvocationConfigurationException(errors);
        }
    }

    private void CheckGroup(FunctionEffects effects, string owner, List<string> errors)
    {
        if (effects.ConcurrencyGroup is { } group && !ConcurrencyGroups.ContainsKey(group) && !ConcurrencyGroupLimiters.ContainsKey(group))
        {
            errors.Add($"{owner}: concurrency group '{group}' has no limit; add it with AddConcurrencyGroup(\"{group}\", limit).");
        }
    }
}
