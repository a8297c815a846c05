using System;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SemanticKernel.ParallelInvocation.Tests;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void AsParallelFunctionInvoking_Configure_ReachesTheOptions()
    {
        using var client = new ScriptedChatClient().AsParallelFunctionInvoking(o => o.MaxDegreeOfParallelism = 3);

        Assert.Equal(3, client.Options.MaxDegreeOfParallelism);
    }

    [Fact]
    public void AsParallelFunctionInvoking_InvalidOptions_ThrowsConfigurationError()
    {
        Assert.Throws<ParallelInvocationConfigurationException>(() =>
            new ScriptedChatClient().AsParallelFunctionInvoking(o => o.Declare("f", FunctionEffects.Reading("x").InConcurrencyGroup("missing"))));
    }

    [Fact]
    public async Task UseParallelFunctionInvocation_AddChatClient_ResolvesServicesAndLoggerFromTheContainer()
    {
        IServiceProvider? seen = null;
        var probe = AIFunctionFactory.Create((AIFunctionArguments args) => { seen = args.Services; return "ok"; }, "probe");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "probe"))).Then(Text("done"));
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        var marker = new Marker();
        services.AddSingleton(marker);
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddChatClient(model).UseParallelFunctionInvocation(o => o.MaxDegreeOfParallelism = 2, configure: c => c.MaximumIterationsPerRequest = 5);
        using var provider = services.BuildServiceProvider();

        var client = Assert.IsType<ParallelFunctionInvokingChatClient>(provider.GetRequiredService<IChatClient>());
        var response = await client.GetResponseAsync(Ask, With(probe));

        Assert.Equal(2, client.Options.MaxDegreeOfParallelism);
        Assert.Equal(5, client.MaximumIterationsPerRequest);
        Assert.Same(model, client.GetService<ScriptedChatClient>());
        Assert.Same(marker, seen?.GetService<Marker>());
        Assert.Contains(logs.Messages, m => m.Text.Contains("asked for 1 tool calls", StringComparison.Ordinal));
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public void UseParallelFunctionInvocation_NoArguments_BuildsAClientWithDefaultOptionsAndTheGivenLoggerFactory()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        ParallelFunctionInvokingChatClient? configured = null;

        using var client = new ScriptedChatClient().AsBuilder().UseParallelFunctionInvocation(factory, c => configured = c).Build();

        Assert.Same(client, configured);
        Assert.Equal(UndeclaredFunctionPolicy.Exclusive, configured!.Options.UndeclaredFunctions);
    }

    [Fact]
    public void UseParallelFunctionInvocation_InvalidOptions_ThrowsWhereThePipelineIsDeclaredListingEveryProblem()
    {
        var builder = new ServiceCollection().AddChatClient(new ScriptedChatClient());

        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => builder.UseParallelFunctionInvocation(o => o
            .Declare("a", FunctionEffects.Reading("orders/{id"))
            .Declare("b", FunctionEffects.Pure.InConcurrencyGroup("unlimited"))));

        Assert.Equal(2, ex.Errors.Count);
    }

    [Fact]
    public void UseParallelFunctionInvocation_ScopedRegistration_BuildsOneClientPerScope()
    {
        var services = new ServiceCollection();
        services.AddChatClient(_ => new ScriptedChatClient(), ServiceLifetime.Scoped).UseParallelFunctionInvocation();
        using var provider = services.BuildServiceProvider();
        using var first = provider.CreateScope();
        using var second = provider.CreateScope();

        var a = Assert.IsType<ParallelFunctionInvokingChatClient>(first.ServiceProvider.GetRequiredService<IChatClient>());
        var b = Assert.IsType<ParallelFunctionInvokingChatClient>(second.ServiceProvider.GetRequiredService<IChatClient>());

        Assert.NotSame(a, b);
        Assert.Same(a, first.ServiceProvider.GetRequiredService<IChatClient>());
    }

    private sealed class Marker;
}
