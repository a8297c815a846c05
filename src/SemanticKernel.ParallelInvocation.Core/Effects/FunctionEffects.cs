using System;
using System.Collections.Generic;
using System.Linq;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// What a function reads and writes, and how it may be run: the declaration the planner orders calls by.
/// </summary>
/// <remarks>
/// <para>
/// Keys are paths of segments separated by <c>/</c> (<c>orders/42</c>, <c>fs:/data/a.txt</c>) and may be templates over the
/// function's arguments: <c>orders/{orderId}</c>, or <c>fs:{paths}</c> with one key per element of an array argument. A placeholder
/// takes the value the function receives (bound to its parameter's type, or read by its JSON schema) in one canonical spelling, as
/// exactly one escaped segment; <c>{*name}</c> lets <c>/</c> in the value separate segments, and under a
/// <see cref="ResourceKeyNormalizers.FilePath"/> prefix values are paths. The empty key, <see cref="Everything"/>, stands for every resource. Two calls conflict when a key one writes is an
/// ancestor-or-equal (segment-wise) of a key the other reads or writes; conflicting calls keep the order the model emitted them in.
/// </para>
/// <para>Instances are immutable and thread-safe; the <c>With…</c> methods return new instances.</para>
/// </remarks>
public sealed class FunctionEffects
{
    /// <summary>The key that stands for every resource (the root of the key hierarchy).</summary>
    public const string Everything = "";

    private FunctionEffects(IReadOnlyList<string> reads, IReadOnlyList<string> writes)
    {
        ReadKeys = reads;
        WriteKeys = writes;
    }

    /// <summary>Gets a function with no I/O at all (a calculator): it never conflicts with anything.</summary>
    public static FunctionEffects Pure { get; } = new([], []);

    /// <summary>Gets a read-only function that names no resources: it reads everything and writes nothing.</summary>
    public static FunctionEffects ReadOnly { get; } = new([Everything], []);

    /// <summary>Gets a function with unknown side effects: it reads and writes everything, so it runs alone.</summary>
    public static FunctionEffects Exclusive { get; } = new([Everything], [Everything]);

    /// <summary>Gets the key templates the function reads.</summary>
    public IReadOnlyList<string> ReadKeys { get; }

    /// <summary>Gets the key templates the function writes (a write implies a read of the same keys).</summary>
    public IReadOnlyList<string> WriteKeys { get; }

    /// <summary>Gets a value indicating whether running the function twice has the same effect as running it once, so a failed call may be retried.</summary>
    public bool IsIdempotent { get; private init; }

    /// <summary>Gets the per-call timeout for this function, or <see langword="null"/> to use <see cref="ParallelInvocationOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; private init; }

    /// <summary>Gets the name of the concurrency group whose limit this function's calls count against, or <see langword="null"/>.</summary>
    public string? ConcurrencyGroup { get; private init; }

    /// <summary>
    /// Gets a value indicating whether each call must be approved before it runs: by <see cref="ParallelInvocationOptions.ApprovalHandler"/>, or,
    /// without one, by the caller of <see cref="ParallelFunctionInvokingChatClient"/> through approval requests.
    /// </summary>
    public bool RequiresApproval { get; private init; }

    /// <summary>Declares a function that reads the given keys and writes nothing.</summary>
    /// <param name="keyTemplates">Key templates; none means the function reads <see cref="Everything"/>.</param>
    /// <returns>The declaration.</returns>
    public static FunctionEffects Reading(params string[] keyTemplates)
    {
        ArgumentNullException.ThrowIfNull(keyTemplates);
        return keyTemplates.Length == 0 ? ReadOnly : new(Copy(keyTemplates), []);
    }

    /// <summary>Declares a function that writes the given keys (and may read them).</summary>
    /// <param name="keyTemplates">Key templates; none means the function writes <see cref="Everything"/>.</param>
    /// <returns>The declaration.</returns>
    public static FunctionEffects Writing(params string[] keyTemplates)
    {
        ArgumentNullException.ThrowIfNull(keyTemplates);
        return keyTemplates.Length == 0 ? Exclusive : new([], Copy(keyTemplates));
    }

    /// <summary>Returns a copy that also reads the given keys.</summary>
    /// <param name="keyTemplates">Key templates to add to the read set.</param>
    /// <returns>The new declaration.</returns>
    public FunctionEffects AlsoReading(params string[] keyTemplates)
    {
        ArgumentNullException.ThrowIfNull(keyTemplates);
        return With(ReadKeys.Concat(Copy(keyTemplates)).Distinct(StringComparer.Ordinal).ToArray(), WriteKeys);
    }

    /// <summary>Returns a copy marked idempotent: failed or timed-out calls may be retried (<see cref="ParallelInvocationOptions.MaxRetryAttempts"/>).</summary>
    /// <returns>The new declaration.</returns>
    public FunctionEffects AsIdempotent() => With(ReadKeys, WriteKeys, idempotent: true);

    /// <summary>Returns a copy with a per-call timeout.</summary>
    /// <param name="timeout">A positive timeout.</param>
    /// <returns>The new declaration.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public FunctionEffects WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return With(ReadKeys, WriteKeys, timeout: timeout);
    }

    /// <summary>Returns a copy whose calls count against the named concurrency group (see <see cref="ParallelInvocationOptions.ConcurrencyGroups"/>).</summary>
    /// <param name="group">The group name.</param>
    /// <returns>The new declaration.</returns>
    public FunctionEffects InConcurrencyGroup(string group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        return With(ReadKeys, WriteKeys, group: group);
    }

    /// <summary>Returns a copy whose calls must be approved before they run (see <see cref="RequiresApproval"/>).</summary>
    /// <returns>The new declaration.</returns>
    public FunctionEffects RequiringApproval() => With(ReadKeys, WriteKeys, approval: true);

    /// <inheritdoc/>
    public override string ToString()
    {
        if (ReadKeys.Count == 0 && WriteKeys.Count == 0)
        {
            return "pure";
        }

        static string Keys(IReadOnlyList<string> keys) => string.Join(", ", keys.Select(k => k.Length == 0 ? "*" : k));
        string text = WriteKeys.Count == 0 ? $"reads {Keys(ReadKeys)}"
            : ReadKeys.Count == 0 ? $"writes {Keys(WriteKeys)}"
            : $"reads {Keys(ReadKeys)}; writes {Keys(WriteKeys)}";
        return text;
    }

    private static string[] Copy(string[] keys)
    {
        foreach (string k in keys)
        {
            ArgumentNullException.ThrowIfNull(k, nameof(keys));
        }

        return (string[])keys.Clone();
    }

    private FunctionEffects With(IReadOnlyList<string> reads, IReadOnlyList<string> writes, bool? idempotent = null, TimeSpan? timeout = null, string? group = null, bool? approval = null) =>
        new(reads, writes)
        {
            IsIdempotent = idempotent ?? IsIdempotent,
            Timeout = timeout ?? Timeout,
            ConcurrencyGroup = group ?? ConcurrencyGroup,
            RequiresApproval = approval ?? RequiresApproval,
        };
}
