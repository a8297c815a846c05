using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.SemanticKernel;
using AIFunctionDeclaration = Microsoft.Extensions.AI.AIFunctionDeclaration;
using AITool = Microsoft.Extensions.AI.AITool;
using MeaiCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using MeaiContext = Microsoft.Extensions.AI.FunctionInvocationContext;

namespace SemanticKernel.ParallelInvocation;

/// <summary>What the first delivered call of a batch tells about the whole batch.</summary>
internal sealed class Capture(List<BatchCall> calls, DeliveryMode mode)
{
    /// <summary>
    /// Gets the calls Semantic Kernel is predicted to deliver from the first delivered one on, in emitted order; the batch made from
    /// the capture takes them (and the list) as its own.
    /// </summary>
    public List<BatchCall> Calls { get; } = calls;

    /// <summary>Gets how the function-calls processor delivers the batch (<see cref="DeliveryMode.OneAtATime"/> on the other paths).</summary>
    public DeliveryMode Mode { get; } = mode;

    /// <summary>Gets every call of the assistant message on the function-calls processor (to answer ids after a Terminate); null elsewhere.</summary>
    public FunctionCallContent[]? MessageCalls { get; init; }

    /// <summary>Gets the functions advertised to the model where the filters can know them; null where unknown.</summary>
    public IReadOnlyList<KernelFunction>? Advertised { get; init; }
}

