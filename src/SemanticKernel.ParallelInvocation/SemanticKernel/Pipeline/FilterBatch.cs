using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.Execution;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// One assistant message's calls, captured when the first of them reaches <see cref="ParallelFunctionInvocationFilter"/> and run from there
/// by the engine, each through the auto-function filters after it: with Semantic Kernel's own context and <c>next</c> once the call has
/// been delivered, else with a context built as the path builds it (<see cref="InnerPipeline"/>). Each delivery of a call is answered
/// from its run. State shared between deliveries and runs is guarded by <see cref="_gate"/>; no engine or host code runs under it.
/// </summary>
internal sealed partial class FilterBatch : IWatched
{
    private static readonly Func<ToolCallRequest, CancellationToken, ValueTask<object?>> s_invoke =
        static (request, token) => ((BatchCall)request.State!).Batch.InvokeAsync((BatchCall)request.State!, token);

    private static readonly Action<ToolCallOutcome> s_completed = static outcome => ((BatchCall)outcome.Request.State!).Batch.Decide((BatchCall)outcome.Request.State!, outcome);

    private static readonly Func<ToolCallOutcome, bool> s_haltExempt = static outcome => ((BatchCall)outcome.Request.State!).Batch.IsExemptFromHalt((BatchCall)outcome.Request.State!);

    private static readonly Func<ToolCallOutcome, string> s_haltMessage = static outcome => ((BatchCall)outcome.Request.State!).Batch.HaltedMessage((BatchCall)outcome.Request.State!);

    private readonly object _gate = new();
    private readonly BatchCall?[] _calls;
    private readonly List<BatchCall> _batchCalls;
    private readonly FunctionCallContent[]? _messageCalls;
    private readonly IReadOnlyList<KernelFunction>? _advertised;
    private readonly int _lastIndex;
    private readonly CancellationToken _cancellationToken;
    private DeliveryMode _mode;
    private int _highestArrival;
    private int _haltedAt = int.MaxValue;
    private string _haltedName = string.Empty;
    private ToolCallBatch? _toolBatch;
    private int _terminatedAt = -1;
    private int _answerUntil = -1;
    private bool _finished;
    private bool _anyGated;
    private ChatHistory? _chatClientHistory;
    private List<BatchCall>? _skippedUndelivered;

    public FilterBatch(
        ParallelToolExecutor executor,
        AutoFunctionInvocationContext first,
        Func<AutoFunctionInvocationContext, Task> next,
        SkPath path,
        Capture capture,
        BatchCall? parent,
        int innerStart,
        CancellationToken cancellationToken)
    {
        Executor = executor;
        First = first;
        Path = path;
        Parent = parent;
        Kernel = first.Kernel;
        Filters = first.Kernel.AutoFunctionInvocationFilters;
        InnerStart = innerStart;
        _cancellationToken = cancellationToken;
        _mode = capture.Mode;
        _messageCalls = capture.MessageCalls;
        _advertised = capture.Advertised;
        _calls = new BatchCall?[first.FunctionCount];
        _batchCalls = capture.Calls;
        _highestArrival = first.FunctionSequenceIndex;

        // Delivering concurrently, with every call from the first delivered one on to be delivered (none rejected in between, so Semantic
        // Kernel writes nothing to the chat history until every call is answered), a call the engine starts before its delivery waits for
        // it and then runs on the delivering thread, with Semantic Kernel's own context, as Semantic Kernel would run it (see Rendezvous).
        bool rendezvous = path == SkPath.Processor && _mode == DeliveryMode.Concurrent
            && capture.Calls.Count == first.FunctionCount - first.FunctionSequenceIndex;
        foreach (var call in _batchCalls)
        {
            bool delivered = call.Index == first.FunctionSequenceIndex;

            // A call waits for its own delivery before it runs where it writes and Semantic Kernel may not deliver it, and (so that it
            // runs with Semantic Kernel's own context) wherever every call is delivered before any result is written.
            // A call of a concurrency group waits for its delivery without its group's permit (the permit is shared by the process).
            bool meets = rendezvous && !delivered && !InGroup(call.Function);
            bool gated = !delivered && !meets && (_mode == DeliveryMode.Concurrent || call.Uncertain && MayWrite(call.Function));
            _anyGated |= gated;
            call.Batch = this;

            // Completed outside any lock, so its continuation (the engine's, queueing the call) may run where it is completed.
            call.Arrival = gated ? new TaskCompletionSource<bool>() : null;
            call.Rendezvous = meets;
            if (delivered)
            {
                call.Delivered = first;
                call.Next = next;
            }

            _calls[call.Index] = call;
            _lastIndex = call.Index;
        }

        Run = Task.FromResult<BatchReport>(null!);
    }

