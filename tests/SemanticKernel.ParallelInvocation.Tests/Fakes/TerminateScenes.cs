using System;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>The scene of the Terminate tests: an inventory, a filter that terminates, and the batch's report to come.</summary>
internal static class TerminateScenes
{
    /// <summary>An inventory with 4 pears, a filter setting Terminate after <paramref name="terminateAfter"/>, and the batch's report to come.</summary>
    public static (Inventory Plugin, RecordingFilter Filter, TaskCompletionSource<BatchReport> BatchDone) Scene(string terminateAfter)
    {
        var plugin = new Inventory();
        plugin.Stock["pear"] = 4;
        return (plugin, new RecordingFilter { TerminateAfter = terminateAfter }, new(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public static Action<IKernelBuilder> Registered(RecordingFilter filter) => b => b.Services.AddSingleton<IAutoFunctionInvocationFilter>(filter);

    public static Action<ParallelInvocationOptions> ReportTo(TaskCompletionSource<BatchReport> batchDone) => o => o.OnBatchCompleted = r => batchDone.TrySetResult(r);

    public static ChatHistory NewHistory()
    {
        var history = new ChatHistory("You manage an inventory.");
        history.AddUserMessage("Go.");
        return history;
    }
}
