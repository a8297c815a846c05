using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Which of Semantic Kernel's loops delivers a call to the auto-function filters; each builds its contexts its own way.</summary>
internal enum SkPath
{
    /// <summary>The function-calls processor compiled into the chat-completion connectors (OpenAI, Azure OpenAI), or called directly.</summary>
    Processor,

    /// <summary>Gemini's own copy of the loop: always one call at a time, no ids, no execution settings for filters.</summary>
    Gemini,

    /// <summary>The IChatClient path (<c>KernelFunctionInvokingChatClient</c>, Microsoft.Extensions.AI's serial loop).</summary>
    ChatClient,
}

/// <summary>How a batch's calls reach the filters on Semantic Kernel's function-calls processor.</summary>
internal enum DeliveryMode
{
    /// <summary>Not known yet: the processor was given its options apart from the execution settings; learnt from what it does next.</summary>
    Unknown,

    /// <summary>Each call is delivered once the previous one's result is in the chat history; a Terminate stops at once.</summary>
    OneAtATime,

    /// <summary>Every valid call is delivered before any result is written; a Terminate stops nothing already delivered.</summary>
    Concurrent,
}

internal static class SkPaths
{
    /// <summary>
    /// Recognises the path from the context: the IChatClient path passes the request's <c>ChatOptions</c>, whose tools include the
    /// function (the chat-completion connectors build options without tools); Gemini's messages are its own type.
    /// </summary>
    public static SkPath Of(AutoFunctionInvocationContext context) =>
        context.Options?.Tools is { Count: > 0 } ? SkPath.ChatClient
        : context.ChatMessageContent.GetType().Name.Contains("Gemini", System.StringComparison.Ordinal) ? SkPath.Gemini
        : SkPath.Processor;
}
