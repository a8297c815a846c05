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
/// sets <c>Terminate</c> on a call that Semantic Kernel delivered one at a time. Semantic Kernel would then deliver no later call of
/// the batch and leave them unanswered, yet the batch was captured at its first call and some later calls may already be running.
/// The sentinel stops the batch's deliveries (deferred calls not delivered end Rejected without running) and makes sure every later
/// call is answered with its outcome, as the path allows:
/// <list type="bullet">
/// <item><description>Semantic Kernel's function-calls processor (OpenAI and the other chat-completion connectors built on it): it waits
/// for the later calls and appends one tool message per later call id, in emitted order, shaped as Semantic Kernel's own. Semantic
/// Kernel is awaiting this filter at that moment, so nothing else writes the chat history.</description></item>
/// <item><description>Paths that collect a batch's results into one message (Gemini, the IChatClient path): no message of ours could be
/// added there, so the sentinel clears <c>Terminate</c> and lets Semantic Kernel go on delivering the later calls; it answers each one
/// itself with the engine's outcome, without calling the inner filters (as after a Terminate, they see no later call), and sets
/// <c>Terminate</c> again on the last call Semantic Kernel will deliver, so the loop still stops after this batch.</description></item>
/// </list>
/// </summary>
internal sealed class TerminateSentinelFilter(ParallelFunctionInvocationFilter filter) : IAutoFunctionInvocationFilter
{
    private static readonly JsonSerializerOptions s_resultSerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private enum Path
    {
        /// <summary>Semantic Kernel answers every id itself (concurrent invocation), or the path is not recognised: do nothing.</summary>
        AnsweredBySemanticKernel,

        /// <summary>One call at a time on Semantic Kernel's function-calls processor: answer the later ids in the chat history.</summary>
        SequentialAnswerable,

        /// <summary>One call at a time on Gemini's connector: one tool message for the batch, built by the connector.</summary>
        SequentialGemini,

        /// <summary>One call at a time on the IChatClient path: one tool message for the batch, built by Microsoft.Extensions.AI.</summary>
        SequentialChatClient,
    }

    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.ChatMessageContent is not null && filter.TryGetBatch(context, out var terminated) &&
            terminated.TerminatedAt is >= 0 and var terminatedAt && context.FunctionSequenceIndex > terminatedAt)
        {
            await AnswerAfterTerminationAsync(context, terminated).ConfigureAwait(false);
            return;
        }

        ExceptionDispatchInfo? failure = null;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Semantic Kernel turns the exception into this call's error result; only its function-calls processor then still stops
            // if Terminate was set (Gemini and Microsoft.Extensions.AI go on with the next call).
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        if (context.Terminate && context.ChatMessageContent is not null && filter.TryGetBatch(context, out var batch))
        {
            var path = Classify(context);
            switch (path)
            {
                case Path.SequentialAnswerable:
                    batch.StopDeliveries();
                    await AnswerLaterCallsAsync(context, batch).ConfigureAwait(false);
                    break;
                case Path.SequentialGemini or Path.SequentialChatClient when failure is null:
                    batch.StopDeliveries();
                    ContinueDeliveries(context, batch, path);
                    break;
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
            return Path.SequentialGemini;
        }

        if (!context.ChatHistory.Any(m => ReferenceEquals(m, context.ChatMessageContent)))
        {
            // The IChatClient path (KernelFunctionInvokingChatClient): ChatHistory is a copy made for the filter, results go to
            // Microsoft.Extensions.AI's own message list, and calls are always delivered one at a time.
            return context.Messages is { Count: > 0 } ? Path.SequentialChatClient : Path.AnsweredBySemanticKernel;
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

    /// <summary>
    /// Gemini and the IChatClient path: keep Semantic Kernel delivering the batch up to the last call it will deliver, so that call can
    /// carry the Terminate. Where no later call will be delivered (or the batch cannot be matched to the connector's list), Semantic
    /// Kernel stops here as it would have.
    /// </summary>
    private static void ContinueDeliveries(AutoFunctionInvocationContext context, CapturedBatch batch, Path path)
    {
        int terminatedAt = context.FunctionSequenceIndex;
        int last = path == Path.SequentialGemini ? LastGeminiDeliversAfter(context, batch, terminatedAt) : LastChatClientDeliversAfter(context, terminatedAt);
        if (last > terminatedAt)
        {
            batch.AnswerAfterTermination(terminatedAt, last);
            context.Terminate = false;
        }
    }

    /// <summary>
    /// The last call after <paramref name="terminatedAt"/> that Microsoft.Extensions.AI will deliver, or -1: a call whose name is an
    /// AIFunction among the request's tools (the first declaration of that name decides); any other gets its own "not found" result
    /// without reaching a filter.
    /// </summary>
    private static int LastChatClientDeliversAfter(AutoFunctionInvocationContext context, int terminatedAt)
    {
        var calls = context.Messages[^1].Contents.OfType<Microsoft.Extensions.AI.FunctionCallContent>().ToList();
        if (calls.Count != context.FunctionCount)
        {
            return -1;
        }

        for (int j = calls.Count - 1; j > terminatedAt; j--)
        {
            if (context.Options?.Tools?.OfType<Microsoft.Extensions.AI.AIFunctionDeclaration>().FirstOrDefault(t => t.Name == calls[j].Name) is Microsoft.Extensions.AI.AIFunction)
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>
    /// The last call after <paramref name="terminatedAt"/> that Gemini's connector will deliver, or -1: a call whose function is in the
    /// kernel and was advertised. Filters cannot see what was advertised there; with FunctionChoiceBehavior.Auto() or
    /// EnableKernelFunctions that is every kernel function.
    /// </summary>
    private static int LastGeminiDeliversAfter(AutoFunctionInvocationContext context, CapturedBatch batch, int terminatedAt)
    {
        if (batch.Calls.Length != context.FunctionCount)
        {
            return -1;
        }

        for (int j = batch.Calls.Length - 1; j > terminatedAt; j--)
        {
            var call = batch.Calls[j];
            if (context.Kernel.Plugins.TryGetFunction(call.PluginName, call.FunctionName, out var function) &&
                (batch.Advertised is null || batch.Advertised.Contains(function)))
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>
    /// A call Semantic Kernel delivered after the sentinel cleared a Terminate: answered with its outcome, the inner filters not called;
    /// the last one expected sets Terminate again.
    /// </summary>
    private static async Task AnswerAfterTerminationAsync(AutoFunctionInvocationContext context, CapturedBatch batch)
    {
        int index = context.FunctionSequenceIndex;
        context.Terminate = index >= batch.AnsweredUntil;
        if (batch.EntryAt(index) is { } entry && (ReferenceEquals(entry.Function, context.Function) || entry.Function.Name == context.Function.Name))
        {
            // Started, or will start (dependencies), or a deferred call released as not delivered: its outcome is coming.
            var cancellationToken = batch.CancellationTokenFor(context);
            var outcome = await entry.Outcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

            // The request was cancelled (the outcome may be Cancelled rather than the wait): end it as cancelled, not with this answer.
            cancellationToken.ThrowIfCancellationRequested();
            context.Result = entry.ResultFor(context.Function, outcome);
        }
        else
        {
            context.Result = new FunctionResult(
                context.Function,
                $"Error: the call to '{context.Function.Name}' did not run: a filter terminated automatic function invocation.");
        }
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
                result = ProcessFunctionResult(entry.ResultFor(entry.Function, outcome).GetValue<object>() ?? string.Empty);
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