    public AutoFunctionInvocationContext First { get; }

    public SkPath Path { get; }

    /// <summary>Gets the call whose flow delivered the batch's first call (null at the top level): later deliveries come from that flow.</summary>
    public BatchCall? Parent { get; }

    public Kernel Kernel { get; }

    public IList<IAutoFunctionInvocationFilter> Filters { get; }

    /// <summary>Gets the index of the first auto-function filter after <see cref="ParallelFunctionInvocationFilter"/>.</summary>
    public int InnerStart { get; }

    /// <summary>Gets the IChatClient path's ChatHistory for contexts built here: one copy of Microsoft.Extensions.AI's messages per batch.</summary>
    public ChatHistory ChatClientHistory
    {
        get
        {
            lock (_gate)
            {
                return _chatClientHistory ??= First.ChatHistory;
            }
        }
    }

    /// <summary>Gets the call at <paramref name="index"/> (the first delivered call's, when the batch starts).</summary>
    public BatchCall CallAt(int index) => _calls[index]!;

    /// <summary>Gets the engine's run; it completes with the report once every call has its outcome.</summary>
    public Task<BatchReport> Run { get; private set; }

    private ParallelToolExecutor Executor { get; }

    /// <summary>Gets the call whose delivery this is, if it belongs to this batch (claiming it), or says why not.</summary>
    public Claim TryClaim(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, out BatchCall? claimed)
    {
        claimed = null;
        int j = context.FunctionSequenceIndex;
        lock (_gate)
        {
            if (_finished)
            {
                return Claim.NotThisBatch;
            }

            if ((uint)j >= (uint)_calls.Length || _calls[j] is not { } call)
            {
                // A call the batch did not predict: delivered after the last arrival, it is this message's; before, a new processing of it.
                return j > _highestArrival && (uint)j < (uint)_calls.Length ? Claim.NotPredicted : Claim.NotThisBatch;
            }

            if (call.Delivered is not null || !Matches(call, context))
            {
                return Claim.NotThisBatch;
            }

            call.Delivered = context;
            call.Next = next;
            ReleaseSkippedLocked(j);
            ObserveLocked(context, j);
            claimed = call;
            return Claim.Claimed;
        }
    }

