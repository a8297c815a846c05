using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace SemanticKernel.ParallelInvocation;

// What follows a Terminate that halted the batch: every call id still gets one result. See FilterBatch.cs for the whole.
internal sealed partial class FilterBatch
{
    /// <summary>
    /// The delivery of the call whose pipeline halted the batch. The function-calls processor, delivering one call at a time, returns as
    /// soon as this answer is written: the later ids are answered in the chat history first. Gemini and the IChatClient path collect a
    /// batch's results into one message after the last call they deliver: Terminate is cleared so that they deliver the later calls, which
    /// are answered from the batch, and set again on the last one.
    /// </summary>
    /// <returns>Whether Semantic Kernel is now expected to deliver later calls of the batch.</returns>
    private async Task<bool> OnTerminatedAsync(AutoFunctionInvocationContext context, int j)
    {
        if (Path == SkPath.Processor)
        {
            if (_mode == DeliveryMode.OneAtATime)
            {
                await AnswerLaterCallsAsync(context, j).ConfigureAwait(false);
            }

            return false;
        }

        int last = -1;
        for (int k = _calls.Length - 1; k > j && last < 0; k--)
        {
            if (_calls[k] is not null)
            {
                last = k;
            }
        }

        if (last <= j)
        {
            return false;
        }

        _answerUntil = last;
        System.Threading.Volatile.Write(ref _terminatedAt, j);
        context.Terminate = false;
        return true;
    }

    /// <summary>A call Semantic Kernel delivers after the batch cleared a Terminate: its outcome, never its exception, no filter; the last one terminates.</summary>
    private void AnswerAfterTerminate(AutoFunctionInvocationContext context, BatchCall call, ToolCallOutcome outcome)
    {
        context.Result = outcome.Status switch
        {
            ToolCallStatus.Succeeded => call.RunContext!.Result,
            ToolCallStatus.Cancelled => throw new OperationCanceledException(_cancellationToken),
            ToolCallStatus.Failed when call.Failure is { } failure => new FunctionResult(
                context.Function,
                Path == SkPath.Gemini ? ToolResultTexts.ExceptionWhileInvoking(failure.SourceException) : ToolResultTexts.FunctionFailed,
                context.Kernel.Culture),
            _ => new FunctionResult(context.Function, outcome.ErrorMessage, context.Kernel.Culture),
        };
        context.Terminate = call.Index >= _answerUntil;
    }

    /// <summary>
    /// Appends one tool message per call after <paramref name="j"/>, in emitted order and shaped as Semantic Kernel's own: the call's real
    /// result if it ran, the text of why it did not, or Semantic Kernel's error for a call it would have rejected. Semantic Kernel then
    /// appends call j's result, so its return value (the last message) is still that one. Written once every outcome is in, so that a
    /// cancellation leaves the history as Semantic Kernel would.
    /// </summary>
    private async Task AnswerLaterCallsAsync(AutoFunctionInvocationContext context, int j)
    {
        var history = context.ChatHistory;
        var answered = AnsweredIds(history, context.ChatMessageContent);
        var messages = new List<ChatMessageContent>();
        for (int k = j + 1; k < _messageCalls!.Length; k++)
        {
            var call = _messageCalls[k];
            if (call.Id is { } id && answered.Contains(id))
            {
                continue;
            }

            object result;
            if (_calls[k] is { } batchCall)
            {
                var outcome = await OutcomeAsync(batchCall).ConfigureAwait(false);
                result = ToolResultTexts.ProcessFunctionResult(outcome.Status switch
                {
                    ToolCallStatus.Succeeded => batchCall.RunContext!.Result.GetValue<object>() ?? string.Empty,
                    ToolCallStatus.Failed when batchCall.Failure is { } failure => ToolResultTexts.ExceptionWhileInvoking(failure.SourceException),
                    ToolCallStatus.Cancelled => throw new OperationCanceledException(_cancellationToken),
                    _ => outcome.ErrorMessage ?? string.Empty,
                });
            }
            else
            {
                result = ToolResultTexts.Rejection(Kernel, call, _advertised);
            }

            // The shape of Semantic Kernel's FunctionCallsProcessor.AddFunctionCallResultToChatHistory.
            var message = new ChatMessageContent(AuthorRole.Tool, content: result as string);
            message.Items.Add(new FunctionResultContent(call.FunctionName, call.PluginName, call.Id, result));
            messages.Add(message);
        }

        foreach (var message in messages)
        {
            history.Add(message);
        }
    }

    private static HashSet<string> AnsweredIds(ChatHistory history, ChatMessageContent assistantMessage)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = history.Count - 1; i >= 0 && !ReferenceEquals(history[i], assistantMessage); i--)
        {
            foreach (var item in history[i].Items)
            {
                if (item is FunctionResultContent { CallId: { } id })
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }
}
