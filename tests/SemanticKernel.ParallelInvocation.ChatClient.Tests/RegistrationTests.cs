using System;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task AddParallelFunctionInvokingChatClient_RegisteredClient_IsDecoratedAndFunctionsGetTheProvider()
    {
        IServiceProvider? seen = null;
        var probe = AIFunctionFactory.Create((AIFunctionArguments args) => { seen = args.Services; return "ok"; }, "probe");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "probe"))).Then(Text("done"));
        var services = new ServiceCollection();
        var marker = new Marker();
        services.AddSingleton(marker);
        services.AddSingleton<IChatClient>(model);
        services.AddParallelFunctionInvokingChatClient(o => o.MaxDegreeOfParallelism = 2, c => c.MaximumIterationsPerRequest = 5);
        using var provider = services.BuildServiceProvider();

        var client = Assert.IsType<ParallelFunctionInvokingChatClient>(provider.GetRequiredService<IChatClient>());
        var response = await client.GetResponseAsync(Ask, With(probe));

        Assert.Equal(2, client.Options.MaxDegreeOfParallelism);
        Assert.Equal(5, client.MaximumIterationsPerRequest);
        Assert.Same(model, client.GetService<ScriptedChatClient>());
        Assert.Same(marker, seen?.GetService<Marker>());
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public void AddParallelFunctionInvokingChatClient_FactoryRegistration_KeepsLifetimeAndDecorates()
    {
        var services = new ServiceCollection();
        services.AddScoped<IChatClient>(_ => new ScriptedChatClient());
        services.AddParallelFunctionInvokingChatClient();

        Assert.Equal(ServiceLifetime.Scoped, Assert.Single(services, d => d.ServiceType == typeof(IChatClient)).Lifetime);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        Assert.IsType<ParallelFunctionInvokingChatClient>(scope.ServiceProvider.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void AddParallelFunctionInvokingChatClient_NoChatClient_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddParallelFunctionInvokingChatClient());
    }

    [Fact]
    public void AddParallelFunctionInvokingChatClient_InvalidOptions_ThrowsAtRegistrationListingEveryProblem()
    {
        var services = new ServiceCollection().AddSingleton<IChatClient>(new ScriptedChatClient());
        var ex = Assert.Throws<ParallelInvocationConfigurationException>(() => services.AddParallelFunctionInvokingChatClient(o => o
            .Declare("a", FunctionEffects.Reading("orders/{id"))
            .Declare("b", FunctionEffects.Pure.InConcurrencyGroup("unlimited"))));
        Assert.Equal(2, ex.Errors.Count);
    }

    private sealed class Marker;
}
