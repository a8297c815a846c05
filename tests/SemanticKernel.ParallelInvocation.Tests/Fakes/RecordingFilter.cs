using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>An auto-function filter that records each call it sees, and the result it sees come back, and can set Terminate.</summary>
internal sealed class RecordingFilter : IAutoFunctionInvocationFilter
{
    public ConcurrentQueue<string> Seen { get; } = new();

    /// <summary>Gets or sets the call id after whose result the filter sets <c>context.Terminate</c>, or null.</summary>
    public string? TerminateAfter { get; set; }

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        Seen.Enqueue($"before {context.ToolCallId}");
        await next(context);
        Seen.Enqueue($"after {context.ToolCallId}: {context.Result.GetValue<object>()}");
        if (context.ToolCallId == TerminateAfter)
        {
            context.Terminate = true;
        }
    }
}
