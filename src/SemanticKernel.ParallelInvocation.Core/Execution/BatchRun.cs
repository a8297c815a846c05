using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Planning;
using SemanticKernel.ParallelInvocation.Reporting;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// One batch being run. All scheduling state is guarded by <see cref="_gate"/>; functions run outside it. Each outcome is decided
/// exactly once (<see cref="_done"/>), by whichever party owns the call at that moment: the scheduler (rejected, skipped, cancelled
/// before start), the approval continuation, or the call's own task.
/// </summary>
internal sealed class BatchRun
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
        _running = new bool[n];
        _skipCause = new int?[n];
        _callerContext = ExecutionContext.Capture();
        _batchActivity = _executor.Observer.BatchStarting(_batch, _effects.Count(e => e is not null), _plan.EdgeCount);

        var approvals = new List<int>();
        var toStart = new List<int>();
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
                else if (_effects[i]!.Declaration.RequiresApproval)
                {
                    if (_options.ApprovalHandler is null)
                    {
                        outcome.ErrorMessage = $"Error: the call to '{outcome.Name}' requires approval, and no approver is configured; it did not run.";
                        FinishLocked(i, ToolCallStatus.Rejected);
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

    /// <summary>Rejects what cannot run, resolves and binds the rest; rejected calls take no part in the plan.</summary>
    private PlanInput[] Classify()
    {
        var inputs = new PlanInput[_outcomes.Length];
        var firstById = new Dictionary<string, int>(StringComparer.Ordinal);
        var normalizer = _executor.Resolver.Normalizer;
        List<string>? configurationErrors = null;
        for (int i = 0; i < _outcomes.Length; i++)
        {
            var outcome = _outcomes[i];
            var request = outcome.Request;
            inputs[i] = PlanInput.None;
            if (i >= _options.MaxBatchSize)
            {
                outcome.ErrorMessage = $"Error: this turn asked for {_outcomes.Length} calls; at most {_options.MaxBatchSize} are run per turn. Call #{i} ('{request.Name}') did not run; repeat it in a later turn if it is still needed.";
                continue;
            }

            if (request.CallId.Length == 0 && _batch.RequireCallIds)
            {
                outcome.ErrorMessage = $"Error: call #{i} ('{request.Name}') has no call id, so its result could not be matched to it; it did not run. Give every call its own id.";
                continue;
            }

            if (request.CallId.Length > 0 && !firstById.TryAdd(request.CallId, i))
            {
                outcome.ErrorMessage = $"Error: call id '{request.CallId}' was already used by call #{firstById[request.CallId]} in this turn; this call did not run. Give every call its own id.";
                continue;
            }

            if (request.Function is null)
            {
                outcome.ErrorMessage = $"Error: there is no function named '{request.Name}'. Call only the functions you were given.";
                continue;
            }

            if (request.ArgumentsError is { } argumentsError)
            {
                outcome.Exception = argumentsError;
                outcome.ErrorMessage = $"Error: the arguments for '{request.Name}' could not be parsed{Detail(argumentsError)}. Send a JSON object that matches the function's parameters.";
                continue;
            }

            ResolvedEffects effects;
            try
            {
                effects = _executor.Resolver.Resolve(request.Function, request.Name);
            }
            catch (ParallelInvocationConfigurationException ex)
            {
                (configurationErrors ??= []).AddRange(ex.Errors);
                continue;
            }

            try
            {
                var (reads, writes) = effects.Bind(request.Arguments, normalizer);
                inputs[i] = new PlanInput(reads, writes);
                outcome.ReadKeys = [.. ResourceKey.Describe(reads)];
                outcome.WriteKeys = [.. ResourceKey.Describe(writes)];
            }
            catch (Exception ex)
            {
                outcome.Exception = ex;
                outcome.ErrorMessage = $"Error: the arguments for '{request.Name}' could not be turned into resource keys{Detail(ex)}. Check the argument values.";
                continue;
            }

            _effects[i] = effects;
            outcome.Effects = effects.Declaration;
            outcome.EffectsSource = effects.Source;
        }

        if (configurationErrors is not null)
        {
            throw new ParallelInvocationConfigurationException(configurationErrors.Distinct(StringComparer.Ordinal));
        }

        return inputs;
    }

    private string Detail(Exception ex) => _options.IncludeDetailedErrors ? $" ({ex.GetType().Name}: {ex.Message})" : string.Empty;

    private TimeSpan Elapsed() => _time.GetElapsedTime(_start);

    private void MarkReadyLocked(int i)
    {
        _outcomes[i].QueuedAt = Elapsed();
        string group = _effects[i]!.Declaration.ConcurrencyGroup ?? UngroupedKey;
        if (!_ready.TryGetValue(group, out var queue))
        {
            queue = new PriorityQueue<int, int>();
            _ready[group] = queue;
        }

        queue.Enqueue(i, i);
    }

    /// <summary>Takes ready calls, lowest index first, while the global limit and each group's limit allow.</summary>
    private void ScheduleLocked(List<int> toStart)
    {
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
            toStart.Add(best);
        }
    }

    private bool HasCapacity(string group) =>
        group == UngroupedKey || !_executor.GroupLimits.TryGetValue(group, out int limit) || _groupInFlight.GetValueOrDefault(group) < limit;

    private void StartAll(List<int> toStart)
    {
        foreach (int i in toStart)
        {
            if (_callerContext is null)
            {
                _ = RunCallAsync(i);
                continue;
            }

            // Each call starts in the caller's execution context, not in that of the call whose completion released it.
            ExecutionContext.Run(_callerContext, static s =>
            {
                var (run, index) = ((BatchRun, int))s!;
                _ = run.RunCallAsync(index);
            }, (this, i));
        }
    }

    private async Task RunCallAsync(int i)
    {
        var outcome = _outcomes[i];
        outcome.StartedAt = Elapsed();
        Activity? activity = _executor.Observer.CallStarting(_batchActivity, outcome);
        ToolCallStatus status;
        try
        {
            status = _cancellationToken.IsCancellationRequested ? ToolCallStatus.Cancelled : await InvokeWithRetriesAsync(outcome, _effects[i]!.Declaration).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Only our own bookkeeping can get here; still, the call gets an outcome.
            outcome.Exception = ex;
            status = ToolCallStatus.Failed;
        }

        if (status != ToolCallStatus.Succeeded)
        {
            outcome.ErrorMessage ??= MessageFor(outcome, status);
        }

        outcome.Status = status;
        outcome.FinishedAt = Elapsed();
        _executor.Observer.CallCompleted(activity, outcome);
        activity?.Dispose();

        var toStart = new List<int>();
        lock (_gate)
        {
            _inFlight--;
            string group = _effects[i]!.Declaration.ConcurrencyGroup ?? UngroupedKey;
            _groupInFlight[group]--;
            FinishLocked(i, status, timed: true);
            ScheduleLocked(toStart);
            CompleteIfDoneLocked();
        }

        StartAll(toStart);
    }

    private async Task<ToolCallStatus> InvokeWithRetriesAsync(ToolCallOutcome outcome, FunctionEffects effects)
    {
        TimeSpan? timeout = effects.Timeout ?? _options.DefaultTimeout;
        while (true)
        {
            outcome.Attempts++;
            var status = await InvokeOnceAsync(outcome, timeout).ConfigureAwait(false);
            bool retry = status is ToolCallStatus.Failed or ToolCallStatus.TimedOut
                && effects.IsIdempotent
                && outcome.Attempts <= _options.MaxRetryAttempts
                && !_cancellationToken.IsCancellationRequested;
            if (!retry)
            {
                return status;
            }

            if (_options.RetryDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(_options.RetryDelay, _time, _cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex)
                {
                    outcome.Exception = ex;
                    return ToolCallStatus.Cancelled;
                }
            }

            outcome.Exception = null;
        }
    }

    private async Task<ToolCallStatus> InvokeOnceAsync(ToolCallOutcome outcome, TimeSpan? timeout)
    {
        var request = outcome.Request;
        var timeoutSource = timeout is { } t ? new CancellationTokenSource(t, _time) : null;
        var linked = timeoutSource is null
            ? CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, timeoutSource.Token);
        var token = linked.Token;
        Task<object?> task = Task.Run(() => Invoke(request, token).AsTask(), CancellationToken.None);
        bool abandoned = false;
        try
        {
            outcome.Result = await task.WaitAsync(token).ConfigureAwait(false);
            return ToolCallStatus.Succeeded;
        }
        catch (Exception ex) when (_cancellationToken.IsCancellationRequested)
        {
            abandoned = !task.IsCompleted;
            outcome.Exception = ex as OperationCanceledException ?? new OperationCanceledException("The batch was cancelled.", ex, _cancellationToken);
            return ToolCallStatus.Cancelled;
        }
        catch (Exception ex) when (timeoutSource?.IsCancellationRequested == true)
        {
            abandoned = !task.IsCompleted;
            outcome.Exception = new TimeoutException($"The call to '{request.Name}' did not finish within {timeout}.", ex);
            return ToolCallStatus.TimedOut;
        }
        catch (Exception ex)
        {
            outcome.Exception = ex;
            return ToolCallStatus.Failed;
        }
        finally
        {
            if (abandoned)
            {
                // The function ignores cancellation: let it finish on its own, observe its exception, then free the token sources.
                _ = task.ContinueWith(
                    static (t, s) =>
                    {
                        _ = t.Exception;
                        var (a, b) = ((CancellationTokenSource, CancellationTokenSource?))s!;
                        a.Dispose();
                        b?.Dispose();
                    },
                    (linked, timeoutSource),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
            else
            {
                linked.Dispose();
                timeoutSource?.Dispose();
            }
        }
    }

    private static ValueTask<object?> Invoke(ToolCallRequest request, CancellationToken token)
    {
        if (request.Invoker is { } invoker)
        {
            return invoker(request, token);
        }

        var arguments = new AIFunctionArguments(request.Arguments.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal))
        {
            Services = request.Services,
        };
        return request.Function!.InvokeAsync(arguments, token);
    }

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
                // Running calls and pending approvals finish themselves as cancelled; everything else is decided here.
                if (!_done[i] && !_running[i] && !_awaitingApproval[i])
                {
                    FinishLocked(i, ToolCallStatus.Cancelled);
                }
            }

            CompleteIfDoneLocked();
        }
    }

    private async Task RequestApprovalAsync(int i)
    {
        var outcome = _outcomes[i];
        var request = outcome.Request;
        bool approved;
        ToolCallStatus? failed = null;
        try
        {
            var approval = new ApprovalRequest(request.CallId, request.Name, request.Arguments, request.Function!, _effects[i]!.Declaration);
            approved = await _options.ApprovalHandler!(approval, _cancellationToken).AsTask().WaitAsync(_cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_cancellationToken.IsCancellationRequested)
        {
            outcome.Exception = ex;
            approved = false;
            failed = ToolCallStatus.Cancelled;
        }
        catch (Exception ex)
        {
            outcome.Exception = ex;
            approved = false;
            outcome.ErrorMessage = $"Error: the approval of the call to '{request.Name}' failed, so it did not run.";
        }

        var toStart = new List<int>();
        lock (_gate)
        {
            _awaitingApproval[i] = false;
            if (_done[i])
            {
                return;
            }

            if (!approved)
            {
                outcome.ErrorMessage ??= failed is null ? $"Error: the call to '{request.Name}' was not approved and did not run." : null;
                FinishLocked(i, failed ?? ToolCallStatus.Rejected);
            }
            else if (_cancelled)
            {
                FinishLocked(i, ToolCallStatus.Cancelled);
            }
            else if (_skipCause[i] is not null && _remaining[i] == 0)
            {
                FinishLocked(i, ToolCallStatus.Skipped);
            }
            else if (_remaining[i] == 0)
            {
                MarkReadyLocked(i);
            }

            ScheduleLocked(toStart);
            CompleteIfDoneLocked();
        }

        StartAll(toStart);
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
                if (status != ToolCallStatus.Succeeded)
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
                    _outcomes[s].SkippedBecauseOf = cause;
                    work.Push((s, ToolCallStatus.Skipped, false));
                }
                else
                {
                    MarkReadyLocked(s);
                }
            }
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
}
