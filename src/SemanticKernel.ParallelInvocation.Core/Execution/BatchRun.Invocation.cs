using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Execution;

// Running one call: offloaded to the thread pool, with its timeout, retries and outcome. See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
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

        var toStart = new List<Launch>();
        lock (_gate)
        {
            if (!outcome.Request.RunsNestedBatch)
            {
                _inFlight--;
                string group = _effects[i]!.Declaration.ConcurrencyGroup ?? UngroupedKey;
                _groupInFlight[group]--;
            }

            FinishLocked(i, status, timed: true);
            ScheduleLocked(toStart);
            CompleteIfDoneLocked();
        }

        StartAll(toStart);
    }

    private async Task<ToolCallStatus> InvokeWithRetriesAsync(ToolCallOutcome outcome, FunctionEffects effects)
    {
        bool nested = outcome.Request.RunsNestedBatch; // the nested calls have their own timeouts and retries
        TimeSpan? timeout = nested ? null : effects.Timeout ?? _options.DefaultTimeout;
        while (true)
        {
            outcome.Attempts++;
            var status = await InvokeOnceAsync(outcome, timeout).ConfigureAwait(false);
            bool retry = !nested && status is ToolCallStatus.Failed or ToolCallStatus.TimedOut
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
}
