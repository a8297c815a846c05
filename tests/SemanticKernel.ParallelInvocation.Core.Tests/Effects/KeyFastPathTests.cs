using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>
/// <see cref="ResolvedEffects.Bind"/> builds the key of a template whose one placeholder is a whole segment straight from a plain
/// value. On random templates, parameter types, serializer options, canonicalisers, normalisers and values (typed, JSON, adversarial
/// strings, sequences, nulls), it gives exactly the keys (or the error) of the general path: parts expanded, joined and normalised.
/// </summary>
public sealed class KeyFastPathTests
{
    private static readonly string[] Templates =
        ["items/{id}", "{id}", "a//b/{id}/c/", "/{id}", "items/{id}/", "items/x{id}", "{id}x/y", "docs/{*id}", "it{id}", "fs:{id}"];

    private static readonly string[] Jsons =
        ["42", "-0", "4.0", "1e2", "9999999999", "\"42\"", "\"04\"", "\"a/b\"", "\"\"", "\".\"", "\"..\"", "\"%2F\"", "\"x\"", "[1,2]", "[\"a\",\"b/c\"]", "null", "true", "{\"b\":1,\"a\":2}"];

    private static readonly object?[] Objects =
        [0, 7, 12, -3, int.MaxValue, 42L, 2.5, "", ".", "..", "a/b", "%", "%25", "items", "ü/ß", null, new List<int> { 1, 2 }, new[] { "x", "y" }, Guid.Empty];

    private static readonly Func<AIFunction>[] Functions =
    [
        () => AIFunctionFactory.Create((int id) => id, "f"),
        () => AIFunctionFactory.Create((string id) => id, "f"),
        () => AIFunctionFactory.Create((long id) => id, "f"),
        () => AIFunctionFactory.Create((int? id) => id, "f"),
        () => AIFunctionFactory.Create((object id) => id, "f"),
        () => AIFunctionFactory.Create((List<int> id) => id, "f"),
        () => AIFunctionFactory.Create((double id) => id, "f"),
        () => AIFunctionFactory.Create((int id) => id, new AIFunctionFactoryOptions { Name = "f", SerializerOptions = PlusOne() }),
    ];

