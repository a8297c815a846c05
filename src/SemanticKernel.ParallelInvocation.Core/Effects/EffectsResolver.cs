using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// Finds each function's declaration (registration, then attributes, then providers, then the default policy), parses and checks its
/// templates against the function's parameters, and caches the answer per function instance.
/// </summary>
internal sealed class EffectsResolver
{
    private readonly Dictionary<string, FunctionEffects> _registered;
    private readonly IFunctionEffectsProvider[] _providers;
    private readonly UndeclaredFunctionPolicy _policy;
    private readonly ValueCanonicalizer _canonicalizer;
    private readonly ConditionalWeakTable<AIFunction, ConcurrentDictionary<string, ResolvedEffects>> _cache = new();

    public EffectsResolver(ParallelInvocationOptions options)
    {
        _registered = new Dictionary<string, FunctionEffects>(options.Functions, StringComparer.Ordinal);
        _providers = [.. options.EffectsProviders];
        _policy = options.UndeclaredFunctions;
        _canonicalizer = options.KeyCanonicalizers.Count == 0 ? ValueCanonicalizer.Default : new ValueCanonicalizer(options.KeyCanonicalizers);
        Normalizer = new KeyNormalizer(options.KeyNormalizers);
    }

    public KeyNormalizer Normalizer { get; }

    /// <summary>
    /// Gets or sets a test seam: when set, every placeholder's values come from this function and go into keys verbatim, bypassing
    /// binding, canonical values and escaping. Tests use it to run the engine with an older binding (the raw JSON spelling) and show
    /// that their generators catch it. Set it before the first call is resolved.
    /// </summary>
    internal Func<object?, IReadOnlyList<string>?>? ValuesOverride { get; set; }

    /// <summary>Resolves the declaration of <paramref name="function"/> as called by <paramref name="callName"/>.</summary>
    /// <exception cref="ParallelInvocationConfigurationException">The declaration is invalid for this function.</exception>
    public ResolvedEffects Resolve(AIFunction function, string callName)
    {
        var byName = _cache.GetValue(function, static _ => new ConcurrentDictionary<string, ResolvedEffects>(StringComparer.Ordinal));
        if (byName.TryGetValue(callName, out var cached))
        {
            return cached;
        }

        var errors = new List<string>();
        var resolved = Resolve(function, callName, errors);
        if (errors.Count > 0 || resolved is null)
        {
            throw new ParallelInvocationConfigurationException(errors);
        }

        return byName.GetOrAdd(callName, resolved);
    }

    /// <summary>Resolves without throwing, adding every problem to <paramref name="errors"/>.</summary>
    public ResolvedEffects? Resolve(AIFunction function, string callName, List<string> errors)
    {
        int before = errors.Count;
        (FunctionEffects effects, EffectsSource source) = Find(function, callName, errors);
        if (errors.Count > before)
        {
            return null;
        }

        if (RequiresApprovalByWrapper(function))
        {
            effects = effects.RequiringApproval();
        }

        string owner = $"function '{function.Name}'";
        HashSet<string>? parameters = ParameterNames(function);
        var reads = Parse(effects.ReadKeys, owner, parameters, errors);
        var writes = Parse(effects.WriteKeys, owner, parameters, errors);
        if (errors.Count > before)
        {
            return null;
        }

        var shapes = new Dictionary<string, ArgumentShape>(StringComparer.Ordinal);
        foreach (string name in reads.Concat(writes).SelectMany(static t => t.ArgumentNames))
        {
            shapes.TryAdd(name, ArgumentShape.For(function, name, _canonicalizer));
        }

        return new ResolvedEffects(effects, source, reads, writes, shapes) { ValuesOverride = ValuesOverride };
    }

    private (FunctionEffects, EffectsSource) Find(AIFunction function, string callName, List<string> errors)
    {
        if (_registered.TryGetValue(callName, out var registered) || _registered.TryGetValue(function.Name, out registered))
        {
            return (registered, EffectsSource.Registration);
        }

        var method = function.UnderlyingMethod;
        (bool Idempotent, TimeSpan? Timeout, string? Group, bool Approval) hints = default;
        if (method is not null)
        {
            var fromAttributes = AttributeDeclarations.Read(method, errors);
            if (fromAttributes is not null)
            {
                return (fromAttributes, EffectsSource.Attributes);
            }

            hints = AttributeDeclarations.ReadHints(method);
        }

        foreach (var provider in _providers)
        {
            var provided = provider.GetEffects(function);
            if (provided is not null)
            {
                return (WithHints(provided, hints), EffectsSource.Provider);
            }
        }

        var fallback = _policy == UndeclaredFunctionPolicy.ReadOnly ? FunctionEffects.ReadOnly : FunctionEffects.Exclusive;
        return (WithHints(fallback, hints), EffectsSource.DefaultPolicy);
    }

    private static FunctionEffects WithHints(FunctionEffects effects, (bool Idempotent, TimeSpan? Timeout, string? Group, bool Approval) hints)
    {
        if (hints.Idempotent)
        {
            effects = effects.AsIdempotent();
        }

        if (hints.Timeout is { } t)
        {
            effects = effects.WithTimeout(t);
        }

        if (!string.IsNullOrWhiteSpace(hints.Group))
        {
            effects = effects.InConcurrencyGroup(hints.Group);
        }

        return hints.Approval ? effects.RequiringApproval() : effects;
    }

    /// <summary>A function wrapped in Microsoft.Extensions.AI's <c>ApprovalRequiredAIFunction</c> needs approval, whatever its declaration says.</summary>
    private static bool RequiresApprovalByWrapper(AIFunction function)
    {
#pragma warning disable MEAI001 // ApprovalRequiredAIFunction is experimental in Microsoft.Extensions.AI.Abstractions.
        return function is ApprovalRequiredAIFunction || function.GetService(typeof(ApprovalRequiredAIFunction)) is not null;
#pragma warning restore MEAI001
    }

    internal static KeyTemplate[] Parse(IReadOnlyList<string> templates, string owner, HashSet<string>? parameters, List<string> errors)
    {
        var parsed = new List<KeyTemplate>(templates.Count);
        foreach (string text in templates)
        {
            var template = KeyTemplate.TryParse(text, errors, owner);
            if (template is null)
            {
                continue;
            }

            if (parameters is not null)
            {
                foreach (string name in template.ArgumentNames.Where(n => !parameters.Contains(n)))
                {
                    string known = parameters.Count == 0 ? "it has no parameters" : "its parameters are " + string.Join(", ", parameters.Order(StringComparer.Ordinal));
                    errors.Add($"{owner}: key template '{text}' names argument '{name}', but {known}.");
                }
            }

            parsed.Add(template);
        }

        return [.. parsed];
    }

    /// <summary>The parameter names in the function's JSON schema; null when the schema says nothing (no check is possible).</summary>
    private static HashSet<string>? ParameterNames(AIFunction function)
    {
        var schema = function.JsonSchema;
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    }
}
