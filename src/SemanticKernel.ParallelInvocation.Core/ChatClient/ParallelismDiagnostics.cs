using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>Finds request settings that silently stop a model from returning several tool calls in one turn.</summary>
internal static class ParallelismDiagnostics
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> / <see cref="AITool.AdditionalProperties"/> key OpenAI-style clients read for strict mode.</summary>
    internal const string StrictKey = "strict";

    /// <summary>Returns one message per disabler found in <paramref name="options"/>, as the request will be sent, or <see langword="null"/> when there is none.</summary>
    public static List<string>? Inspect(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        List<string>? found = null;
        if (options.AllowMultipleToolCalls == false)
        {
            (found ??= []).Add("ChatOptions.AllowMultipleToolCalls is false: the model may return at most one tool call per turn, so no two calls can run in parallel.");
        }

        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } name })
        {
            (found ??= []).Add($"ChatOptions.ToolMode requires the single function '{name}': the first turn can only call that function, so it gains nothing from parallel execution.");
        }

        bool strictOptions = IsStrict(options.AdditionalProperties);
        List<string>? strictTools = null;
        for (int i = 0; options.Tools is { } tools && i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration declaration && IsStrict(declaration.AdditionalProperties))
            {
                (strictTools ??= []).Add(declaration.Name);
            }
        }

        if (options.ResponseFormat is ChatResponseFormatJson { Schema: not null } && strictOptions)
        {
            (found ??= []).Add("A JSON-schema response format is requested in strict mode (ChatOptions.AdditionalProperties[\"strict\"] = true): OpenAI documents that strict structured outputs and parallel tool calls do not mix, so the provider may return one call per turn.");
        }
        else if (strictOptions || strictTools is not null)
        {
            string where = strictOptions ? "ChatOptions.AdditionalProperties[\"strict\"] = true" : $"strict function schemas ({string.Join(", ", strictTools!)})";
            (found ??= []).Add($"Strict mode is on ({where}): OpenAI documents that strict mode and parallel tool calls do not mix, so the provider may return one call per turn.");
        }

        return found;
    }

    private static bool IsStrict(IReadOnlyDictionary<string, object?>? properties) =>
        properties is not null && properties.TryGetValue(StrictKey, out object? value) && value switch
        {
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            _ => false,
        };
}
