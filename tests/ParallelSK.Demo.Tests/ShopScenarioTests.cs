using System;
using System.Threading;
using System.Threading.Tasks;
using ParallelSK.Demo.Rendering;

namespace ParallelSK.Demo.Tests;

/// <summary>Logical checks of the demo's claim (answers and final state, never timings).</summary>
public class ShopScenarioTests
{
    private static readonly TimeSpan Unit = TimeSpan.FromMilliseconds(50);

    private static Task<StrategyRun> Run(Strategy strategy) => ShopScenario.RunAsync(strategy, Unit, null, null, CancellationToken.None);

    [Fact]
    public async Task RunAsync_ParallelSK_GivesTheSequentialAnswerAndFinalState()
    {
        var sequential = await Run(Strategy.Sequential);
        var parallel = await Run(Strategy.ParallelSK);

        Assert.Equal(sequential.FinalAnswer, parallel.FinalAnswer);
        Assert.Equal(sequential.FinalState, parallel.FinalState);
    }

    [Fact]
    public async Task RunAsync_Naive_ReadsStaleStockAndMissesTheOrder()
    {
        var sequential = await Run(Strategy.Sequential);
        var naive = await Run(Strategy.Naive);

        Assert.Contains("Stock left: widget 7, gadget 3", sequential.FinalAnswer, StringComparison.Ordinal);
        Assert.Contains("Stock left: widget 10, gadget 5", naive.FinalAnswer, StringComparison.Ordinal);
        Assert.Contains("order A-1001 not found", naive.FinalAnswer, StringComparison.Ordinal);
        Assert.NotEqual(sequential.FinalState, naive.FinalState);
        Assert.StartsWith("WRONG", ConsoleReport.Verdict(naive, sequential), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ParallelSK_OrdersOnlyTheConflictingCalls()
    {
        var run = await Run(Strategy.ParallelSK);

        var turn1 = run.Batches[0];
        Assert.Equal([2], turn1.Calls[4].Predecessors); // get_stock(widget) waits for reserve_stock(widget)
        Assert.Equal([3], turn1.Calls[5].Predecessors); // get_stock(gadget) waits for reserve_stock(gadget)
        Assert.All([0, 1, 2, 3, 6, 7, 8], i => Assert.Empty(turn1.Calls[i].Predecessors));
    }
}
