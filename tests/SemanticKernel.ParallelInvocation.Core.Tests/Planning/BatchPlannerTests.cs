using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using SemanticKernel.ParallelInvocation.Planning;

namespace SemanticKernel.ParallelInvocation.Tests.Planning;

public sealed class BatchPlannerTests
{
    private static int[] Preds(ExecutionPlan plan, int call) => plan.Predecessors[call].Select(d => d.Predecessor).ToArray();

    [Fact]
    public void Plan_IndependentReads_NoEdges()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of(["orders/1"], []), PlanInput.Of(["orders/2"], []), PlanInput.Of(["orders"], [])]);
        Assert.Equal(0, plan.EdgeCount);
    }

    [Fact]
    public void Plan_WriteThenReadSameKey_ReadWaitsForWrite()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["orders/42"]), PlanInput.Of(["orders/42"], [])]);
        Assert.Equal([0], Preds(plan, 1));
        Assert.Equal(DependencyKind.AfterWrite, plan.Predecessors[1][0].Kind);
    }

    [Fact]
    public void Plan_ReadThenWrite_WriteWaitsForReadAfterReadKind()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of(["orders/42"], []), PlanInput.Of([], ["orders/42"])]);
        Assert.Equal([0], Preds(plan, 1));
        Assert.Equal(DependencyKind.AfterRead, plan.Predecessors[1][0].Kind);
    }

    [Fact]
    public void Plan_SiblingPrefixKeys_DoNotConflict()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["orders/4"]), PlanInput.Of([], ["orders/42"])]);
        Assert.Empty(Preds(plan, 1));
    }

    [Fact]
    public void Plan_AncestorWriteAfterDescendantWrites_WaitsForAll()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["a/x"]), PlanInput.Of([], ["a/y"]), PlanInput.Of([], ["a"])]);
        Assert.Equal([0, 1], Preds(plan, 2));
    }

    [Fact]
    public void Plan_DescendantReadAfterAncestorWrite_WaitsForIt()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["a"]), PlanInput.Of(["a/b/c"], [])]);
        Assert.Equal([0], Preds(plan, 1));
    }

    [Fact]
    public void Plan_WriteChain_LinksOnlyToImmediatePredecessor()
    {
        var calls = Enumerable.Range(0, 1000).Select(_ => PlanInput.Of([], ["counter"])).ToArray();
        var plan = BatchPlanner.Plan(calls);
        Assert.Equal(999, plan.EdgeCount);
        Assert.Equal([998], Preds(plan, 999));
    }

    [Fact]
    public void Plan_ReadsAfterWriteUnderAncestor_ReadOfAncestorLinksToLaterWriteOnly()
    {
        // a written, then a/b written (dominates a's writer for readers of a), then a read of a.
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["a"]), PlanInput.Of([], ["a/b"]), PlanInput.Of(["a"], [])]);
        Assert.Equal([1], Preds(plan, 2));
        Assert.Equal([0], Preds(plan, 1));
    }

    [Fact]
    public void Plan_PureCallsAndRootRead_PureTakesNoPart()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["x"]), PlanInput.None, PlanInput.Of([""], [])]);
        Assert.Empty(Preds(plan, 1));
        Assert.Equal([0], Preds(plan, 2));
    }

    [Fact]
    public void Plan_DataDependency_AddsDataEdge()
    {
        var inputs = new[] { PlanInput.Of(["a"], []), new PlanInput([], [], [0]) };
        var plan = BatchPlanner.Plan(inputs);
        Assert.Equal(new Dependency(0, DependencyKind.Data), Assert.Single(plan.Predecessors[1]));
        Assert.Throws<ArgumentException>(() => BatchPlanner.Plan([new PlanInput([], [], [0])]));
    }

    [Fact]
    public void Plan_TenThousandCallsRealisticMix_EdgesStayLinear()
    {
        var random = new Random(7);
        var calls = new List<PlanInput>();
        for (int i = 0; i < 10_000; i++)
        {
            string key = $"tenant/{random.Next(20)}/orders/{random.Next(200)}";
            calls.Add(random.Next(10) switch
            {
                0 => PlanInput.Of([], [key]),
                1 => PlanInput.Of([], [$"tenant/{random.Next(20)}"]),
                _ => PlanInput.Of([key], []),
            });
        }

        var plan = BatchPlanner.Plan(calls);
        Assert.InRange(plan.EdgeCount, 1, 5 * calls.Count);
    }

    /// <summary>
    /// Against an all-pairs oracle: every conflicting pair is ordered (directly or through a chain), and every direct edge joins a
    /// conflicting pair (nothing independent is ever ordered). Edges that touch an undeclared call only order; a failure skips exactly
    /// along the oracle's relation: a declared write overlapping a later declared call's keys, closed transitively (a skipped call's
    /// writes count as failed), whatever undeclared calls stand between them.
    /// </summary>
    [Fact]
    public void Plan_RandomBatches_OrdersExactlyTheConflictingPairs()
    {
        var key = Gen.Elements("", "a", "a/b", "a/b/c", "a/bc", "b", "b/x", "c");
        var call =
            from nr in Gen.Choose(0, 2)
            from nw in Gen.Choose(0, 2)
            from reads in Gen.ArrayOf(key, nr)
            from writes in Gen.ArrayOf(key, nw)
            from undeclared in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (reads, writes, undeclared);
        var batches = Gen.Choose(1, 25).SelectMany(n => Gen.ArrayOf(call, n)).ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000).WithQuietOnSuccess(true), Prop.ForAll(batches, batch =>
        {
            var plan = BatchPlanner.Plan(batch.Select(c => PlanInput.Of(c.reads, c.writes) with { OrdersOnly = c.undeclared }).ToArray());
            var reach = new HashSet<int>[batch.Length];
            var skipReach = new HashSet<int>[batch.Length];
            var skipOracle = new HashSet<int>[batch.Length];
            for (int j = 0; j < batch.Length; j++)
            {
                reach[j] = [];
                skipReach[j] = [];
                skipOracle[j] = [];
                foreach (var d in plan.Predecessors[j])
                {
                    var p = batch[d.Predecessor];
                    if (!Conflict(p, batch[j]) || d.Predecessor >= j)
                    {
                        return false.Label($"edge {d.Predecessor}->{j} joins calls that do not conflict");
                    }

                    if ((p.undeclared || batch[j].undeclared) != (d.Kind == DependencyKind.Order))
                    {
                        return false.Label($"edge {d.Predecessor}->{j} is {d.Kind}");
                    }

                    reach[j].Add(d.Predecessor);
                    reach[j].UnionWith(reach[d.Predecessor]);
                    if (d.Kind == DependencyKind.AfterWrite)
                    {
                        skipReach[j].Add(d.Predecessor);
                        skipReach[j].UnionWith(skipReach[d.Predecessor]);
                    }
                }

                for (int i = 0; i < j; i++)
                {
                    if (Conflict(batch[i], batch[j]) && !reach[j].Contains(i))
                    {
                        return false.Label($"calls {i} and {j} conflict but are not ordered");
                    }

                    if (!batch[i].undeclared && !batch[j].undeclared && batch[i].writes.Any(w => batch[j].reads.Concat(batch[j].writes).Any(k => Overlap(w, k))))
                    {
                        skipOracle[j].Add(i);
                        skipOracle[j].UnionWith(skipOracle[i]);
                    }
                }

                if (!skipOracle[j].SetEquals(skipReach[j]))
                {
                    return false.Label($"a failure of [{string.Join(",", skipOracle[j].Order())}] must skip {j}; the plan skips it after [{string.Join(",", skipReach[j].Order())}]");
                }
            }

            return true.ToProperty();
        }));

        static bool Overlap(string x, string y) => SerialEquivalence.SerialRun.Overlap(x, y);
        static bool Conflict((string[] reads, string[] writes, bool) p, (string[] reads, string[] writes, bool) q) =>
            p.writes.Any(w => q.reads.Concat(q.writes).Any(k => Overlap(w, k))) || q.writes.Any(w => p.reads.Concat(p.writes).Any(k => Overlap(w, k)));
    }

    /// <summary>
    /// <see cref="BatchPlanner.Plan"/> skips the trie when it can tell that no two calls conflict; on random batches (mostly keys of one
    /// depth, often distinct, sometimes equal, sometimes another depth, undeclared calls and data dependencies) it gives the trie's plan.
    /// </summary>
    [Fact]
    public void Plan_RandomBatchesOfOneDepth_SameAsTheTrie()
    {
        var sameDepth = Gen.Choose(0, 40).Select(i => $"items/{i}");
        var key = Gen.Frequency((12, sameDepth), (1, Gen.Elements("", "items", "items/3/x", "other/3", "items/3")));
        var call =
            from nr in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
            from nw in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 2)))
            from reads in Gen.ArrayOf(key, nr)
            from writes in Gen.ArrayOf(key, nw)
            from undeclared in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
            from data in Gen.Frequency((12, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (reads, writes, undeclared, data);
        var batches = Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(call, n)).ToArbitrary();
        int unordered = 0, ordered = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true), Prop.ForAll(batches, batch =>
        {
            var inputs = batch.Select((c, i) => PlanInput.Of(c.reads, c.writes) with { OrdersOnly = c.undeclared, DataDependencies = c.data && i > 0 ? [i - 1] : null }).ToArray();
            var fast = BatchPlanner.Plan(inputs);
            var trie = BatchPlanner.PlanWithTrie(inputs);
            _ = fast.EdgeCount == 0 && inputs.Any(c => c.Writes.Length > 0) ? unordered++ : ordered++;
            for (int j = 0; j < inputs.Length; j++)
            {
                if (!fast.Predecessors[j].SequenceEqual(trie.Predecessors[j]) || !fast.Successors[j].SequenceEqual(trie.Successors[j]))
                {
                    return false.Label($"call {j}: [{string.Join(",", fast.Predecessors[j])}], the trie gives [{string.Join(",", trie.Predecessors[j])}]");
                }
            }

            return (fast.EdgeCount == trie.EdgeCount).Label("edge count");
        }));

        // The generator reaches both sides: batches with writes and nothing to order, and batches with something to order.
        Assert.InRange(unordered, 200, 2000);
        Assert.InRange(ordered, 200, 2000);
    }

    [Fact]
    public void Plan_DistinctKeysOfOneDepthExceptAPrefix_OrdersThePrefixWrite()
    {
        // items/3 and items/4 are distinct at one depth; items (an ancestor) sends the batch to the trie, which orders it after both.
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["items/3"]), PlanInput.Of([], ["items/4"]), PlanInput.Of([], ["items"])]);
        Assert.Equal([0, 1], Preds(plan, 2));
    }

    [Fact]
    public void Plan_DistinctWritesOfOneDepthAndASharedRead_WriteOfTheSharedKeyWaitsForBothReaders()
    {
        var plan = BatchPlanner.Plan([PlanInput.Of(["items/1"], ["items/2"]), PlanInput.Of(["items/1"], ["items/3"]), PlanInput.Of([], ["items/1"])]);
        Assert.Empty(plan.Predecessors[1]);
        Assert.Equal([0, 1], Preds(plan, 2));
    }

    [Fact]
    public void Plan_UndeclaredCallBetweenAFailedWriteAndItsReader_ReaderStillHangsOffTheWrite()
    {
        // 1 (undeclared, writes everything) dominates 0 in the key trie; the reader must still be skippable by 0's failure.
        var plan = BatchPlanner.Plan([PlanInput.Of([], ["a"]), PlanInput.Of([""], [""]) with { OrdersOnly = true }, PlanInput.Of(["a"], [])]);

        Assert.Equal([new Dependency(0, DependencyKind.Order)], plan.Predecessors[1]);
        Assert.Equal([new Dependency(0, DependencyKind.AfterWrite), new Dependency(1, DependencyKind.Order)], plan.Predecessors[2]);
    }
}
