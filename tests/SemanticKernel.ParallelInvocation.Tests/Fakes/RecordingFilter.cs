using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>An auto-function filter that records each call it sees, and the result it sees come back, and can set Terminate.</summary>
internal sealed class RecordingFilter : IAutoFunctionInvocationFilter
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _terminated;
    private int _entered;

    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>
    /// Gets or sets the call id after whose result the filter sets <c>context.Terminate</c> (once: Gemini calls all have the empty
    /// id), or null.
    /// </summary>
    public string? TerminateAfter { get; set; }

    /// <summary>Gets a signal set once the filter has set <c>context.Terminate</c>.</summary>
    public TaskCompletionSource Terminated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Gets or sets how many calls must have entered the filter before it sets <c>context.Terminate</c> (0: no wait). With it, calls meant
    /// to run alongside the terminating one have surely started when it terminates, so a Terminate (which stops only calls not yet
    /// started) does not depend on thread timing.
    /// </summary>
    public int TerminateOnceEntered { get; set; }

    /// <summary>Gets or sets whether the filter throws right after setting <c>context.Terminate</c>.</summary>
    public bool ThrowAfterTerminate { get; set; }

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        Seen.Enqueue($"before {context.ToolCallId}");
        if (Interlocked.Increment(ref _entered) >= TerminateOnceEntered)
        {
            _started.TrySetResult();
        }

        await next(context);
        Seen.Enqueue($"after {context.ToolCallId}: {context.Result.GetValue<object>()}");
        if (context.ToolCallId == TerminateAfter && Interlocked.Exchange(ref _terminated, 1) == 0)
        {
            await _started.Task.WaitAsync(TestKernels.SafetyNet);
            context.Terminate = true;
            Terminated.TrySetResult();
            if (ThrowAfterTerminate)
            {
                throw new InvalidOperationException("The outer filter failed after setting Terminate.");
            }
        }
    }
}
