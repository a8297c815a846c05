using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>
/// Store functions for plan property tests: keys are <c>{space}/{key}</c>, every result names a key (<c>key</c>, <c>link</c>) that a
/// later step may use as its own key, so which key a step touches is known only once its producer ran.
/// </summary>
public static class PlanStore
{
    public static readonly string[] Keys = ["x", "y", "z", "x/p"];

    public static readonly string[] Names = ["read", "write", "incr", "list", "copy"];

    private static readonly JsonElement Schema = JsonDocument.Parse(
        """
        {"type":"object","properties":{"space":{"type":"string"},"key":{"type":"string"},"from":{"type":"string"},
         "value":{"type":"integer"},"fail":{"type":"string"},"spin":{"type":"integer"}},"required":["space"]}
        """).RootElement;

    public static string Link(int value) => Keys[Math.Abs(value) % Keys.Length];

    /// <summary>The declarations, true to what the functions do; <paramref name="pure"/> declares everything pure (no conflicts at all).</summary>
    public static ParallelInvocationOptions Options(bool pure, FailurePolicy policy, int maxDegreeOfParallelism)
    {
        var options = new ParallelInvocationOptions { FailurePolicy = policy, MaxDegreeOfParallelism = maxDegreeOfParallelism };
        if (pure)
        {
            foreach (string name in Names)
            {
                options.Declare(name, FunctionEffects.Pure);
            }

            return options;
        }

        return options
            .Declare("read", FunctionEffects.Reading("{space}/{key}"))
            .Declare("write", FunctionEffects.Writing("{space}/{key}"))
            .Declare("incr", FunctionEffects.Writing("{space}/{key}"))
            .Declare("list", FunctionEffects.Reading("{space}"))
            .Declare("copy", FunctionEffects.Writing("{space}/{key}").AlsoReading("{space}/{from}"));
    }

    public static AIFunction[] Functions(KeyedStore store) => [.. Names.Select(n => (AIFunction)new StoreFunction(n, store))];

    /// <summary>Runs one call against the store: what the function does, written once for the engine's run and the oracle's.</summary>
    public static async Task<JsonElement> RunAsync(string function, IReadOnlyDictionary<string, JsonElement> args, KeyedStore store)
    {
        string space = args["space"].GetString()!;
        string Key(string name) => space + "/" + args[name].GetString();
        int spin = args.TryGetValue("spin", out var s) ? s.GetInt32() : 0;
        string fail = args.TryGetValue("fail", out var f) ? f.GetString()! : "none";
        await Dawdle(spin / 2);
        if (fail == "before")
        {
            throw new InvalidOperationException($"{function} failed on purpose");
        }

        JsonElement result;
        switch (function)
        {
            case "read":
                result = Entry(args["key"].GetString()!, store.Get(Key("key")));
                break;
            case "write":
                int value = args["value"].GetInt32();
                store.Set(Key("key"), value);
                result = Entry(args["key"].GetString()!, value);
                break;
            case "incr":
                int seen = store.Get(Key("key"));
                await Dawdle(spin);
                store.Set(Key("key"), seen + 1);
                result = Entry(args["key"].GetString()!, seen + 1);
                break;
            case "copy":
                int copied = store.Get(Key("from"));
                await Dawdle(spin);
                store.Set(Key("key"), copied);
                result = Entry(args["key"].GetString()!, copied);
                break;
            case "list":
                var entries = store.Snapshot(space).Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(e => e.Split('='))
                    .Select(kv => new Dictionary<string, object> { ["key"] = kv[0][(space.Length + 1)..], ["link"] = Link(int.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture)) });
                result = JsonSerializer.SerializeToElement(entries.ToList());
                break;
            default:
                throw new InvalidOperationException(function);
        }

        if (fail == "after")
        {
            throw new InvalidOperationException($"{function} failed on purpose after its effect");
        }

        return result;
    }

    private static JsonElement Entry(string key, int value) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["key"] = key, ["value"] = value, ["link"] = Link(value) });

    private static async Task Dawdle(int yields)
    {
        for (int i = 0; i < yields; i++)
        {
            await Task.Yield();
            if (i % 3 == 2)
            {
                Thread.SpinWait(50);
            }
        }
    }

    private sealed class StoreFunction(string name, KeyedStore store) : AIFunction
    {
        public override string Name => name;

        public override JsonElement JsonSchema => Schema;

        protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            await RunAsync(name, arguments.ToDictionary(p => p.Key, p => (JsonElement)p.Value!, StringComparer.Ordinal), store);
    }
}
