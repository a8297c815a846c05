using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Planning;
using SemanticKernel.ParallelInvocation.Reporting;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// One batch being run. All scheduling state is guarded by <see cref="_gate"/>; functions run outside it. Each outcome is decided
/// exactly once (<see cref="_done"/>), by whichever party owns the call at that moment: the scheduler (rejected, skipped, cancelled
/// before start), the approval continuation, the delivery continuation, or the call's own task.
/// </summary>
/// <remarks>
/// Work released under the lock (calls to start, delivery gates to await) is collected in a list of <see cref="Launch"/> and launched
/// after the lock is released, so no host code runs under it. Every lock section that can make a call ready ends with
/// <see cref="ScheduleLocked"/>, which also collects the delivery gates made due (<see cref="_gatesDue"/>).
/// </remarks>
internal sealed partial class BatchRun
{
    private const string UngroupedKey = "";

    private readonly ParallelToolExecutor _executor;
    private readonly ParallelInvocationOptions _options;
    private readonly ToolCallBatch _batch;
    private readonly CancellationToken _cancellationToken;
    private readonly TimeProvider _time;
    private readonly ToolCallOutcome[] _outcomes;
    private readonly ResolvedEffects?[] _effects;
    private readonly object _gate = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExecutionPlan _plan = null!;
    private int[] _remaining = [];
    private bool[] _done = [];
    private bool[] _awaitingApproval = [];
    private bool[] _awaitingDelivery = [];
    private ToolCallStatus?[] _decidedEarly = [];
    private readonly List<int> _gatesDue = [];
    private readonly List<int> _nestedDue = [];
    private bool[] _running = [];
    private int?[] _skipCause = [];
    private Dictionary<string, PriorityQueue<int, int>> _ready = new(StringComparer.Ordinal);
    private Dictionary<string, int> _groupInFlight = new(StringComparer.Ordinal);
    private ExecutionContext? _callerContext;
    private Activity? _batchActivity;
    private long _start;
    private int _doneCount;
    private int _inFlight;
    private int _maxInFlight;
    private bool _cancelled;

    public BatchRun(ParallelToolExecutor executor, ToolCallBatch batch, CancellationToken cancellationToken)
    {
        _executor = executor;
        _options = executor.Options;
        _batch = batch;
        _cancellationToken = cancellationToken;
        _time = _options.TimeProvider;
        int n = batch.Calls.Count;
        _outcomes = new ToolCallOutcome[n];
        _effects = new ResolvedEffects?[n];
        for (int i = 0; i < n; i++)
        {
            _outcomes[i] = new ToolCallOutcome(i, batch.Calls[i] ?? throw new ArgumentException($"Call {i} of the batch is null.", nameof(batch)));
        }
    }

    public async Task<BatchReport> RunAsync()
    {
        _start = _time.GetTimestamp();
        var inputs = Classify();
        _plan = BatchPlanner.Plan(inputs);

        int n = _outcomes.Length;
        _remaining = new int[n];
        _done = new bool[n];
        _awaitingApproval = new bool[n];
        _awaitingDelivery = new bool[n];
        _decidedEarly = new ToolCallStatus?[n];
        _running = new bool[n];
        _skipCause = new int?[n];
        _callerContext = ExecutionContext.Capture();
        _batchActivity = _executor.Observer.BatchStarting(_batch, _effects.Count(e => e is not null), _plan.EdgeCount);

        var approvals = new List<int>();
        var toStart = new List<Launch>();
        lock (_gate)
        {
            for (int i = 0; i < n; i++)
            {
                var outcome = _outcomes[i];
                outcome.Predecessors = Array.ConvertAll(_plan.Predecessors[i], d => d.Predecessor);
                _remaining[i] = _plan.Predecessors[i].Length;
                if (_effects[i] is null)
                {
                    FinishLocked(i, ToolCallStatus.Rejected); // decided in Classify
                }
                else if (outcome.Request.ApprovedByCaller is false)
                {
                    outcome.ErrorMessage = NotApprovedMessage(outcome.Name, outcome.Request.ApprovalReason);
                    DecideLocked(i, ToolCallStatus.Rejected);
                }
                else if (_effects[i]!.Declaration.RequiresApproval && outcome.Request.ApprovedByCaller is null)
                {
                    if (_options.ApprovalHandler is null)
                    {
                        outcome.ErrorMessage = $"Error: the call to '{outcome.Name}' requires approval, and no approver is configured; it did not run.";
                        DecideLocked(i, ToolCallStatus.Rejected);
                    }
                    else
                    {
                        _awaitingApproval[i] = true;
                        approvals.Add(i);
                    }
                }
            }

            for (int i = 0; i < n; i++)
            {
                if (!_done[i] && _remaining[i] == 0 && !_awaitingApproval[i])
                {
                    MarkReadyLocked(i);
                }
            }

            ScheduleLocked(toStart);
            CompleteIfDoneLocked();
        }

        StartAll(toStart);
        foreach (int i in approvals)
        {
            _ = RequestApprovalAsync(i);
        }

        using (_cancellationToken.Register(static s => ((BatchRun)s!).OnCancelled(), this))
        {
            await _completed.Task.ConfigureAwait(false);
        }

        var report = new BatchReport(
            _outcomes,
            Elapsed(),
            TimeSpan.FromTicks((long)_plan.CriticalPath(i => _outcomes[i].RunTime.Ticks)),
            _maxInFlight,
            _plan.EdgeCount,
            [.. _batch.Diagnostics]);
        _executor.Observer.BatchCompleted(_batchActivity, report);
        _options.OnBatchCompleted?.Invoke(report);
        return report;
    }

