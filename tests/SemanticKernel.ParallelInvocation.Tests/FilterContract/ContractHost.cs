using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.FilterContract;

/// <summary>What every host of the filter contract shares: the kernel setup, the scripted model turns, and reading results off a chat history.</summary>
internal static class ContractHost
{
    /// <summary>A kernel on <paramref name="connector"/> with the contract plugin, the filters in order and, if asked, ParallelSK (registered last, placed first).</summary>
    public static Kernel Build(Action<IKernelBuilder> connector, ContractPlugin plugin, IReadOnlyList<IAutoFunctionInvocationFilter> filters, bool withParallelSK)
    {
        var builder = Kernel.CreateBuilder();
        connector(builder);
        builder.Plugins.AddFromObject(plugin, ContractPlugin.Name);
        foreach (var filter in filters)
        {
            builder.Services.AddSingleton(filter);
        }

        if (withParallelSK)
        {
            builder.AddParallelFunctionInvocation();
        }

        return builder.Build();
    }

    public static WireCall[] Wire(IReadOnlyList<ContractCall> calls, char separator) =>
        calls.Select(c => new WireCall(c.Id, ContractPlugin.Name + separator + c.Function, c.ArgumentsJson)).ToArray();

    /// <summary>Queues <paramref name="turns"/> tool turns, then as many text answers "done" (nested requests answer in reverse).</summary>
    public static void ScriptOpenAI(LocalModelServer server, IReadOnlyList<ContractCall> calls, char separator, bool streaming, int turns)
    {
        var wire = Wire(calls, separator);
        for (int i = 0; i < turns; i++)
        {
            _ = streaming ? server.ThenSse(WireFormats.OpenAIStreamingToolCalls(wire)) : server.ThenJson(WireFormats.OpenAIToolCalls(wire));
        }

        for (int i = 0; i < turns; i++)
        {
            _ = streaming ? server.ThenSse(WireFormats.OpenAIStreamingText("done")) : server.ThenJson(WireFormats.OpenAIText("done"));
        }
    }

    public static ChatHistory NewHistory()
    {
        var history = new ChatHistory("You follow the contract.");
        history.AddUserMessage("Go.");
        return history;
    }

    /// <summary>The results Semantic Kernel wrote to the history for the first assistant message with calls after <paramref name="from"/>.</summary>
    public static List<ContractResult> HistoryResults(ChatHistory history, int from)
    {
        var results = new List<ContractResult>();
        int start = from;
        while (start < history.Count && !history[start].Items.OfType<FunctionCallContent>().Any())
        {
            start++;
        }

        for (int i = start + 1; i < history.Count && history[i].Role == AuthorRole.Tool; i++)
        {
            foreach (var result in history[i].Items.OfType<FunctionResultContent>())
            {
                results.Add(new ContractResult(result.CallId, result.FunctionName ?? string.Empty, Text(result.Result)));
            }
        }

        return results;
    }

    /// <summary>The text of the tool messages after the first assistant message with calls after <paramref name="from"/>.</summary>
    public static string HistoryToolText(ChatHistory history, int from) =>
        string.Concat(history.Skip(from).SkipWhile(m => !m.Items.OfType<FunctionCallContent>().Any()).Skip(1).TakeWhile(m => m.Role == AuthorRole.Tool).Select(m => m.Content));

    public static string Text(object? result) => result switch
    {
        null => string.Empty,
        FunctionResult functionResult => Text(functionResult.GetValue<object>()),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } json => json.GetString()!,
        _ => result.ToString() ?? string.Empty,
    };
}