/// <summary>
/// Predicts, at a batch's first delivered call, which calls Semantic Kernel will deliver to the filters, validating each exactly as the
/// path does before any filter sees it; and builds the context of a call run ahead of its delivery as that path would build it.
/// </summary>
internal static class CallCapture
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> s_toolCallBehavior = new();

    /// <summary>Returns the batch the first delivered call belongs to, or null where it cannot be predicted (then each call runs alone).</summary>
    public static Capture? TryCapture(AutoFunctionInvocationContext first, SkPath path) => path switch
    {
        SkPath.ChatClient => ChatClient(first),
        SkPath.Gemini => Gemini(first),
        _ => Processor(first),
    };

    /// <summary>Whether a call names one of <paramref name="advertised"/> (the connectors compare fully qualified names, ignoring case).</summary>
    public static bool IsAdvertised(IReadOnlyList<KernelFunction> advertised, string? pluginName, string functionName)
    {
        for (int i = 0; i < advertised.Count; i++)
        {
            var f = advertised[i];
            if (string.Equals(f.Name, functionName, StringComparison.OrdinalIgnoreCase) && string.Equals(f.PluginName ?? string.Empty, pluginName ?? string.Empty, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds the context of a call run ahead of its delivery: shared fields from the first delivered call, per-call fields its own.</summary>
    public static AutoFunctionInvocationContext CreateContext(FilterBatch batch, BatchCall call)
    {
        var first = batch.First;
        var kernel = batch.Kernel;
        var result = new FunctionResult(call.Function, culture: kernel.Culture);
        if (batch.Path != SkPath.ChatClient)
        {
            // The function-calls processor's fields; on Gemini the last three are what its own contexts have (false, no id, no settings).
            return new AutoFunctionInvocationContext(kernel, call.Function, result, first.ChatHistory, first.ChatMessageContent)
            {
                Arguments = call.Arguments,
                RequestSequenceIndex = first.RequestSequenceIndex,
                FunctionSequenceIndex = call.Index,
                FunctionCount = first.FunctionCount,
                CancellationToken = first.CancellationToken,
                IsStreaming = first.IsStreaming,
                ToolCallId = call.CallId,
                ExecutionSettings = first.ExecutionSettings,
            };
        }

        // The IChatClient path shares the request's options (kernel, settings, message) and Microsoft.Extensions.AI's message list; its
        // filters get no cancellation token. Its ChatHistory is a copy of the messages, made once for the batch.
        var context = new AutoFunctionInvocationContext(kernel, call.Function, result, batch.ChatClientHistory, first.ChatMessageContent)
        {
            Arguments = call.Arguments,
            RequestSequenceIndex = first.RequestSequenceIndex,
            FunctionSequenceIndex = call.Index,
            FunctionCount = first.FunctionCount,
            IsStreaming = first.IsStreaming,
        };
        MeaiContext shared = context;
        MeaiContext template = first;
        shared.Options = template.Options;
        shared.Messages = template.Messages;
        shared.CallContent = (MeaiCallContent)call.CallContent;
        return context;
    }

    /// <summary>
    /// Semantic Kernel's function-calls processor: a call is delivered unless its arguments failed to parse, it was not advertised, or the
    /// kernel lacks it. The advertised functions and the concurrency are known from a <see cref="FunctionChoiceBehavior"/> in the execution
    /// settings; with the legacy <c>ToolCallBehavior</c> the connector delivers one call at a time; otherwise (a caller giving the processor
    /// its options apart) neither is known.
    /// </summary>
    private static Capture? Processor(AutoFunctionInvocationContext first)
    {
        var items = first.ChatMessageContent.Items;
        var messageCalls = new List<FunctionCallContent>(first.FunctionCount);
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is FunctionCallContent call)
            {
                messageCalls.Add(call);
            }
        }

        if (messageCalls.Count != first.FunctionCount)
        {
            return null;
        }

        var kernel = first.Kernel;
        IReadOnlyList<KernelFunction>? advertised = null;
        DeliveryMode mode = DeliveryMode.Unknown;
        if (first.ExecutionSettings?.FunctionChoiceBehavior is { } behavior)
        {
            var configuration = behavior.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext(first.ChatHistory)
            {
                Kernel = kernel,
                RequestSequenceIndex = first.RequestSequenceIndex,
            });
            advertised = configuration.Functions;
            mode = configuration.Options.AllowConcurrentInvocation && messageCalls.Count > 1 ? DeliveryMode.Concurrent : DeliveryMode.OneAtATime;
        }
        else if (UsesToolCallBehavior(first.ExecutionSettings))
        {
            mode = DeliveryMode.OneAtATime; // the OpenAI connector passes the processor default options: one call at a time
        }

        var calls = new List<BatchCall>(messageCalls.Count);
        for (int i = 0; i < messageCalls.Count; i++)
        {
            var call = messageCalls[i];
            if (i >= first.FunctionSequenceIndex // a call before the first delivered one was rejected by Semantic Kernel
                && call.Exception is null
                && (advertised is null || IsAdvertised(advertised, call.PluginName, call.FunctionName))
                && kernel.Plugins.TryGetFunction(call.PluginName, call.FunctionName, out var function))
            {
                calls.Add(new BatchCall(i, function, i == first.FunctionSequenceIndex ? first.Arguments : call.Arguments, call.Id, call, uncertain: advertised is null));
            }
        }

        return new Capture(calls, mode) { MessageCalls = [.. messageCalls], Advertised = advertised };
    }

    /// <summary>
    /// Gemini: a call is delivered if the kernel has it and it was advertised, which filters cannot see (they get no execution settings);
    /// every call is therefore uncertain. Semantic Kernel 1.80 lists a streamed batch's calls twice in the message's items: the connector
    /// delivers only its <c>FunctionCount</c> calls, which come first.
    /// </summary>
    private static Capture? Gemini(AutoFunctionInvocationContext first)
    {
        var items = first.ChatMessageContent.Items;
        var kernel = first.Kernel;
        var calls = new List<BatchCall>(first.FunctionCount);
        int index = 0;
        for (int i = 0; i < items.Count && index < first.FunctionCount; i++)
        {
            if (items[i] is not FunctionCallContent call)
            {
                continue;
            }

            if (index >= first.FunctionSequenceIndex && kernel.Plugins.TryGetFunction(call.PluginName, call.FunctionName, out var function))
            {
                // Like the connector's own lookup, a fresh arguments object per call.
                var arguments = index == first.FunctionSequenceIndex ? first.Arguments : call.Arguments is null ? null : new KernelArguments(call.Arguments);
                calls.Add(new BatchCall(index, function, arguments, callId: null, call, uncertain: true));
            }

            index++;
        }

        return index == first.FunctionCount ? new Capture(calls, DeliveryMode.OneAtATime) : null;
    }

    /// <summary>
    /// The IChatClient path: the calls are the assistant message's function calls not yet handled; Microsoft.Extensions.AI delivers a call
    /// when the first tool of its name among the request's tools is a function (Semantic Kernel's tools are kernel functions).
    /// </summary>
    private static Capture? ChatClient(AutoFunctionInvocationContext first)
    {
        MeaiContext meai = first;
        if (meai.Messages is not { Count: > 0 } messages || meai.Options?.Tools is not { } tools)
        {
            return null;
        }

        var contents = messages[^1].Contents;
        var services = first.Arguments?.Services;
        var calls = new List<BatchCall>(first.FunctionCount);
        int index = 0;
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not MeaiCallContent { InformationalOnly: false } call)
            {
                continue;
            }

            if (index == first.FunctionSequenceIndex && !ReferenceEquals(call, meai.CallContent))
            {
                return null;
            }

            if (index >= first.FunctionSequenceIndex && FindTool(tools, call.Name) is KernelFunction function)
            {
                var arguments = index == first.FunctionSequenceIndex
                    ? first.Arguments
                    : new KernelArguments(call.Arguments ?? new Dictionary<string, object?>()) { Services = services };
                calls.Add(new BatchCall(index, function, arguments, call.CallId, call, uncertain: false));
            }

            index++;
        }

        return index == first.FunctionCount ? new Capture(calls, DeliveryMode.OneAtATime) : null;
    }

    /// <summary>Microsoft.Extensions.AI's lookup: the first function declaration with the call's name.</summary>
    private static AITool? FindTool(IList<AITool> tools, string name)
    {
        for (int i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration && string.Equals(tools[i].Name, name, StringComparison.Ordinal))
            {
                return tools[i];
            }
        }

        return null;
    }

    /// <summary>Whether the settings use a connector's legacy <c>ToolCallBehavior</c> (read by name: the adapter does not reference the connectors).</summary>
    private static bool UsesToolCallBehavior(PromptExecutionSettings? settings) =>
        settings is not null && s_toolCallBehavior.GetOrAdd(settings.GetType(), static t => t.GetProperty("ToolCallBehavior"))?.GetValue(settings) is not null;
}
