using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Execution;

namespace SemanticKernel.ParallelInvocation;

/// <summary>The one result of one call, with how and when it ran.</summary>
/// <remarks>Immutable once the batch completes, except <see cref="WorkEndedAt"/> of an abandoned call, set once its function really ends.</remarks>
public sealed class ToolCallOutcome
{
    // Each holds the keys the call was planned with (ResourceKey[]) until their text is first read, then that text.
    private object? _reads;
    private object? _writes;

    // Times from the batch start as OptionalTicks: one word each, so that a later write (WorkEndedAt) cannot tear.
    private long _queuedAt = OptionalTicks.None;
    private long _startedAt = OptionalTicks.None;
    private long _workEndedAt = OptionalTicks.None;
    private int _skippedBecauseOf = -1;
    private sbyte _effectsSource = -1;

    internal ToolCallOutcome(int index, ToolCallRequest request)
    {
        Index = index;
        Request = request;
    }

    /// <summary>Gets the call's position in the batch, in emitted order.</summary>
    public int Index { get; }

    /// <summary>Gets the call as emitted.</summary>
    public ToolCallRequest Request { get; }

    /// <summary>Gets the call id.</summary>
    public string CallId => Request.CallId;

    /// <summary>Gets the function name the model called.</summary>
    public string Name => Request.Name;

    /// <summary>Gets how the call ended.</summary>
    public ToolCallStatus Status { get; internal set; }

    /// <summary>Gets the function's return value when <see cref="Status"/> is <see cref="ToolCallStatus.Succeeded"/>.</summary>
    public object? Result { get; internal set; }

    /// <summary>Gets the exception behind a failure, a timeout or a cancellation, for the host; it is not sent to the model unless <see cref="ParallelInvocationOptions.IncludeDetailedErrors"/> is set.</summary>
    public Exception? Exception { get; internal set; }

    /// <summary>Gets the message for the model when the call did not succeed: what happened and, where it helps, what to do.</summary>
    public string? ErrorMessage { get; internal set; }

    /// <summary>Gets the declaration the call was planned with, or <see langword="null"/> for a rejected call.</summary>
    public FunctionEffects? Effects { get; internal set; }

    /// <summary>Gets where <see cref="Effects"/> came from.</summary>
    public EffectsSource? EffectsSource
    {
        get => _effectsSource < 0 ? null : (EffectsSource)_effectsSource;
        internal set => _effectsSource = value is { } source ? (sbyte)source : (sbyte)-1;
    }

    /// <summary>Gets the resource keys the call read, after templates and normalisers (<c>*</c> is everything).</summary>
    public IReadOnlyList<string> ReadKeys { get => Text(ref _reads); internal set => _reads = value; }

    /// <summary>Gets the resource keys the call wrote, after templates and normalisers.</summary>
    public IReadOnlyList<string> WriteKeys { get => Text(ref _writes); internal set => _writes = value; }

    /// <summary>Gets the indexes of the calls this call waited for (the plan's direct predecessors).</summary>
    public IReadOnlyList<int> Predecessors { get; internal set; } = [];

    /// <summary>Gets the index of the failed call that caused this one to be skipped, if it was.</summary>
    public int? SkippedBecauseOf
    {
        get => _skippedBecauseOf < 0 ? null : _skippedBecauseOf;
        internal set => _skippedBecauseOf = value ?? -1;
    }

    /// <summary>Gets how many times the function was started (more than 1 after retries).</summary>
    public int Attempts { get; internal set; }

    /// <summary>Gets when, from the batch start, the call was ready to run (its predecessors done, its approval given, its delivery confirmed by the host).</summary>
    public TimeSpan? QueuedAt { get => OptionalTicks.ToTime(_queuedAt); internal set => _queuedAt = OptionalTicks.From(value); }

    /// <summary>Gets when, from the batch start, the function was started; null if it never ran.</summary>
    public TimeSpan? StartedAt { get => OptionalTicks.ToTime(_startedAt); internal set => _startedAt = OptionalTicks.From(value); }

    /// <summary>Gets when, from the batch start, the call's outcome was decided.</summary>
    public TimeSpan FinishedAt { get; internal set; }

