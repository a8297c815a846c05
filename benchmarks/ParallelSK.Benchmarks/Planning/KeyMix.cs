using System;
using SemanticKernel.ParallelInvocation.Planning;

namespace ParallelSK.Benchmarks.Planning;

/// <summary>
/// A realistic key mix for a batch of <c>n</c> calls: mostly readers of single entities, some writers, a few deeper keys, file paths
/// with directory listings and collection-wide reads, over a pool of entities that grows with the batch so hot keys stay shared.
/// Without <c>collectionScans</c> the 1% of calls that scan every order or rewrite a whole customer are left out.
/// Seeded: the same arguments always give the same batch.
/// </summary>
internal static class KeyMix
{
    public static PlanInput[] Create(int n, bool collectionScans = true, int seed = 42)
    {
        var random = new Random(seed);
        int entities = Math.Max(8, n / 4);
        int directories = Math.Max(2, n / 50);
        var calls = new PlanInput[n];
        for (int i = 0; i < n; i++)
        {
            int roll = random.Next(collectionScans ? 1000 : 990);
            string order = $"orders/{random.Next(entities)}";
            string customer = $"customers/{random.Next(entities / 2 + 1)}";
            string dir = $"fs:/repo/src/d{random.Next(directories)}";
            string file = $"{dir}/f{random.Next(20)}.cs";
            calls[i] = roll switch
            {
                < 550 => PlanInput.Of([order], []),                                  // 55% read an order
                < 700 => PlanInput.Of([customer + "/profile", order], []),          // 15% read two entities
                < 850 => PlanInput.Of(["catalog"], [order]),                        // 15% write an order (reading the catalog)
                < 880 => PlanInput.Of([], [$"{order}/lines/{random.Next(5)}"]),     //  3% write a deeper key
                < 930 => PlanInput.Of([file], []),                                  //  5% read a file
                < 965 => PlanInput.Of([dir], [file]),                               //  3.5% write a file, listing its directory
                < 990 => PlanInput.Of([dir], []),                                   //  2.5% list a directory
                < 998 => PlanInput.Of(["orders"], []),                              //  0.8% scan every order
                _ => PlanInput.Of([], [customer]),                                  //  0.2% rewrite a whole customer
            };
        }

        return calls;
    }
}
