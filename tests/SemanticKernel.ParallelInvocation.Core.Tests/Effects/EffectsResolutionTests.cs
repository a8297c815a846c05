using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

public sealed class EffectsResolutionTests
{
    private sealed class Orders
    {
        [ReadsResource("orders/{orderId}")]
        public static string Get(string orderId) => orderId;

        [WritesResource("orders/{orderId}"), ReadsResource("catalog")]
        public static string Update(string orderId, int quantity) => $"{orderId}:{quantity}";

        [WritesResource("orders/{orderIds}")]
        public static int Cancel(string[] orderIds) => orderIds.Length;

        [PureFunction]
        public static int Add(int a, int b) => a + b;

        [ReadOnlyFunction, FunctionTimeout(2), ConcurrencyGroup("api"), IdempotentFunction]
        public static string Search(string query) => query;

        [PureFunction, WritesResource("x")]
        public static void Contradictory() { }

        [ReadsResource("orders/{id}")]
        public static string WrongArgument(string orderId) => orderId;

        [RequiresApproval]
        public static string Undeclared() => "x";

        public static string Plain() => "x";
    }

    private static AIFunction Fn(string method) =>
        AIFunctionFactory.Create(typeof(Orders).GetMethod(method)!, target: null, new AIFunctionFactoryOptions { Name = method });

    private static ResolvedEffects Resolve(ParallelInvocationOptions options, AIFunction f) => new EffectsResolver(options).Resolve(f, f.Name);

