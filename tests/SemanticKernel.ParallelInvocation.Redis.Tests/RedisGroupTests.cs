using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;

namespace SemanticKernel.ParallelInvocation.Redis.Tests;

/// <summary>
/// Concurrency groups shared through a real redis-server by two executors standing for two app instances (two connections, two
/// limiters): together they never exceed the shared limit, shown by a max-in-flight counter while every other call waits.
/// </summary>
public sealed class RedisGroupTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);

    private static string UniqueGroup() => "redis-tests-" + Guid.NewGuid().ToString("N");

    private static ToolCallRequest Call(string id, AIFunction tool) => new(id, tool.Name, null, tool);

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + SafetyNet;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition never became true.");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task ConcurrencyGroup_TwoInstancesWithThreeBatchesEach_NeverMoreInFlightTogetherThanTheSharedLimit()
    {
        string group = UniqueGroup();
        using var waits = new PermitWaits(group);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int now = 0, max = 0, entered = 0;
        var tool = AIFunctionFactory.Create(
            async () =>
            {
                Interlocked.Increment(ref entered);
                int n = Interlocked.Increment(ref now);
                int seen;
                while (n > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, n, seen) != seen)
                {
                }

                await gate.Task;
                Interlocked.Decrement(ref now);
                return "done";
            },
            "api_call");
        ParallelToolExecutor Instance(StackExchange.Redis.IConnectionMultiplexer connection) => new(new ParallelInvocationOptions()
            .AddRedisConcurrencyGroup(group, connection, maxConcurrency: 3)
            .Declare("api_call", FunctionEffects.Pure.InConcurrencyGroup(group)));
        var a = Instance(redis.InstanceA);
        var b = Instance(redis.InstanceB);
        var runs = new[] { a, a, a, b, b, b }
            .Select((executor, n) => executor.ExecuteAsync(Enumerable.Range(0, 3).Select(i => Call($"b{n}c{i}", tool)).ToArray()))
            .ToArray();

        // 18 calls: 3 in flight and 15 waiting for the shared permit, on both instances, while the tools' gate is shut.
        await Eventually(() => Volatile.Read(ref now) == 3 && waits.Now == 15);
        Assert.Equal(3, Volatile.Read(ref entered));
        gate.SetResult();
        var reports = await Task.WhenAll(runs).WaitAsync(SafetyNet);

        Assert.Equal(3, Volatile.Read(ref max));
        Assert.Equal(18, Volatile.Read(ref entered));
        Assert.All(reports.SelectMany(r => r.Calls), c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task RateLimitedGroup_TwoInstances_ShareOneTokenBucketAndWaitingCallsHonourCancellation()
    {
        string group = UniqueGroup();
        using var waits = new PermitWaits(group);
        int started = 0;
        var tool = AIFunctionFactory.Create(() => { Interlocked.Increment(ref started); return "done"; }, "api_call");
        ParallelToolExecutor Instance(StackExchange.Redis.IConnectionMultiplexer connection) => new(new ParallelInvocationOptions()
            .AddRedisRateLimitedGroup(group, connection, permits: 2, period: TimeSpan.FromMinutes(1))
            .Declare("api_call", FunctionEffects.Pure.InConcurrencyGroup(group)));
        using var cts = new CancellationTokenSource();
        var runs = new[] { Instance(redis.InstanceA), Instance(redis.InstanceB) }
            .Select((executor, n) => executor.ExecuteAsync([Call($"i{n}a", tool), Call($"i{n}b", tool)], cts.Token))
            .ToArray();

        // Two tokens a minute between both instances: two calls run, the other two are told to come back and wait.
        await Eventually(() => Volatile.Read(ref started) == 2 && waits.Now == 2);
        cts.Cancel();
        var calls = (await Task.WhenAll(runs).WaitAsync(SafetyNet)).SelectMany(r => r.Calls).ToList();

        Assert.Equal(2, calls.Count(c => c.Status == ToolCallStatus.Succeeded));
        var waited = calls.Where(c => c.Status != ToolCallStatus.Succeeded).ToList();
        Assert.Equal(2, waited.Count);
        Assert.All(waited, c => Assert.Equal(ToolCallStatus.Cancelled, c.Status));
        Assert.All(waited, c => Assert.Equal(0, c.Attempts));
        Assert.Equal(2, Volatile.Read(ref started));
    }

    [Fact]
    public void RedisGroup_SameNameWithAnotherLimitInOneProcess_ConfigurationError()
    {
        string group = UniqueGroup();
        _ = new ParallelInvocationOptions().AddRedisConcurrencyGroup(group, redis.InstanceA, 2);

        var error = Assert.Throws<ParallelInvocationConfigurationException>(() => new ParallelInvocationOptions().AddRedisConcurrencyGroup(group, redis.InstanceA, 4));

        Assert.Contains("already has it with the limit 2 at once", Assert.Single(error.Errors), StringComparison.Ordinal);
    }
}
