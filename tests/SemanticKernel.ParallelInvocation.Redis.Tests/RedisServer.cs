using System;
using System.Threading.Tasks;
using StackExchange.Redis;
using Xunit;

namespace SemanticKernel.ParallelInvocation.Redis.Tests;

/// <summary>
/// The real redis-server the tests talk to, on loopback: <c>test.sh</c> starts it on a free port and passes its address in
/// <see cref="AddressVariable"/>. Two connections stand for two app instances.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string AddressVariable = "PARALLELSK_REDIS";

    public IConnectionMultiplexer InstanceA { get; private set; } = null!;

    public IConnectionMultiplexer InstanceB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        string address = Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } a
            ? a
            : throw new InvalidOperationException($"{AddressVariable} is not set: run ./test.sh, which starts redis-server on loopback, or set it to the host:port of a Redis server on this machine.");
        InstanceA = await ConnectionMultiplexer.ConnectAsync(address);
        InstanceB = await ConnectionMultiplexer.ConnectAsync(address);
    }

    public async Task DisposeAsync()
    {
        await InstanceA.DisposeAsync();
        await InstanceB.DisposeAsync();
    }
}