    private static string[] Bind(ParallelInvocationOptions options, AIFunction f, Dictionary<string, object?> args)
    {
        var resolver = new EffectsResolver(options);
        var (reads, writes) = resolver.Resolve(f, f.Name).Bind(args, resolver.Normalizer);
        return reads.Select(k => "r:" + k).Concat(writes.Select(k => "w:" + k)).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void Resolve_Attributes_TemplateBoundToArgument()
    {
        Assert.Equal(["r:orders/42"], Bind(new(), Fn(nameof(Orders.Get)), new() { ["orderId"] = "42" }));
        Assert.Equal(["r:catalog", "w:orders/7"], Bind(new(), Fn(nameof(Orders.Update)), new() { ["orderId"] = "7", ["quantity"] = 1 }));
    }

    [Fact]
    public void Resolve_ArrayArgument_OneKeyPerElement()
    {
        var json = System.Text.Json.JsonDocument.Parse("""["1","2","2"]""").RootElement;
        Assert.Equal(["w:orders/1", "w:orders/2"], Bind(new(), Fn(nameof(Orders.Cancel)), new() { ["orderIds"] = json }));
        Assert.Equal(["w:orders/3"], Bind(new(), Fn(nameof(Orders.Cancel)), new() { ["orderIds"] = new[] { "3" } }));
    }

    [Fact]
    public void Resolve_MissingArgument_KeyCutBeforePlaceholder()
    {
        // Conservative: an unknown order id overlaps every order.
        Assert.Equal(["r:orders"], Bind(new(), Fn(nameof(Orders.Get)), new()));
    }

    [Theory]
    [InlineData("orders/x{id}", "orders")]          // the value would have continued the segment "x": orders/x42
    [InlineData("orders/{a}-{id}", "orders")]
    [InlineData("orders/{a}/{id}", "orders/A")]
    [InlineData("x{id}", "*")]
    public void Resolve_UnknownValueInsideASegment_KeyCutAtTheLastCompleteSegment(string template, string expected)
    {
        var options = new ParallelInvocationOptions().Declare("write", FunctionEffects.Writing(template));
        var write = AIFunctionFactory.Create((string a, string? id) => a, "write");

        Assert.Equal(["w:" + expected], Bind(options, write, new() { ["a"] = "A" }));
    }

    [Fact]
    public void Resolve_UnknownPathUnderAPathNormaliser_KeyIsThePrefixItself()
    {
        // Not the base directory: an absolute path or one climbing with ".." names a file outside it.
        var options = new ParallelInvocationOptions().Declare("write", FunctionEffects.Writing("fs:{*path}"));
        options.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath("/root", ignoreCase: false);
        var write = AIFunctionFactory.Create((string? path) => path, "write");

        Assert.Equal(["w:fs:"], Bind(options, write, new()));
        Assert.Equal(["w:fs:/etc/passwd"], Bind(options, write, new() { ["path"] = "/etc/passwd" }));
    }

    [Fact]
    public void Resolve_UnknownValueUnderAnotherNormaliser_KeyKeepsOnlyThePrefixsCompleteSegments()
    {
        // The normaliser may rewrite everything after its prefix, so "users:" (no '/') keeps nothing: the root.
        var options = new ParallelInvocationOptions().Declare("write", FunctionEffects.Writing("db/users:{name}"));
        options.KeyNormalizers["db/users:"] = ResourceKeyNormalizers.IgnoreCase();
        var write = AIFunctionFactory.Create((string? name) => name, "write");

        Assert.Equal(["w:db"], Bind(options, write, new()));
        Assert.Equal(["w:db/users:alice"], Bind(options, write, new() { ["name"] = "Alice" }));
    }

    [Fact]
    public void Resolve_Normaliser_AliasedPathsBecomeOneKey()
    {
        var options = new ParallelInvocationOptions().Declare("write", FunctionEffects.Writing("fs:{path}"));
        options.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath("/root", ignoreCase: false);
        var write = AIFunctionFactory.Create((string path) => path, "write");
        Assert.Equal(Bind(options, write, new() { ["path"] = "/root/b.txt" }), Bind(options, write, new() { ["path"] = "./a/../b.txt" }));
        Assert.Equal(["w:fs:/root/b.txt"], Bind(options, write, new() { ["path"] = "b.txt" }));
    }

    [Fact]
    public void Resolve_Registration_WinsOverAttributes()
    {
        var options = new ParallelInvocationOptions().Declare(nameof(Orders.Get), FunctionEffects.Exclusive);
        var resolved = Resolve(options, Fn(nameof(Orders.Get)));
        Assert.Equal(EffectsSource.Registration, resolved.Source);
        Assert.Same(FunctionEffects.Exclusive, resolved.Declaration);
    }

    [Fact]
    public void Resolve_Provider_UsedWhenNothingElseDeclares()
    {
        var options = new ParallelInvocationOptions();
        options.EffectsProviders.Add(new FixedProvider(FunctionEffects.Reading("provided")));
        Assert.Equal(EffectsSource.Provider, Resolve(options, Fn(nameof(Orders.Plain))).Source);
        Assert.Equal(EffectsSource.Attributes, Resolve(options, Fn(nameof(Orders.Get))).Source);
    }

    [Theory]
    [InlineData(UndeclaredFunctionPolicy.Exclusive, "reads *; writes *")]
    [InlineData(UndeclaredFunctionPolicy.ReadOnly, "reads *")]
    public void Resolve_Undeclared_DefaultPolicyApplies(UndeclaredFunctionPolicy policy, string expected)
    {
        var resolved = Resolve(new ParallelInvocationOptions { UndeclaredFunctions = policy }, Fn(nameof(Orders.Plain)));
        Assert.Equal(EffectsSource.DefaultPolicy, resolved.Source);
        Assert.Equal(expected, resolved.Declaration.ToString());
    }

    [Fact]
    public void Resolve_HintsWithoutEffects_AppliedOnTopOfDefault()
    {
        var resolved = Resolve(new ParallelInvocationOptions(), Fn(nameof(Orders.Undeclared)));
        Assert.Equal(EffectsSource.DefaultPolicy, resolved.Source);
        Assert.True(resolved.Declaration.RequiresApproval);
    }

    [Fact]
    public void Resolve_ExecutionHints_ReadFromAttributes()
    {
        var d = Resolve(new ParallelInvocationOptions(), Fn(nameof(Orders.Search))).Declaration;
        Assert.Equal(TimeSpan.FromSeconds(2), d.Timeout);
        Assert.Equal("api", d.ConcurrencyGroup);
        Assert.True(d.IsIdempotent);
        Assert.Equal("reads *", d.ToString());
    }

    [Fact]
    public void Validate_EveryProblemListedOnce()
    {
        var options = new ParallelInvocationOptions();
        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => options.Validate(
            [Fn(nameof(Orders.Contradictory)), Fn(nameof(Orders.WrongArgument)), Fn(nameof(Orders.Search))]));
        Assert.Equal(3, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("[PureFunction] contradicts [WritesResource]", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("names argument 'id'", StringComparison.Ordinal) && e.Contains("orderId", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("concurrency group 'api' has no limit", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MalformedRegisteredTemplates_AllReported()
    {
        var options = new ParallelInvocationOptions()
            .Declare("a", FunctionEffects.Reading("orders/{id"))
            .Declare("b", FunctionEffects.Writing("x}"))
            .Declare("c", FunctionEffects.Reading("{}").InConcurrencyGroup("nope"));
        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => options.Validate());
        Assert.Equal(4, ex.Errors.Count);
    }

    [Fact]
    public void Executor_InvalidOptions_ThrowsAtConstruction()
    {
        var options = new ParallelInvocationOptions().Declare("a", FunctionEffects.Reading("{x").InConcurrencyGroup("g"));
        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => new ParallelToolExecutor(options));
        Assert.Equal(2, ex.Errors.Count);
    }

    [Fact]
    public async Task ExecuteAsync_DeclarationNamesMissingArgument_ThrowsBeforeAnythingRuns()
    {
        bool ran = false;
        var good = AIFunctionFactory.Create(() => ran = true, "good");
        var executor = new ParallelToolExecutor(new ParallelInvocationOptions { UndeclaredFunctions = UndeclaredFunctionPolicy.ReadOnly });
        var ex = await Assert.ThrowsAsync<ParallelInvocationConfigurationException>(() => executor.ExecuteAsync(
            [new ToolCallRequest("1", "good", null, good), new ToolCallRequest("2", "bad", null, Fn(nameof(Orders.WrongArgument)))]));
        Assert.Contains("names argument 'id'", ex.Message, StringComparison.Ordinal);
        Assert.False(ran);
    }

    [Fact]
    public void Setters_OutOfRange_Throw()
    {
        var options = new ParallelInvocationOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxDegreeOfParallelism = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.DefaultTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBatchSize = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.AddConcurrencyGroup("g", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FunctionEffects.Pure.WithTimeout(TimeSpan.FromSeconds(-1)));
    }

    private sealed class FixedProvider(FunctionEffects effects) : IFunctionEffectsProvider
    {
        public FunctionEffects? GetEffects(AIFunction function) => effects;
    }
}
