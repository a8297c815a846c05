using System;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>A <see cref="TimeSpan"/>? kept in one word (its ticks, <see cref="None"/> for no value): smaller, and written without tearing.</summary>
internal static class OptionalTicks
{
    /// <summary>The ticks that stand for no value; no time the engine measures has them.</summary>
    public const long None = long.MinValue;

    public static long From(TimeSpan? time) => time is { } t ? t.Ticks : None;

    public static TimeSpan? ToTime(long ticks) => ticks == None ? null : TimeSpan.FromTicks(ticks);
}