    /// <summary>Gets the time from ready to started: waiting for a slot of the batch and for a permit of the call's concurrency group.</summary>
    public TimeSpan QueueTime => StartedAt is { } s && QueuedAt is { } q ? s - q : TimeSpan.Zero;

    /// <summary>
    /// Gets a value indicating whether the call's outcome was decided while its function was still running: it ignored its timeout or
    /// the caller's cancellation, and the engine stopped waiting for it. Such a function may still be running after the batch; it keeps
    /// its concurrency-group permit until it ends (<see cref="WorkEndedAt"/>).
    /// </summary>
    public bool Abandoned { get; internal set; }

    /// <summary>
    /// Gets a value indicating whether the call's effect is in doubt: a call that may write (it has write keys, or unknown effects) was
    /// abandoned while its function still ran, so whether its write happened, or will still happen, is unknown. The error result the
    /// model gets says so and asks it to check the state before repeating the call. Calls ordered after it on its keys are skipped by
    /// the default <see cref="FailurePolicy"/>.
    /// </summary>
    public bool EffectInDoubt { get; internal set; }

    /// <summary>
    /// Gets when, from the batch start, the call's function last really ended, which is when its concurrency-group permit was released:
    /// at or before <see cref="FinishedAt"/> for a call that was not abandoned; later for an abandoned one, and <see langword="null"/>
    /// while it still runs (see <see cref="BatchReport.AbandonedWorkEnded"/>) or if the function never ran.
    /// </summary>
    public TimeSpan? WorkEndedAt { get => OptionalTicks.ToTime(Volatile.Read(ref _workEndedAt)); internal set => Volatile.Write(ref _workEndedAt, OptionalTicks.From(value)); }

    /// <summary>
    /// Gets the time from the function's start to its real end (<see cref="WorkEndedAt"/>): how long the call held its concurrency-group
    /// permit, abandoned work included; <see langword="null"/> while an abandoned function still runs, or if the function never ran.
    /// </summary>
    public TimeSpan? SlotHeldFor => StartedAt is { } s && WorkEndedAt is { } e ? e - s : null;

    /// <summary>Gets the time the function ran, retries included.</summary>
    public TimeSpan RunTime => StartedAt is { } s ? FinishedAt - s : TimeSpan.Zero;

    /// <summary>Gets what to send back to the model: the result on success, otherwise <see cref="ErrorMessage"/>.</summary>
    public object? ResultForModel => Status == ToolCallStatus.Succeeded ? Result : ErrorMessage;

    /// <summary>Creates the <see cref="FunctionResultContent"/> that answers this call.</summary>
    /// <returns>
    /// A result content carrying the call id, the result or error message, and the exception. Every call that did not succeed carries an
    /// exception, so that providers mark its result as an error (Anthropic's <c>is_error</c>): a rejected or skipped call, which has no
    /// exception of its own, gets an <see cref="InvalidOperationException"/> with <see cref="ErrorMessage"/>.
    /// </returns>
    public FunctionResultContent ToResultContent() => new(CallId, ResultForModel)
    {
        Exception = Exception ?? (Status == ToolCallStatus.Succeeded ? null : new InvalidOperationException(ErrorMessage)),
    };

    /// <inheritdoc/>
    public override string ToString() => $"#{Index} {Name} ({CallId}): {Status}";

    /// <summary>Keeps the keys the call was planned with; their text (<see cref="ReadKeys"/>, <see cref="WriteKeys"/>) is made when first read.</summary>
    internal void SetKeys(ResourceKey[] reads, ResourceKey[] writes)
    {
        _reads = reads;
        _writes = writes;
    }

    /// <summary>Returns the keys' text, made from the planned keys when first read (two readers at once make the same text).</summary>
    private static IReadOnlyList<string> Text(ref object? keys)
    {
        var seen = Volatile.Read(ref keys);
        if (seen is IReadOnlyList<string> text)
        {
            return text;
        }

        if (seen is not ResourceKey[] { Length: > 0 } bound)
        {
            return [];
        }

        var made = new string[bound.Length];
        for (int i = 0; i < bound.Length; i++)
        {
            made[i] = bound[i].ToString();
        }

        Volatile.Write(ref keys, made);
        return made;
    }
}
