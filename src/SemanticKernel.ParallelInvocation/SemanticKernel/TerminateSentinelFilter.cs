using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// The outermost auto-function filter, registered with <see cref="ParallelFunctionInvocationFilter"/>. It does nothing until a filter
/// sets <c>Terminate</c> on a call that Semantic Kernel delivered one at a time. Semantic Kernel then delivers no later call of the
/// batch, yet the batch was captured at its first call and some later calls may already be running. The sentinel stops the batch's
/// deliveries (deferred calls not delivered end Rejected without running), and on the chat-completion connector path (OpenAI and the
/// other connectors built on Semantic Kernel's function-calls processor) it waits for the later calls and appends one tool message per
/// later call id, in emitted order, shaped as Semantic Kernel's own, so that no id goes unanswered and no executed call's result is lost.
/// Semantic Kernel is awaiting this filter at that moment, so nothing else writes the chat history.
/// </summary>
internal sealed class TerminateSentinelFilter(ParallelFunctionInvocationFilter filter) : IAutoFunctionInvocationFilter
{
    private static readonly JsonSerializerOptions s_resultSerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private enum Path
    {
        /// <summary>Semantic Kernel answers every id itself (concurrent invocation), or the path is not recognised: do nothing.</summary>
        AnsweredBySemanticKernel,

        /// <summary>One call at a time, but the later ids cannot be answered from a filter (Gemini, the IChatClient path).</summary>
        SequentialUnanswerable,

        /// <summary>One call at a time on Semantic Kernel's function-calls processor: answer the later ids in the chat history.</summary>
        SequentialAnswerable,
    }

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        ExceptionDispatchInfo? failure = null;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Semantic Kernel turns the exception into this call's error result, and still stops if Terminate was set.
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        if (context.Terminate && context.ChatMessageContent is not null && filter.TryGetBatch(context, out var batch))
        {
            var path = Classify(context);
            if (path != Path.AnsweredBySemanticKernel)
            {
                batch.StopDeliveries();
            }

            if (path == Path.SequentialAnswerable)
            {
                await AnswerLaterCallsAsync(context, batch).ConfigureAwait(false);
            }
        }

        failure?.Throw();
    }

    private static Path Classify(AutoFunctionInvocationContext context)
    {
        if (context.ChatMessageContent.GetType().Name.Contains("Gemini", StringComparison.Ordinal))
        {
            // Gemini's connector collects the results of the calls it delivered into one tool message after the last of them; a
            // FunctionResultContent message of ours would not even serialise there (it only sends its own GeminiChatMessageContent).
            return Path.SequentialUnanswerable;
        }

        if (!context.ChatHistory.Any(m => ReferenceEquals(m, context.ChatMessageContent)))
        {
            // The IChatClient path (KernelFunctionInvokingChatClient): ChatHistory is a copy made for the filter, results go to
            // Microsoft.Extensions.AI's own message list, and calls are always delivered one at a time.
            return context.Messages is { Count: > 0 } ? Path.SequentialUnanswerable : Path.AnsweredBySemanticKernel;
        }

        if (context.ExecutionSettings is null)
        {
            // Not a chat-completion connector's function-calls loop (e.g. the agents' processor, which always invokes concurrently).
            return Path.AnsweredBySemanticKernel;
        }

        var options = context.ExecutionSettings.FunctionChoiceBehavior?.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext(context.ChatHistory)
        {
            Kernel = context.Kernel,
            RequestSequenceIndex = context.RequestSequenceIndex,
        }).Options;
        return options?.AllowConcurrentInvocation == true && context.FunctionCount > 1 ? Path.AnsweredBySemanticKernel : Path.SequentialAnswerable;
    }

    private static async Task AnswerLaterCallsAsync(AutoFunctionInvocationContext context, CapturedBatch batch)
    {
        var history = context.ChatHistory;
        var answered = AnsweredIds(history, context.ChatMessageContent);
        var messages = new List<ChatMessageContent>();
        for (int j = context.FunctionSequenceIndex + 1; j < batch.Calls.Length; j++)
        {
            var call = batch.Calls[j];
            if (call.Id is { } id && answered.Contains(id))
            {
                continue;
            }

            object result;
            if (batch.EntryAt(j) is { } entry)
            {
                // Started, or will start (dependencies), or a deferred call just released as not delivered: its outcome is coming.
                var outcome = await entry.Outcome.Task.WaitAsync(batch.CancellationTokenFor(context)).ConfigureAwait(false);
                object? value = outcome.Status == ToolCallStatus.Succeeded && entry.Result is { } functionResult
                    ? functionResult.GetValue<object>()
                    : outcome.ResultForModel;
                result = ProcessFunctionResult(value ?? string.Empty);
            }
            else
            {
                result = RejectionMessage(context.Kernel, call, batch.Advertised);
            }

            // The shape of Semantic Kernel's FunctionCallsProcessor.AddFunctionCallResultToChatHistory.
            var message = new ChatMessageContent(AuthorRole.Tool, content: result as string);
            message.Items.Add(new FunctionResultContent(call.FunctionName, call.PluginName, call.Id, result));
            messages.Add(message);
        }

        // Written only once every outcome is in, so that a cancellation leaves the history as Semantic Kernel would.
        foreach (var message in messages)
        {
            history.Add(message);
        }
    }

    private static HashSet<string> AnsweredIds(ChatHistory history, ChatMessageContent assistantMessage)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        bool after = false;
        foreach (var message in history)
        {
            if (ReferenceEquals(message, assistantMessage))
            {
                after = true;
                continue;
            }

            if (after)
            {
                foreach (var result in message.Items.OfType<FunctionResultContent>())
                {
                    if (result.CallId is { } id)
                    {
                        ids.Add(id);
                    }
                }
            }
        }

        return ids;
    }

    /// <summary>The error Semantic Kernel's FunctionCallsProcessor would have written for a call it rejects.</summary>
    private static string RejectionMessage(Kernel kernel, FunctionCallContent call, HashSet<KernelFunction>? advertised)
    {
        if (call.Exception is not null)
        {
            return $"Error: Function call processing failed. Correct yourself. {call.Exception.Message}";
        }

        if (!kernel.Plugins.TryGetFunction(call.PluginName, call.FunctionName, out var function))
        {
            return advertised is null ? "Error: Requested function could not be found. Correct yourself." : "Error: Function call request for a function that wasn't defined. Correct yourself.";
        }

        return advertised is not null && !advertised.Contains(function)
            ? "Error: Function call request for a function that wasn't defined. Correct yourself."
            : "Error: Requested function could not be found. Correct yourself.";
    }

    /// <summary>Semantic Kernel's FunctionCallsProcessor.ProcessFunctionResult: the form a connector serialises into a tool message.</summary>
    private static object ProcessFunctionResult(object functionResult) => functionResult switch
    {
        string text => text,
        ImageContent image => image,
        ChatMessageContent message => message.ToString(),
        IEnumerable<ChatMessageContent> messages => string.Join(",", messages.Select(m => m.ToString())),
        _ => JsonSerializer.Serialize(functionResult, s_resultSerializerOptions),
    };
}
