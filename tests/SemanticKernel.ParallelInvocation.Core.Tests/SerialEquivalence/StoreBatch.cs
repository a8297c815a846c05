using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FsCheck;
using FsCheck.Fluent;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>How a generated call fails, if it does: before touching the store, or after its effect.</summary>
public enum FailMode
{
    None,
    Before,
    After,
}

/// <summary>
/// One generated call: a store function, its key arguments, how long it dawdles (in yields) and whether it fails. A typed call
/// (<see cref="SpelledValues"/>) carries its argument as <see cref="Spelling"/> (JSON) and <see cref="Key"/> is the store key of the
/// value it spells.
/// </summary>
public sealed record StoreOp(string Function, string Key, string Key2, int Value, int Spin, FailMode Fail, string? Spelling = null)
{
    /// <summary>The function that nobody declares: the default policy applies, as in a plain sequential loop.</summary>
    public const string Undeclared = "loose_incr";

    /// <summary>Gets what the call does to the store: typed and undeclared calls behave as <c>incr</c> or <c>get</c>.</summary>
    public string Behaviour => Function == Undeclared ? "incr" : SpelledValues.FamilyOf(Function) is { } family ? Function[(family.Length + 1)..] : Function;

    /// <summary>Gets whether some declaration covers the function; only declared keys make a failure skip later calls.</summary>
    public bool IsDeclared => Function != Undeclared;

    public override string ToString() => Spelling is not null ? $"{Function}({Spelling} -> {Key}, spin {Spin}{FailText})" : Function switch
    {
        "copy" => $"copy({Key2}->{Key}, spin {Spin}{FailText})",
        "set" => $"set({Key}={Value}, spin {Spin}{FailText})",
        "guarded_set" => $"guarded_set({Key}={Value}, {(Approved ? "approved" : "denied")}, spin {Spin}{FailText})",
        "sum" or "scan" or "audit" => $"{Function}(spin {Spin}{FailText})",
        Undeclared => $"{Function}({Key}, spin {Spin}{FailText}, undeclared)",
        _ => $"{Function}({Key}, spin {Spin}{FailText})",
    };

    /// <summary>Gets whether the approver lets a <c>guarded_set</c> through: even values are approved, odd ones denied.</summary>
    public bool Approved => Value % 2 == 0;

    private string FailText => Fail == FailMode.None ? string.Empty : $", fails {Fail.ToString().ToLowerInvariant()}";

    /// <summary>The keys this call reads and writes: the oracle's own statement of each function's effects, independent of the engine.</summary>
    public (string[] Reads, string[] Writes) Access => Behaviour switch
    {
        _ when Function == Undeclared => ([""], [""]),
        "get" => ([Key], []),
        "set" or "guarded_set" or "incr" or "clear" => ([], [Key]),
        "copy" => ([Key2], [Key]),
        "sum" => ([], []),
        "scan" => ([""], []),
        "audit" => ([""], [""]),
        _ => throw new InvalidOperationException(Function),
    };

    /// <summary>Runs the call against <paramref name="store"/>: reads, dawdles, writes, as a real tool with I/O would.</summary>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">Unused: store operations are not cancellable.</param>
    /// <param name="key">The store key a typed function computed from the value it received; <see cref="Key"/> otherwise.</param>
    public async Task<string> RunAsync(KeyedStore store, CancellationToken cancellationToken, string? key = null)
    {
        string target = key ?? Key;
        await Dawdle(Spin / 2).ConfigureAwait(false);
        if (Fail == FailMode.Before)
        {
            throw new InvalidOperationException($"{this} failed on purpose");
        }

        string result;
        switch (Behaviour)
        {
            case "get":
                result = store.Snapshot(target);
                break;
            case "set":
            case "guarded_set":
                store.Set(target, Value);
                result = "ok";
                break;
            case "incr":
                int seen = store.Get(target);
                await Dawdle(Spin).ConfigureAwait(false);
                store.Set(target, seen + 1);
                result = $"{target} was {seen}";
                break;
            case "clear":
                result = $"cleared {store.Clear(target)}";
                break;
            case "copy":
                string snapshot = store.Snapshot(Key2);
                await Dawdle(Spin).ConfigureAwait(false);
                store.Set(target, snapshot.Length);
                result = $"copied {snapshot.Length}";
                break;
            case "sum":
                result = (Value + Spin).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "scan":
                result = store.Snapshot(string.Empty);
                break;
            case "audit":
                string all = store.Snapshot(string.Empty);
                await Dawdle(Spin).ConfigureAwait(false);
                store.Set("audit", all.Length);
                result = all;
                break;
            default:
                throw new InvalidOperationException(Behaviour);
        }

        if (Fail == FailMode.After)
        {
            throw new InvalidOperationException($"{this} failed on purpose after its effect");
        }

        return result;

        static async Task Dawdle(int yields)
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
    }
}

/// <summary>A generated batch with the execution settings to run it under.</summary>
public sealed record StoreBatch(StoreOp[] Ops, int MaxDegreeOfParallelism, bool GroupReads, FailurePolicy Policy)
{
    private static readonly string[] Keys = ["a", "a/b", "a/c", "a/b/d", "a/bc", "b", "b/x", "c"];

    public override string ToString() =>
        $"dop {MaxDegreeOfParallelism}, group reads {GroupReads}, {Policy}: " + string.Join(" | ", Ops.Select((o, i) => $"#{i} {o}"));

    public static Arbitrary<StoreBatch> Arbitrary(bool withFailures, FailurePolicy? policy = null)
    {
        var key = Gen.Elements(Keys);
        var fail = withFailures ? Gen.Frequency((8, Gen.Constant(FailMode.None)), (1, Gen.Constant(FailMode.Before)), (1, Gen.Constant(FailMode.After))) : Gen.Constant(FailMode.None);
        var function = Gen.Frequency(
            (6, Gen.Constant("get")), (4, Gen.Constant("set")), (2, Gen.Constant("guarded_set")), (4, Gen.Constant("incr")), (2, Gen.Constant("clear")),
            (3, Gen.Constant("copy")), (1, Gen.Constant("sum")), (1, Gen.Constant("scan")), (1, Gen.Constant("audit")), (1, Gen.Constant(StoreOp.Undeclared)));
        var plain =
            from f in function
            from k in key
            from k2 in key
            from v in Gen.Choose(1, 9)
            from spin in Gen.Choose(0, 8)
            from fm in fail
            select new StoreOp(f, k, k2, v, spin, fm);
        var typed =
            from family in Gen.Elements(SpelledValues.Families)
            from incr in Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false)))
            from spelled in SpelledValues.Spelling(family)
            from spin in Gen.Choose(0, 8)
            from fm in fail
            select new StoreOp($"{family}_{(incr ? "incr" : "get")}", spelled.StoreKey, spelled.StoreKey, 0, spin, fm, spelled.Json);
        var op = Gen.Frequency((3, plain), (2, typed));
        var batch =
            from n in Gen.Choose(1, 12)
            from ops in Gen.ArrayOf(op, n)
            from dop in Gen.Elements(ParallelInvocationOptions.Unbounded, ParallelInvocationOptions.Unbounded, 1, 2, 3)
            from grouped in Gen.Elements(false, true)
            from p in policy is { } fixedPolicy ? Gen.Constant(fixedPolicy) : Gen.Elements(FailurePolicy.SkipAfterFailedWrite, FailurePolicy.RunAll)
            select new StoreBatch(ops, dop, grouped, p);
        return batch.ToArbitrary();
    }
}
