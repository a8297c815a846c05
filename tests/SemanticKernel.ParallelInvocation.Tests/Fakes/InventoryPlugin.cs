using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>
/// An inventory whose functions declare their effects with this library's attributes. Every call is logged in the order it ran.
/// Reads can be made to wait for each other (<see cref="Rendezvous"/>): under a sequential run the first read would wait alone.
/// </summary>
internal sealed class InventoryPlugin
{
    public const string Name = "Inventory";

    public ConcurrentDictionary<string, int> Stock { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the calls in the order they started: "get apple", "set apple=5", ...</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Gets or sets a rendezvous every <see cref="GetStock"/> call must pass before it returns, or null for none.</summary>
    public Rendezvous? ReadRendezvous { get; set; }

    /// <summary>Gets a signal set when <see cref="WaitForCancellation"/> has started.</summary>
    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [KernelFunction, Description("Gets the stock of an item.")]
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

    [KernelFunction, Description("Sets the stock of an item.")]
    [WritesResource("stock/{item}")]
    public string SetStock(string item, int quantity)
    {
        Log.Enqueue($"set {item}={quantity}");
        Stock[item] = quantity;
        return $"{item}={quantity}";
    }

    [KernelFunction, Description("Adds two numbers.")]
    [PureFunction]
    public int Add(int a, int b)
    {
        Log.Enqueue($"add {a}+{b}");
        return a + b;
    }

    [KernelFunction, Description("Always fails.")]
    [PureFunction]
    public string Explode()
    {
        Log.Enqueue("explode");
        throw new InvalidOperationException("boom");
    }

    [KernelFunction, Description("Waits until the request is cancelled.")]
    [PureFunction]
    public async Task<string> WaitForCancellation(CancellationToken cancellationToken)
    {
        Log.Enqueue("wait");
        Blocked.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return "never";
    }
}

/// <summary>
/// Lets <paramref name="parties"/> calls wait for each other: each returns once all have arrived. If they never all arrive (the calls
/// ran one after another), each fails after a generous safety timeout instead of hanging the test.
/// </summary>
internal sealed class Rendezvous(int parties, TimeSpan? safetyTimeout = null)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public bool Met => _all.Task.IsCompletedSuccessfully;

    public async Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == parties)
        {
            _all.TrySetResult();
        }

        try
        {
            await _all.Task.WaitAsync(safetyTimeout ?? TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Whoever comes later was not there at the same time either.
            var failure = new TimeoutException($"Only {Volatile.Read(ref _arrived)} of {parties} calls were running at the same time.");
            _all.TrySetException(failure);
            throw failure;
        }
    }
}