    /// <summary>Options whose converter reads an <see cref="int"/> one higher than written: keys must follow the value the function receives.</summary>
    private static JsonSerializerOptions PlusOne()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions);
        options.Converters.Add(new PlusOneConverter());
        options.MakeReadOnly();
        return options;
    }

    [Fact]
    public void Bind_RandomTemplatesAndValues_FastPathGivesTheGeneralPathsKeys()
    {
        var raw = Gen.OneOf(
            Gen.Elements(Jsons).Select(j => (object?)JsonDocument.Parse(j).RootElement.Clone()),
            Gen.Elements(Objects),
            ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => (object?)s.Get),
            Gen.Constant<object?>(Missing.Value));
        var cases =
            from template in Gen.Elements(Templates)
            from function in Gen.Choose(0, Functions.Length - 1)
            from normalizers in Gen.Choose(0, 4)
            from canonicalizer in Gen.Elements(false, true)
            from value in raw
            select (template, function, normalizers, canonicalizer, value);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithQuietOnSuccess(true), Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var function = Functions[c.function]();
            var options = Options(c.normalizers, c.canonicalizer).Declare("f", FunctionEffects.Writing(c.template));
            var arguments = new Dictionary<string, object?>();
            if (c.value is not Missing)
            {
                arguments["id"] = c.value;
            }

            var resolver = new EffectsResolver(options);
            string fast = Outcome(() => resolver.Resolve(function, "f").Bind(arguments, resolver.Normalizer).Writes);
            string general = Outcome(() => General(resolver, options, function, c.template, arguments));
            return (fast == general).Label($"{c.template} with {Describe(c.value)} ({function.UnderlyingMethod!.GetParameters()[0].ParameterType.Name}): fast {fast}, general {general}");
        }));
    }

    [Fact]
    public void TrySingle_WhenItAnswers_AnswersAsValuesDoes()
    {
        var shapes = Functions.Select(f => f()).SelectMany(f => new[]
        {
            ArgumentShape.For(f, "id", ValueCanonicalizer.Default),
            ArgumentShape.For(f, "id", new ValueCanonicalizer([new KeyValuePair<Type, Func<object, string>>(typeof(int), v => $"int:{v}")])),
        }).ToArray();
        var values = Jsons.Select(j => (object?)JsonDocument.Parse(j).RootElement.Clone()).Concat(Objects).ToArray();
        int answered = 0;
        foreach (var shape in shapes)
        {
            foreach (object? value in values)
            {
                if (shape.TrySingle(value, out string? single))
                {
                    answered++;
                    Assert.Equal(new[] { single }, shape.Values(value));
                }
            }
        }

        Assert.InRange(answered, 20, shapes.Length * values.Length / 2);
    }

    [Fact]
    public void Bind_PlainIntArgument_SegmentIsTheCanonicalValueAndSharesTheTemplatesLiteral()
    {
        var function = AIFunctionFactory.Create((int id) => id, "f");
        var resolver = new EffectsResolver(new ParallelInvocationOptions().Declare("f", FunctionEffects.Writing("items/{id}")));
        var effects = resolver.Resolve(function, "f");
        var a = Assert.Single(effects.Bind(new Dictionary<string, object?> { ["id"] = JsonDocument.Parse("7").RootElement }, resolver.Normalizer).Writes);
        var b = Assert.Single(effects.Bind(new Dictionary<string, object?> { ["id"] = 7 }, resolver.Normalizer).Writes);
        Assert.Equal(["items", "7"], a.Segments);
        Assert.Equal(a, b);
        Assert.Same(a.Segments[0], b.Segments[0]);
    }

    private static ParallelInvocationOptions Options(int normalizers, bool canonicalizer)
    {
        var options = new ParallelInvocationOptions();
        switch (normalizers)
        {
            case 1:
                options.KeyNormalizers["items/1"] = k => k.ToUpperInvariant(); // reaches into the value
                break;
            case 2:
                options.KeyNormalizers["it"] = k => "<" + k + ">"; // shorter than the literal
                break;
            case 3:
                options.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath("/root");
                break;
            case 4:
                options.KeyNormalizers["a/b/"] = k => k + "/n";
                options.KeyNormalizers["other"] = k => k;
                break;
        }

        if (canonicalizer)
        {
            options.AddKeyCanonicalizer<int>(v => $"int:{v}");
        }

        return options;
    }

    /// <summary>The keys by parts: expanded, normalised one by one, deduplicated (as for several keys), never the fast path.</summary>
    private static ResourceKey[] General(EffectsResolver resolver, ParallelInvocationOptions options, AIFunction function, string template, Dictionary<string, object?> arguments)
    {
        var parsed = KeyTemplate.TryParse(template, [], "test")!;
        var canonicalizer = options.KeyCanonicalizers.Count == 0 ? ValueCanonicalizer.Default : new ValueCanonicalizer(options.KeyCanonicalizers);
        var shapes = parsed.ArgumentNames.Distinct().ToDictionary(n => n, n => ArgumentShape.For(function, n, canonicalizer));
        var parts = new List<KeyPart[]>();
        parsed.Expand(new KeyArguments(arguments, shapes, null), parts);
        return parts.Select(resolver.Normalizer.Normalize).Distinct().ToArray();
    }

    private static string Outcome(Func<ResourceKey[]> keys)
    {
        try
        {
            return string.Join(" | ", keys().Select(k => k.ToString()).Order(StringComparer.Ordinal));
        }
        catch (Exception ex)
        {
            return "threw " + ex.GetType().Name;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        JsonElement e => "JSON " + e.GetRawText(),
        _ => $"{value.GetType().Name} {value}",
    };

    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }

    private sealed class PlusOneConverter : JsonConverter<int>
    {
        public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetInt32() + 1;

        public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }
}
