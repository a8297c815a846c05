using System;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>
/// The contract: any batch, run by the engine, gives the same results and the same final state as the batch run one call after
/// another in emitted order — under random latencies, failures, concurrency limits, groups and failure policies, with typed
/// arguments spelled in different ways, adversarial strings, and calls of a function nobody declared.
/// </summary>
public sealed class SerialEquivalenceTests(ITestOutputHelper output)
{
    private const int Batches = 2000;

    [Fact]
    public void ExecuteAsync_RandomBatches_EqualSequentialRunInEmittedOrder()
    {
        int calls = 0;
        var property = Prop.ForAll(StoreBatch.Arbitrary(withFailures: true), batch =>
        {
            Interlocked.Add(ref calls, batch.Ops.Length);
            var expected = SerialRun.RunAsync(batch).GetAwaiter().GetResult();
            var actual = StoreTools.RunWithEngineAsync(batch).GetAwaiter().GetResult();
            return actual.SameAs(expected).Label($"expected {expected}{Environment.NewLine}actual   {actual}");
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Batches).WithQuietOnSuccess(true), property);
        output.WriteLine($"{Batches} batches, {calls} calls: every one equal to its sequential run.");
    }

    [Fact]
    public void AllAtOnceExecutor_SameGenerator_IsCaughtViolatingSerialEquivalence()
    {
        // Proof that the property above can fail: the same generator, run by an executor that starts every call at once,
        // must find a batch whose results or final state differ from the sequential run.
        var property = Prop.ForAll(StoreBatch.Arbitrary(withFailures: false, FailurePolicy.RunAll), batch =>
        {
            var expected = SerialRun.RunAsync(batch).GetAwaiter().GetResult();
            var actual = StoreTools.RunAllAtOnceAsync(batch).GetAwaiter().GetResult();
            return actual.SameAs(expected);
        });

        var failure = Assert.ThrowsAny<Exception>(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Batches).WithQuietOnSuccess(true), property));
        output.WriteLine("The all-at-once executor was caught: " + failure.Message.Split('\n')[0]);
    }

    [Fact]
    public void LegacyRawSpellingKeys_SameGenerator_IsCaughtViolatingSerialEquivalence()
    {
        // Proof that the spellings matter: the same generator, run by the engine with keys from the raw spelling (the binding before
        // canonical keys), must find a batch whose results or final state differ from the sequential run.
        var property = Prop.ForAll(StoreBatch.Arbitrary(withFailures: true), batch =>
        {
            var expected = SerialRun.RunAsync(batch).GetAwaiter().GetResult();
            var actual = StoreTools.RunWithEngineAsync(batch, legacyKeys: true).GetAwaiter().GetResult();
            return actual.SameAs(expected);
        });

        var failure = Assert.ThrowsAny<Exception>(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(Batches).WithQuietOnSuccess(true), property));
        output.WriteLine("The raw-spelling keys were caught: " + failure.Message.Split('\n')[0]);
    }
}