    /// <summary>The error result of a call refused approval, by the handler or by the caller (with the caller's reason, if any).</summary>
    private static string NotApprovedMessage(string name, string? reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? $"Error: the call to '{name}' was not approved and did not run."
            : $"Error: the call to '{name}' was not approved and did not run. Reason given: {reason.Trim()}";

    private string Detail(Exception ex) => _options.IncludeDetailedErrors ? $" ({ex.GetType().Name}: {ex.Message})" : string.Empty;

    private TimeSpan Elapsed() => _time.GetElapsedTime(_start);

    /// <summary>The call's predecessors are done and its approval given: it waits for its delivery gate, if any, then for a slot.</summary>
    private void MarkReadyLocked(int i)
    {
        if (_outcomes[i].Request.DeliveryGate is not null)
        {
            _awaitingDelivery[i] = true;
            _gatesDue.Add(i);
            return;
        }

        EnqueueLocked(i);
    }

    private void EnqueueLocked(int i)
    {
        _outcomes[i].QueuedAt = Elapsed();
        if (_outcomes[i].Request.RunsNestedBatch)
        {
            _nestedDue.Add(i); // takes no slot: started by the next ScheduleLocked
            return;
        }

        string group = _effects[i]!.Declaration.ConcurrencyGroup ?? UngroupedKey;
        if (!_ready.TryGetValue(group, out var queue))
        {
            queue = new PriorityQueue<int, int>();
            _ready[group] = queue;
        }

        queue.Enqueue(i, i);
    }

    /// <summary>Collects the delivery gates made due, then takes ready calls, lowest index first, while the global limit and each group's limit allow.</summary>
    private void ScheduleLocked(List<Launch> toStart)
    {
        // Gates are collected even after cancellation: each awaiting call is decided by its own gate's continuation.
        foreach (int g in _gatesDue)
        {
            toStart.Add(new Launch(g, OpensGate: true));
        }

        _gatesDue.Clear();
        foreach (int c in _nestedDue)
        {
            if (!_cancelled && !_done[c])
            {
                _running[c] = true;
                toStart.Add(new Launch(c, OpensGate: false));
            }
        }

        _nestedDue.Clear();
        int max = _options.MaxDegreeOfParallelism;
        while (!_cancelled && (max == ParallelInvocationOptions.Unbounded || _inFlight < max))
        {
            string? bestGroup = null;
            int best = int.MaxValue;
            foreach (var (group, queue) in _ready)
            {
                if (queue.TryPeek(out int head, out _) && head < best && HasCapacity(group))
                {
                    best = head;
                    bestGroup = group;
                }
            }

            if (bestGroup is null)
            {
                return;
            }

            _ready[bestGroup].Dequeue();
            _running[best] = true;
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
            _groupInFlight[bestGroup] = _groupInFlight.GetValueOrDefault(bestGroup) + 1;
            toStart.Add(new Launch(best, OpensGate: false));
        }
    }

    private bool HasCapacity(string group) =>
        group == UngroupedKey || !_executor.GroupLimits.TryGetValue(group, out int limit) || _groupInFlight.GetValueOrDefault(group) < limit;

    private void StartAll(List<Launch> toStart)
    {
        foreach (var launch in toStart)
        {
            if (_callerContext is null)
            {
                Start(launch);
                continue;
            }

            // Each call (and each delivery gate) starts in the caller's execution context, not in that of the call whose completion released it.
            ExecutionContext.Run(_callerContext, static s =>
            {
                var (run, launch) = ((BatchRun, Launch))s!;
                run.Start(launch);
            }, (this, launch));
        }
    }

    private void Start(Launch launch) => _ = launch.OpensGate ? AwaitDeliveryAsync(launch.Index) : RunCallAsync(launch.Index);

    private void OnCancelled()
    {
        lock (_gate)
        {
            _cancelled = true;
            foreach (var queue in _ready.Values)
            {
                queue.Clear();
            }

            for (int i = 0; i < _outcomes.Length; i++)
            {
                // Running calls, pending approvals and pending deliveries finish themselves as cancelled; everything else is decided here.
                if (!_done[i] && !_running[i] && !_awaitingApproval[i] && !_awaitingDelivery[i])
                {
                    FinishLocked(i, _decidedEarly[i] ?? ToolCallStatus.Cancelled);
                }
            }

            CompleteIfDoneLocked();
        }
    }

    /// <summary>
    /// Records a decided outcome and releases its successors; successors that can no longer run are decided too (iteratively, so a
    /// long chain of skips cannot overflow the stack). Calls that become ready are queued for <see cref="ScheduleLocked"/>.
    /// </summary>
    private void FinishLocked(int first, ToolCallStatus firstStatus, bool timed = false)
    {
        var work = new Stack<(int Index, ToolCallStatus Status, bool Timed)>();
        work.Push((first, firstStatus, timed));
        while (work.Count > 0)
        {
            var (i, status, alreadyTimed) = work.Pop();
            if (_done[i])
            {
                continue;
            }

            _done[i] = true;
            _doneCount++;
            var outcome = _outcomes[i];
            outcome.Status = status;
            if (!alreadyTimed)
            {
                outcome.FinishedAt = Elapsed();
                if (status == ToolCallStatus.Skipped)
                {
                    outcome.ErrorMessage = MessageFor(outcome, status); // replaces a refusal decided earlier
                }
                else if (status != ToolCallStatus.Succeeded)
                {
                    outcome.ErrorMessage ??= MessageFor(outcome, status);
                }

                _executor.Observer.CallCompleted(null, outcome);
            }

            _batch.OnCallCompleted?.Invoke(outcome);

            bool poisons = status is ToolCallStatus.Failed or ToolCallStatus.TimedOut or ToolCallStatus.Skipped or ToolCallStatus.Cancelled;
            foreach (var edge in _plan.Successors[i])
            {
                int s = edge.Predecessor;
                _remaining[s]--;
                bool skips = edge.Kind == DependencyKind.Data
                    ? status != ToolCallStatus.Succeeded
                    : poisons && edge.Kind == DependencyKind.AfterWrite && _options.FailurePolicy == FailurePolicy.SkipAfterFailedWrite;
                if (skips && _skipCause[s] is null)
                {
                    _skipCause[s] = outcome.SkippedBecauseOf ?? i;
                }

                if (_remaining[s] > 0 || _done[s] || _awaitingApproval[s])
                {
                    continue;
                }

                if (_cancelled)
                {
                    work.Push((s, ToolCallStatus.Cancelled, false));
                }
                else if (_skipCause[s] is int cause)
                {
                    // As in a sequential run: a call ordered after a failed write is skipped, even one already refused approval.
                    _outcomes[s].SkippedBecauseOf = cause;
                    work.Push((s, ToolCallStatus.Skipped, false));
                }
                else if (_decidedEarly[s] is { } decided)
                {
                    work.Push((s, decided, false));
                }
                else
                {
                    MarkReadyLocked(s);
                }
            }
        }
    }

    /// <summary>
    /// Decides that a call will not run. Its successors are released only once its own predecessors are done: the plan orders a
    /// successor after this call alone when this call dominates an earlier one, so releasing it early would let it overtake that call.
    /// </summary>
    private void DecideLocked(int i, ToolCallStatus status)
    {
        if (_remaining[i] == 0 && _skipCause[i] is int cause)
        {
            _outcomes[i].SkippedBecauseOf = cause;
            FinishLocked(i, ToolCallStatus.Skipped);
        }
        else if (_remaining[i] == 0)
        {
            FinishLocked(i, status);
        }
        else
        {
            _decidedEarly[i] = status;
        }
    }

    private void CompleteIfDoneLocked()
    {
        if (_doneCount == _outcomes.Length)
        {
            _completed.TrySetResult();
        }
    }

    private string MessageFor(ToolCallOutcome outcome, ToolCallStatus status)
    {
        string name = outcome.Name;
        switch (status)
        {
            case ToolCallStatus.Failed:
                return $"Error: the call to '{name}' failed{(outcome.Exception is { } e ? Detail(e) : string.Empty)}. Check the arguments, or reach the goal another way.";
            case ToolCallStatus.TimedOut:
                return $"Error: the call to '{name}' did not finish in time and was abandoned; whether it had any effect is unknown.";
            case ToolCallStatus.Cancelled:
                return $"Error: the call to '{name}' was cancelled before it finished.";
            case ToolCallStatus.Skipped:
                var cause = _outcomes[outcome.SkippedBecauseOf ?? 0];
                string what = cause.Status switch
                {
                    ToolCallStatus.TimedOut => "timed out",
                    ToolCallStatus.Cancelled => "was cancelled",
                    ToolCallStatus.Skipped => "was skipped",
                    _ => "failed",
                };
                return $"Error: the call to '{name}' did not run because it must follow call #{cause.Index} ('{cause.Name}'{(cause.CallId.Length > 0 ? $", id {cause.CallId}" : string.Empty)}), which {what}. Deal with that call first, then repeat this one if it is still needed.";
            default:
                return $"Error: the call to '{name}' did not run.";
        }
    }

    /// <summary>Work released under the lock: a call to start, or the delivery gate of a call to await.</summary>
    private readonly record struct Launch(int Index, bool OpensGate);
}
