using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>What every call of one batch shares in its <see cref="FunctionInvocationContext"/>, and how the engine runs it.</summary>
internal readonly record struct CallScope(
    IList<ChatMessage> Messages,
    ChatOptions? Options,
    int Iteration,
    bool IsStreaming,
    bool IncludeDetailedErrors,
    IServiceProvider? Services,
    Func<ToolCallRequest, CancellationToken, ValueTask<object?>> Invoker)
{
    /// <summary>Creates a call's context as <see cref="FunctionInvokingChatClient"/> does; its arguments wrap the call's dictionary.</summary>
    public FunctionInvocationContext CreateContext(FunctionCallContent call, AIFunction function, int index, int count) => new()
    {
        Function = function,
        Arguments = new AIFunctionArguments(call.Arguments) { Services = Services },
        Messages = Messages,
        Options = Options,
        CallContent = call,
        Iteration = Iteration,
        FunctionCallIndex = index,
        FunctionCount = count,
        IsStreaming = IsStreaming,
    };
}