    /// <summary>Starts the engine on the batch.</summary>
    public void Start(IReadOnlyList<string> diagnostics)
    {
        if (Path == SkPath.Processor && _mode != DeliveryMode.Concurrent)
        {
            // The processor writes each result to the chat history as soon as it has it, while later calls may already run here; a context
            // reads the whole history when it is built, so the contexts of calls that may run before their delivery are built now, while
            // the processor waits for this filter. (Gemini and the IChatClient path write their results only after the whole batch.)
            foreach (var call in _batchCalls)
            {
                if (call.Delivered is null && call.Arrival is null)
                {
                    call.Prepared = CallCapture.CreateContext(this, call);
                }
            }
        }

        var requests = new ToolCallRequest[_batchCalls.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            var call = _batchCalls[i];
            requests[i] = new ToolCallRequest(call.CallId, call.Function.Name, call.Arguments, call.Function)
            {
                State = call,
                Invoker = s_invoke,
                DeliveryGate = call.Arrival is null ? null : call.WaitForDeliveryAsync,
            };
        }

        // Semantic Kernel awaits a delivery's task before it delivers the next call, or delivering concurrently needs no delivery for a call
        // to run: the ready calls run on the delivering thread, as Semantic Kernel would run them, the engine's watchdog handing the waiting
        // ones to the pool if a call blocks that thread. A gated call needs Semantic Kernel's loop to go on: then every call starts on the
        // pool.
        var batch = new ToolCallBatch(requests) { OnCallCompleted = s_completed, HostAwaitsAtOnce = !_anyGated };
        for (int i = 0; i < diagnostics.Count; i++)
        {
            batch.Diagnostics.Add(diagnostics[i]);
        }

        _toolBatch = batch;
        EnterInline();
        try
        {
            Run = Executor.ExecuteAsync(batch, _cancellationToken);
        }
        finally
        {
            ExitInline();
        }

        _ = Run.ContinueWith(
            static (run, state) =>
            {
                // A declaration error (e.g. contradictory attributes on a plugin added after the kernel was built) fails the batch before any
                // call is decided: every waiting delivery gets the error instead of waiting forever.
                foreach (var call in (List<BatchCall>)state!)
                {
                    call.Batch.Fault(call, run.Exception!.InnerExceptions);
                }
            },
            _batchCalls,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Runs one call for the engine: through Semantic Kernel's own rest of the pipeline if the call has been delivered, else through the
    /// filters after this one with a context built for it. An exception escaping the pipeline fails the call and is kept for its delivery.
    /// </summary>
    private ValueTask<object?> InvokeAsync(BatchCall call, CancellationToken cancellationToken)
    {
        AutoFunctionInvocationContext? context;
        Func<AutoFunctionInvocationContext, Task>? next;
        ValueTask<object?> waiting = default;
        bool waits = false;
        lock (_gate)
        {
            call.Started = true;
            context = call.Delivered;
            next = call.Next;
            if (call.NotDelivered)
            {
                return ValueTask.FromException<object?>(NotDeliveredError(call));
            }

            if (next is null && call.Rendezvous && !_takenOver)
            {
                waiting = WaitForDeliveryLocked(call, cancellationToken);
                waits = true;
            }
        }

        if (waits)
        {
            if (cancellationToken.CanBeCanceled)
            {
                WatchWait(call, cancellationToken);
            }

            return waiting;
        }

        return RunAsync(call, context ?? call.Prepared ?? CallCapture.CreateContext(this, call), next, cancellationToken);
    }

    /// <summary>Runs a call's pipeline: Semantic Kernel's own <c>next</c> where it was delivered, else the filters after this one.</summary>
    private async ValueTask<object?> RunAsync(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task>? next, CancellationToken cancellationToken)
    {
        call.RunContext = context;
        BatchFlow.Current = call;
        try
        {
            if (next is not null)
            {
                await next(context).ConfigureAwait(false);
            }
            else
            {
                await InnerPipeline.RunAsync(this, call, context, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            call.Failure = ExceptionDispatchInfo.Capture(ex);
            AfterRun(call, context, failed: true);
            throw;
        }

        AfterRun(call, context, failed: false);
        return context.Result.GetValue<object>();
    }

    /// <summary>
    /// A pipeline that ends with Terminate halts the batch where Semantic Kernel would stop there: on the function-calls processor (even if
    /// an exception followed), elsewhere only without one (Gemini and Microsoft.Extensions.AI go on after an exception).
    /// </summary>
    private void AfterRun(BatchCall call, AutoFunctionInvocationContext context, bool failed)
    {
        if (context.Terminate && (!failed || Path == SkPath.Processor))
        {
            Halt(call);
        }
    }

    /// <summary>
    /// Halts the batch at <paramref name="call"/>: every later call that has neither started nor been delivered does not run (the engine's
    /// halt ends it Skipped, naming this call). Where the function-calls processor delivers concurrently, every call is delivered and runs
    /// as in Semantic Kernel, and nothing is halted.
    /// </summary>
    private void Halt(BatchCall call)
    {
        lock (_gate)
        {
            if (call.Index >= _haltedAt)
            {
                return;
            }

            if (Path == SkPath.Processor && (_mode == DeliveryMode.Concurrent || _highestArrival > call.Index))
            {
                _mode = DeliveryMode.Concurrent;
                return;
            }

            _haltedName = call.Function.Name;
            Volatile.Write(ref _haltedAt, call.Index);
        }

        // Outside this batch's lock: the engine asks its callbacks under its own lock, and they take this one.
        _toolBatch!.Halt(call.Index, s_haltMessage, s_haltExempt);
        List<BatchCall>? undelivered = null;
        lock (_gate)
        {
            for (int k = call.Index + 1; k < _calls.Length; k++)
            {
                if (_calls[k] is { Started: false, Delivered: null, Arrival: not null } later)
                {
                    (undelivered ??= []).Add(later);
                }
            }
        }

        ReleaseUndelivered(undelivered);
    }

    /// <summary>Tells the engine that these calls will not be delivered; outside the lock (the engine's continuation may run here).</summary>
    private static void ReleaseUndelivered(List<BatchCall>? calls)
    {
        if (calls is null)
        {
            return;
        }

        foreach (var call in calls)
        {
            if (call.Arrival is { } arrival)
            {
                arrival.TrySetResult(false);
            }
            else if (call.UndeliveredWait is { IsSet: true } waiting)
            {
                call.UndeliveredWait = default;
                call.WaitCancellation.Dispose();
                waiting.SetException(NotDeliveredError(call));
            }
        }
    }

    private static InvalidOperationException NotDeliveredError(BatchCall call) =>
        new($"Semantic Kernel did not deliver the call to '{call.Function.Name}' (a later call of its message was delivered first), so it did not run.");

    /// <summary>
    /// Whether the engine's halt leaves a call running: calls up to the halting one, and on the processor a later call already delivered
    /// (it then delivers concurrently). Elsewhere a later delivery is one the batch asks for by clearing the Terminate, to answer it.
    /// </summary>
    private bool IsExemptFromHalt(BatchCall call)
    {
        lock (_gate)
        {
            return call.Index <= _haltedAt || Path == SkPath.Processor && call.Delivered is not null;
        }
    }

    /// <summary>The result of a call the halt stopped; marks it, so that a late delivery on the processor runs it (see DeliverAsync).</summary>
    private string HaltedMessage(BatchCall call)
    {
        lock (_gate)
        {
            call.Halted = true;
            return ToolResultTexts.Halted(call.Function.Name, _haltedAt, _haltedName);
        }
    }

    /// <summary>
    /// Semantic Kernel delivers in emitted order: a gated call skipped over was rejected by it and will never be delivered. Its gate is
    /// released by the delivery that claimed past it (<see cref="DeliverAsync"/>), outside the locks.
    /// </summary>
    private void ReleaseSkippedLocked(int j)
    {
        for (int i = _highestArrival + 1; i < j; i++)
        {
            if (_calls[i] is { Delivered: null, Arrival: not null } skipped)
            {
                (_skippedUndelivered ??= []).Add(skipped);
            }
            else if (_calls[i] is { Delivered: null, Rendezvous: true, NotDelivered: false } missed)
            {
                // A filter before this one did not call next for it, or the prediction was wrong: it must not wait for a delivery.
                missed.NotDelivered = true;
                if (missed.Waiting is { IsSet: true } waiting)
                {
                    missed.Waiting = default;
                    missed.UndeliveredWait = waiting;
                    LeaveWaitLocked();
                    (_skippedUndelivered ??= []).Add(missed);
                }
            }
        }

        _highestArrival = Math.Max(_highestArrival, j);
    }

    /// <summary>
    /// Learns how a processor given its options apart delivers: at a later call's delivery, the calls before it already have their results
    /// in the chat history when it delivers one at a time, and do not (only rejected calls are answered) when it delivers concurrently.
    /// </summary>
    private void ObserveLocked(AutoFunctionInvocationContext context, int j)
    {
        if (Path != SkPath.Processor || _mode != DeliveryMode.Unknown)
        {
            return;
        }

        var history = context.ChatHistory;
        var message = context.ChatMessageContent;
        int answered = 0;
        for (int i = history.Count - 1; i >= 0 && !ReferenceEquals(history[i], message); i--)
        {
            answered++;
        }

        _mode = answered >= j ? DeliveryMode.OneAtATime : DeliveryMode.Concurrent;
    }

    private bool Matches(BatchCall call, AutoFunctionInvocationContext context) =>
        Path == SkPath.ChatClient
            ? ReferenceEquals(call.CallContent, ((Microsoft.Extensions.AI.FunctionInvocationContext)context).CallContent)
            : ReferenceEquals(call.Function, context.Function) || call.Function.Name == context.Function.Name && call.Function.PluginName == context.Function.PluginName;

    private bool MayWrite(KernelFunction function)
    {
        try
        {
            return Executor.Resolver.Resolve(function, function.Name).Declaration.WriteKeys.Count > 0;
        }
        catch (ParallelInvocationConfigurationException)
        {
            return true; // the engine reports the declaration error itself
        }
    }
}

/// <summary>Whether a delivery belongs to a batch.</summary>
internal enum Claim
{
    /// <summary>It is one of the batch's calls, now delivered.</summary>
    Claimed,

    /// <summary>It is another batch's (or a new processing of the same message).</summary>
    NotThisBatch,

    /// <summary>It is this message's, but a call the batch did not predict Semantic Kernel would deliver: it runs on its own.</summary>
    NotPredicted,
}
