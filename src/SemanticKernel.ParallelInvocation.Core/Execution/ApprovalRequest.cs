using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation;

/// <summary>A call waiting for <see cref="ParallelInvocationOptions.ApprovalHandler"/>.</summary>
public readonly struct ApprovalRequest
{
    internal ApprovalRequest(string callId, string functionName, IReadOnlyDictionary<string, object?> arguments, AIFunction function, FunctionEffects effects)
    {
        CallId = callId;
        FunctionName = functionName;
        Arguments = arguments;
        Function = function;
        Effects = effects;
    }

    /// <summary>Gets the call id.</summary>
    public string CallId { get; }

    /// <summary>Gets the function name as the model called it.</summary>
    public string FunctionName { get; }

    /// <summary>Gets the call's arguments.</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>Gets the function.</summary>
    public AIFunction Function { get; }

    /// <summary>Gets the function's declared effects.</summary>
    public FunctionEffects Effects { get; }
}
