using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>
/// Keys name values, not spellings: for random pairs of typed values, each spelled in a random way the binder reads (and random
/// adversarial strings), the keys overlap exactly when the values are equal. The same generator catches the raw-spelling binding.
/// </summary>
public sealed class KeyPropertyTests(ITestOutputHelper output)
{
    private const int Pairs = 3000;

    private static Arbitrary<(string Family, (string StoreKey, string Json) A, (string StoreKey, string Json) B)> SpelledPairs() =>
        (from family in Gen.Elements(SpelledValues.Families)
         from a in SpelledValues.Spelling(family)
         from b in SpelledValues.Spelling(family)
         select (family, a, b)).ToArbitrary();

    private static Property KeysOverlapExactlyWhenValuesAreEqual(bool legacy) => Prop.ForAll(SpelledPairs(), pair =>
    {
        var function = StoreTools.Typed(pair.Family, new KeyedStore());
        var options = new ParallelInvocationOptions().Declare(function.Name, FunctionEffects.Writing(StoreTools.FamilyTemplate(pair.Family)));
        var resolver = new EffectsResolver(options);
        if (legacy)
        {
            resolver.ValuesOverride = LegacyKeyValues.Values;
        }

        var effects = resolver.Resolve(function, function.Name);
        ResourceKey KeyOf(string json) => Assert.Single(effects.Bind(
            new Dictionary<string, object?> { [SpelledValues.Parameter(pair.Family)] = JsonDocument.Parse(json).RootElement.Clone() }, resolver.Normalizer).Writes);
        var (a, b) = (KeyOf(pair.A.Json), KeyOf(pair.B.Json));
        bool equal = pair.A.StoreKey == pair.B.StoreKey;
        return (a.Overlaps(b) == equal && a.Equals(b) == equal).Label($"{pair.A.Json} -> {a}, {pair.B.Json} -> {b}: values {(equal ? "equal" : "differ")}");
    });

    [Fact]
    public void Bind_RandomSpellingsOfTypedValuesAndAdversarialStrings_KeysOverlapExactlyWhenValuesAreEqual()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Pairs).WithQuietOnSuccess(true), KeysOverlapExactlyWhenValuesAreEqual(legacy: false));
        output.WriteLine($"{Pairs} pairs of spelled values: keys overlap exactly when the values are equal.");
    }

    [Fact]
    public void Bind_LegacyRawSpelling_SameGenerator_IsCaught()
    {
        var failure = Assert.ThrowsAny<Exception>(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Pairs).WithQuietOnSuccess(true), KeysOverlapExactlyWhenValuesAreEqual(legacy: true)));
        output.WriteLine("The raw-spelling binding was caught: " + failure.Message.Split('\n').FirstOrDefault(l => l.Contains("->", StringComparison.Ordinal)));
    }
}
