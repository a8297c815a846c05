using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>What a run produced: each call's status and result text, and the store's final contents.</summary>
public sealed record RunResult(IReadOnlyList<(ToolCallStatus Status, string? Result)> Calls, string FinalState)
{
    public bool SameAs(RunResult other) => FinalState == other.FinalState && Calls.SequenceEqual(other.Calls);

    public override string ToString() =>
        string.Join(" | ", Calls.Select((c, i) => $"#{i} {c.Status} {c.Result}")) + $" || store: {FinalState}";
}

/// <summary>The reference: the batch run one call after another in emitted order, with the failure policy applied by its definition.</summary>
public static class SerialRun
{
    public static async Task<RunResult> RunAsync(StoreBatch batch)
    {
        var store = new KeyedStore();
        var calls = new List<(ToolCallStatus, string?)>();
        var failedWrites = new List<string[]>();
        foreach (var op in batch.Ops)
        {
            // Only declared keys skip: an undeclared call is neither skipped nor a cause of skips (FunctionInvokingChatClient runs every call).
            var (reads, writes) = op.Access;
            bool skip = batch.Policy == FailurePolicy.SkipAfterFailedWrite && op.IsDeclared
                && failedWrites.Any(w => w.Any(wk => reads.Concat(writes).Any(k => Overlap(wk, k))));
            if (skip)
            {
                calls.Add((ToolCallStatus.Skipped, null));
                failedWrites.Add(writes);
                continue;
            }

            if (op.Function == "guarded_set" && !op.Approved)
            {
                calls.Add((ToolCallStatus.Rejected, null)); // never ran, so nothing after it is skipped
                continue;
            }

            try
            {
                calls.Add((ToolCallStatus.Succeeded, await op.RunAsync(store, CancellationToken.None)));
            }
            catch (InvalidOperationException)
            {
                calls.Add((ToolCallStatus.Failed, null));
                if (op.IsDeclared)
                {
                    failedWrites.Add(writes);
                }
            }
        }

        return new RunResult(calls, store.Snapshot(string.Empty));
    }

    /// <summary>Segment-wise ancestor-or-equal, written independently of the engine's implementation.</summary>
    public static bool Overlap(string a, string b) => KeyedStore.Under(a, b) || KeyedStore.Under(b, a);
}
