using System.Collections.Generic;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>The texts Semantic Kernel writes for calls it does not run, and the adapter's own for calls a Terminate stopped.</summary>
internal static class ToolResultTexts
{
    private static readonly JsonSerializerOptions s_resultSerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What the function-calls processor and Gemini write when an exception escapes the outermost filter.</summary>
    public static string ExceptionWhileInvoking(System.Exception exception) => $"Error: Exception while invoking function. {exception.Message}";

    /// <summary>What Microsoft.Extensions.AI's loop writes for a call that threw (without detailed errors).</summary>
    public const string FunctionFailed = "Error: Function failed.";

    /// <summary>The result of a call that did not run because a filter ended automatic function invocation at an earlier call.</summary>
    public static string Halted(string name, int terminatedAt, string terminatedName) =>
        $"Error: the call to '{name}' did not run: a filter ended automatic function invocation at call #{terminatedAt} ('{terminatedName}').";

    /// <summary>The error Semantic Kernel's function-calls processor writes for a call it rejects before any filter sees it.</summary>
    public static string Rejection(Kernel kernel, FunctionCallContent call, IReadOnlyList<KernelFunction>? advertised)
    {
        if (call.Exception is not null)
        {
            return $"Error: Function call processing failed. Correct yourself. {call.Exception.Message}";
        }

        bool inKernel = kernel.Plugins.TryGetFunction(call.PluginName, call.FunctionName, out _);
        bool notAdvertised = advertised is null ? !inKernel : !CallCapture.IsAdvertised(advertised, call.PluginName, call.FunctionName);
        return notAdvertised
            ? "Error: Function call request for a function that wasn't defined. Correct yourself."
            : "Error: Requested function could not be found. Correct yourself.";
    }

    /// <summary>Semantic Kernel's <c>FunctionCallsProcessor.ProcessFunctionResult</c>: the form a connector serialises into a tool message.</summary>
    public static object ProcessFunctionResult(object functionResult) => functionResult switch
    {
        string text => text,
        ImageContent image => image,
        ChatMessageContent message => message.ToString(),
        IEnumerable<ChatMessageContent> messages => string.Join(",", messages.Select(m => m.ToString())),
        _ => JsonSerializer.Serialize(functionResult, s_resultSerializerOptions),
    };
}
