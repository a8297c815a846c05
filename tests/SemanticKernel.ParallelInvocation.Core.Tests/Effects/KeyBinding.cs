using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>Binds a function's declaration to arguments and returns its keys as <c>r:key</c> / <c>w:key</c>, sorted.</summary>
internal static class KeyBinding
{
    public static string[] Keys(ParallelInvocationOptions options, AIFunction function, Dictionary<string, object?> arguments)
    {
        var resolver = new EffectsResolver(options);
        var (reads, writes) = resolver.Resolve(function, function.Name).Bind(arguments, resolver.Normalizer);
        return reads.Select(k => "r:" + k).Concat(writes.Select(k => "w:" + k)).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The keys a function declared as writing <paramref name="template"/> gets for one argument given as JSON.</summary>
    public static string Key(AIFunction function, string template, string argument, string json, ParallelInvocationOptions? options = null)
    {
        options ??= new ParallelInvocationOptions();
        options.Declare(function.Name, FunctionEffects.Writing(template));
        var keys = Keys(options, function, new() { [argument] = JsonDocument.Parse(json).RootElement.Clone() });
        return Assert.Single(keys)[2..];
    }
}
