using System;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Processor;

/// <summary>
/// Semantic Kernel's own function-calls processor, the internal class its chat-completion connectors compile in, reached by reflection in
/// the OpenAI connector's assembly, so that tests can call it directly as Semantic Kernel's own tests do: with its options passed apart
/// from the execution settings, and re-processing the same message.
/// </summary>
internal sealed class RealFunctionCallsProcessor
{
    private static readonly Type s_type = typeof(OpenAIPromptExecutionSettings).Assembly
        .GetType("Microsoft.SemanticKernel.Connectors.FunctionCalling.FunctionCallsProcessor", throwOnError: true)!;

    private static readonly MethodInfo s_process = s_type.GetMethod("ProcessFunctionCallsAsync", BindingFlags.Public | BindingFlags.Instance)!;

    private static readonly MethodInfo s_configuration = s_type.GetMethod("GetConfiguration", BindingFlags.Public | BindingFlags.Instance)!;

    private readonly object _processor = Activator.CreateInstance(s_type, [null])!;

    public Task<ChatMessageContent?> ProcessFunctionCallsAsync(
        ChatMessageContent chatMessageContent,
        PromptExecutionSettings? executionSettings,
        ChatHistory chatHistory,
        int requestIndex,
        Func<FunctionCallContent, bool> checkIfFunctionAdvertised,
        FunctionChoiceBehaviorOptions options,
        Kernel? kernel,
        bool isStreaming,
        CancellationToken cancellationToken) =>
        (Task<ChatMessageContent?>)s_process.Invoke(
            _processor,
            [chatMessageContent, executionSettings, chatHistory, requestIndex, checkIfFunctionAdvertised, options, kernel, isStreaming, cancellationToken])!;

    public FunctionChoiceBehaviorConfiguration? GetConfiguration(FunctionChoiceBehavior? behavior, ChatHistory chatHistory, int requestIndex, Kernel? kernel) =>
        (FunctionChoiceBehaviorConfiguration?)s_configuration.Invoke(_processor, [behavior, chatHistory, requestIndex, kernel]);
}
