using System;
using System.Collections.Generic;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Planning;

/// <summary>
/// Turns an ordered batch into a dependency graph: every pair of conflicting calls is ordered as emitted, nothing else is ordered.
/// Pure and synchronous.
/// </summary>
/// <remarks>
/// <para>
/// Keys live in a trie by segment. Each node keeps its last writer, its readers since then, and two "frontier" sets for its
/// subtree: the writers and the readers that no later write has dominated yet. A write to a key dominates everything in its subtree
/// (it waits for all of it), so the subtree is pruned and its frontier collapses to that one write. A new call therefore links only
/// to undominated predecessors: the graph is close to its transitive reduction, and the work is about
/// O(calls × keys per call × key depth + edges), with no all-pairs scan.
/// </para>
/// <para>A key is either written or read; a write implies a read of the same key.</para>
/// <para>
/// Undeclared calls (<see cref="PlanInput.OrdersOnly"/>) are ordered like any other, but their edges are
/// <see cref="DependencyKind.Order"/>, which never skips: as in a plain sequential loop, every such call runs, and its failure skips
/// nothing. The skipping kinds between declared calls come from a second pass without the undeclared calls, so that an undeclared
/// call that dominates a failed write cannot hide it from the declared calls after it. Batches without undeclared calls take one pass.
/// </para>
/// <para>
/// The common batch, calls on distinct keys that are all as deep (<c>items/1</c>, <c>items/2</c>), needs no trie: at one depth two keys
/// overlap only when they are equal, so one hash table of the keys tells whether any two calls conflict. None do: nothing is ordered.
/// Otherwise (a conflict, keys of different depths, data dependencies) the trie plans the batch.
/// </para>
/// </remarks>
internal static class BatchPlanner
{
    /// <summary>The most keys a table kept for the thread's next batch may hold (a larger table is left to the collector).</summary>
    private const int MaxPooledKeys = 256;

    [ThreadStatic]
    private static Dictionary<ResourceKey, (int Owner, bool Written)>? t_owners;

    public static ExecutionPlan Plan(IReadOnlyList<PlanInput> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (OnlyReads(calls) || NoConflicts(calls))
        {
            return ExecutionPlan.Unordered(calls.Count); // no two calls conflict: no edges, no trie
        }

        return PlanWithTrie(calls);
    }

    /// <summary>Plans with the key trie, whatever the batch (<see cref="Plan"/> skips it when no two calls conflict); tests compare the two.</summary>
    internal static ExecutionPlan PlanWithTrie(IReadOnlyList<PlanInput> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var all = Pass(calls, declaredOnly: false);
        bool anyUndeclared = false, anyDeclared = false;
        foreach (var call in calls)
        {
            anyUndeclared |= call.OrdersOnly && !call.IsUnordered;
            anyDeclared |= !call.OrdersOnly && !call.IsUnordered;
        }

        if (!anyUndeclared)
        {
            return new ExecutionPlan(all);
        }

        // Edges that touch an undeclared call only order. Among declared calls, the kinds come from a pass without the undeclared ones:
        // an undeclared call that dominates a failed write in the first pass must not hide that write from the calls after it.
        var declared = anyDeclared ? Pass(calls, declaredOnly: true) : null;
        var merged = new Dictionary<int, DependencyKind>();
        for (int c = 0; c < calls.Count; c++)
        {
            merged.Clear();
            foreach (var d in all[c])
            {
                bool orderOnly = d.Kind != DependencyKind.Data && (calls[c].OrdersOnly || calls[d.Predecessor].OrdersOnly);
                merged[d.Predecessor] = orderOnly ? DependencyKind.Order : d.Kind;
            }

            foreach (var d in declared?[c] ?? [])
            {
                Add(merged, d.Predecessor, d.Kind);
            }

            all[c] = Sorted(merged);
        }

        return new ExecutionPlan(all);
    }

