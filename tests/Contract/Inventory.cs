using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Tests.Contract;

/// <summary>
/// The tools of the contract: an inventory whose methods declare their effects with this library's attributes, and nothing host-specific,
/// so each host registers the same methods its own way (<c>AIFunctionFactory.Create(method, target)</c>, or a Semantic Kernel plugin made
/// from them). The tool name is the method name. Every call is logged in the order it started.
/// </summary>
public sealed class Inventory
{
    /// <summary>Gets the methods every host registers as tools.</summary>
    public static IReadOnlyList<MethodInfo> Tools { get; } =
        typeof(Inventory).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsDefined(typeof(DescriptionAttribute)))
            .ToArray();

    public ConcurrentDictionary<string, int> Stock { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the calls in the order they started: "get apple", "set apple=5", ...</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Gets or sets a rendezvous every <see cref="GetStock"/> call must pass before it returns, or null for none.</summary>
    public Rendezvous? ReadRendezvous { get; set; }

    /// <summary>Gets a signal set when <see cref="WaitForCancellation"/> has started.</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Description("Gets the stock of an item.")]
    [ReadsResource("stock/{item}")]
    public async Task<int> GetStock(string item)
    {
        Log.Enqueue($"get {item}");
        if (ReadRendezvous is { } rendezvous)
        {
            await rendezvous.ArriveAsync();
        }

        return Stock.GetValueOrDefault(item);
    }

    [Description("Sets the stock of an item.")]
    [WritesResource("stock/{item}")]
    public async Task<string> SetStock(string item, int quantity)
    {
        // Gives way first, so that a read wrongly run alongside this write would overtake it and see the old value.
        await Task.Yield();
        Log.Enqueue($"set {item}={quantity}");
        Stock[item] = quantity;
        return $"{item}={quantity}";
    }

    [Description("Adds two numbers.")]
    [PureFunction]
    public int Add(int a, int b)
    {
        Log.Enqueue($"add {a}+{b}");
        return a + b;
    }

    [Description("Always fails.")]
    [PureFunction]
    public string Explode()
    {
        Log.Enqueue("explode");
        throw new InvalidOperationException("boom");
    }

    [Description("Waits until the request is cancelled.")]
    [PureFunction]
    public async Task<string> WaitForCancellation(CancellationToken cancellationToken)
    {
        Log.Enqueue("wait");
        Blocked.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return "never";
    }
}