    /// <summary>Whether no call writes and none needs another's output: then nothing is ordered.</summary>
    private static bool OnlyReads(IReadOnlyList<PlanInput> calls)
    {
        for (int c = 0; c < calls.Count; c++)
        {
            if (calls[c].Writes.Length > 0 || calls[c].DataDependencies is { Length: > 0 })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether no two calls conflict, known cheaply: every key of the batch has one depth (so keys overlap only when equal), there are no
    /// data dependencies, and no key written by one call is read or written by another. False when unsure: the trie then decides.
    /// </summary>
    private static bool NoConflicts(IReadOnlyList<PlanInput> calls)
    {
        int depth = -1, participants = 0, keyCount = 0;
        for (int c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            if (call.DataDependencies is { Length: > 0 })
            {
                return false;
            }

            if (call.Reads.Length + call.Writes.Length == 0)
            {
                continue;
            }

            participants++;
            keyCount += call.Reads.Length + call.Writes.Length;
            if (!SameDepth(call.Reads, ref depth) || !SameDepth(call.Writes, ref depth))
            {
                return false;
            }
        }

        if (participants <= 1)
        {
            return true; // a call never waits for itself
        }

        // Each key's first owner, and whether it was written; Shared marks a key read by several calls (any write to it then conflicts).
        var owners = t_owners ?? new Dictionary<ResourceKey, (int Owner, bool Written)>(keyCount);
        t_owners = null; // planning never re-enters, but a table in use is never shared
        try
        {
            for (int c = 0; c < calls.Count; c++)
            {
                var call = calls[c];
                if (!Claim(owners, call.Reads, c, written: false) || !Claim(owners, call.Writes, c, written: true))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            if (owners.EnsureCapacity(0) <= MaxPooledKeys) // its capacity, however early the batch stopped
            {
                owners.Clear(); // keeps no key alive, and the table for this thread's next batch
                t_owners = owners;
            }
        }
    }

    private static bool SameDepth(ResourceKey[] keys, ref int depth)
    {
        foreach (var key in keys)
        {
            int d = key.Segments.Length;
            if (depth >= 0 && d != depth)
            {
                return false;
            }

            depth = d;
        }

        return true;
    }

    /// <summary>Records that <paramref name="call"/> reads or writes <paramref name="keys"/>; false if that conflicts with another call.</summary>
    private static bool Claim(Dictionary<ResourceKey, (int Owner, bool Written)> owners, ResourceKey[] keys, int call, bool written)
    {
        const int Shared = -1;
        foreach (var key in keys)
        {
            if (!owners.TryGetValue(key, out var entry))
            {
                owners.Add(key, (call, written));
                continue;
            }

            if (entry.Owner == call)
            {
                owners[key] = (call, written || entry.Written);
                continue;
            }

            if (written || entry.Written)
            {
                return false; // another call has this key, and one of the two writes it
            }

            owners[key] = (Shared, false);
        }

        return true;
    }

    /// <summary>One pass over the batch's keys; with <paramref name="declaredOnly"/>, undeclared calls take no part.</summary>
    private static Dependency[][] Pass(IReadOnlyList<PlanInput> calls, bool declaredOnly)
    {
        var root = new Node();
        var result = new Dependency[calls.Count][];
        var deps = new Dictionary<int, DependencyKind>();
        for (int c = 0; c < calls.Count; c++)
        {
            var call = calls[c];
            if (call.IsUnordered || (declaredOnly && call.OrdersOnly))
            {
                result[c] = [];
                continue;
            }

            deps.Clear();
            foreach (var key in call.Reads)
            {
                CollectForRead(root, key, deps);
            }

            foreach (var key in call.Writes)
            {
                CollectForWrite(root, key, deps);
            }

            if (!declaredOnly && call.DataDependencies is { } data)
            {
                foreach (int p in data)
                {
                    if (p < 0 || p >= c)
                    {
                        throw new ArgumentException($"Call {c} depends on the output of call {p}, which is not an earlier call of the batch.", nameof(calls));
                    }

                    deps[p] = DependencyKind.Data;
                }
            }

            deps.Remove(c);
            result[c] = Sorted(deps);

            foreach (var key in call.Reads)
            {
                ApplyRead(root, key, c);
            }

            foreach (var key in call.Writes)
            {
                ApplyWrite(root, key, c);
            }
        }

        return result;
    }

    private static Dependency[] Sorted(Dictionary<int, DependencyKind> deps)
    {
        if (deps.Count == 0)
        {
            return []; // one shared empty array for every call without an edge
        }

        var edges = new Dependency[deps.Count];
        int n = 0;
        foreach (var (p, kind) in deps)
        {
            edges[n++] = new Dependency(p, kind);
        }

        if (edges.Length > 1)
        {
            Array.Sort(edges, static (a, b) => a.Predecessor.CompareTo(b.Predecessor));
        }

        return edges;
    }

    private static void Add(Dictionary<int, DependencyKind> deps, int predecessor, DependencyKind kind)
    {
        if (!deps.TryGetValue(predecessor, out var existing) || existing < kind)
        {
            deps[predecessor] = kind;
        }
    }

    private static void CollectForRead(Node root, ResourceKey key, Dictionary<int, DependencyKind> deps)
    {
        Node? node = root;
        string[] segments = key.Segments;
        for (int depth = 0; node is not null; depth++)
        {
            if (depth == segments.Length)
            {
                AddAll(deps, node.Frontier, DependencyKind.AfterWrite);
                return;
            }

            if (node.Writer >= 0)
            {
                Add(deps, node.Writer, DependencyKind.AfterWrite);
            }

            node = node.Child(segments[depth]);
        }
    }

    private static void CollectForWrite(Node root, ResourceKey key, Dictionary<int, DependencyKind> deps)
    {
        Node? node = root;
        string[] segments = key.Segments;
        for (int depth = 0; node is not null; depth++)
        {
            if (depth == segments.Length)
            {
                AddAll(deps, node.Frontier, DependencyKind.AfterWrite);
                AddAll(deps, node.ReadersBelow, DependencyKind.AfterRead);
                return;
            }

            if (node.Writer >= 0)
            {
                Add(deps, node.Writer, DependencyKind.AfterWrite);
            }

            AddAll(deps, node.OwnReaders, DependencyKind.AfterRead);
            node = node.Child(segments[depth]);
        }
    }

    private static void AddAll(Dictionary<int, DependencyKind> deps, IEnumerable<int>? calls, DependencyKind kind)
    {
        if (calls is null)
        {
            return;
        }

        foreach (int p in calls)
        {
            Add(deps, p, kind);
        }
    }

    private static void ApplyRead(Node root, ResourceKey key, int call)
    {
        Node node = root;
        foreach (string segment in key.Segments)
        {
            (node.ReadersBelow ??= []).Add(call);
            node = node.GetOrAddChild(segment);
        }

        (node.ReadersBelow ??= []).Add(call);
        (node.OwnReaders ??= []).Add(call);
    }

    private static void ApplyWrite(Node root, ResourceKey key, int call)
    {
        string[] segments = key.Segments;
        var path = new Node[segments.Length + 1];
        path[0] = root;
        for (int i = 0; i < segments.Length; i++)
        {
            path[i + 1] = path[i].GetOrAddChild(segments[i]);
        }

        Node target = path[^1];
        HashSet<int>? dominatedWriters = target.Frontier;
        HashSet<int>? dominatedReaders = target.ReadersBelow;

        // Walk up from the target's parent: each ancestor loses what this write now dominates and gains this write.
        List<int>? ancestorWriters = null;
        for (int i = segments.Length - 1; i >= 0; i--)
        {
            Node ancestor = path[i];
            if (path[i + 1] != target && path[i + 1].Writer >= 0)
            {
                (ancestorWriters ??= []).Add(path[i + 1].Writer);
            }

            var frontier = ancestor.Frontier ??= [];
            if (dominatedWriters is not null)
            {
                frontier.ExceptWith(dominatedWriters);
            }

            for (int w = 0; ancestorWriters is not null && w < ancestorWriters.Count; w++)
            {
                frontier.Remove(ancestorWriters[w]);
            }

            if (ancestor.Writer >= 0)
            {
                frontier.Remove(ancestor.Writer);
            }

            frontier.Add(call);
            if (dominatedReaders is not null)
            {
                ancestor.ReadersBelow?.ExceptWith(dominatedReaders);
            }
        }

        target.Writer = call;
        target.OwnReaders = null;
        target.ReadersBelow = null;
        target.Frontier = [call];
        target.Children = null;
    }

    private sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public int Writer = -1;
        public List<int>? OwnReaders;
        public HashSet<int>? Frontier;
        public HashSet<int>? ReadersBelow;

        public Node? Child(string segment) => Children is not null && Children.TryGetValue(segment, out var child) ? child : null;

        public Node GetOrAddChild(string segment)
        {
            Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!Children.TryGetValue(segment, out var child))
            {
                child = new Node();
                Children[segment] = child;
            }

            return child;
        }
    }
}
