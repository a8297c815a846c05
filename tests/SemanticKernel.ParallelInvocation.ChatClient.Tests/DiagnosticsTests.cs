using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary>Settings that silently stop the model from batching are named, once per request, in the first batch's report.</summary>
public sealed class DiagnosticsTests
{
    private static readonly AIFunction Echo = AIFunctionFactory.Create((string s) => s, "echo");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_AllowMultipleToolCallsUnset_IsSentAsTrue(bool streaming)
    {
        var model = new ScriptedChatClient().Then(Text("hi"));
        using var client = model.AsParallelFunctionInvoking();
        var options = With(Echo);

        await RunAsync(client, streaming, options);

        Assert.True(model.Requests[0].Options?.AllowMultipleToolCalls);
        Assert.Null(options.AllowMultipleToolCalls);
    }

    [Fact]
    public async Task GetResponse_AllowMultipleToolCallsByDefaultOff_LeavesItUnset()
    {
        var model = new ScriptedChatClient().Then(Text("hi"));
        using var client = model.AsParallelFunctionInvoking();
        client.AllowMultipleToolCallsByDefault = false;

        await client.GetResponseAsync(Ask, With(Echo));

        Assert.Null(model.Requests[0].Options?.AllowMultipleToolCalls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_AllowMultipleToolCallsFalse_IsKeptAndNamedOnce(bool streaming)
    {
        var reports = new List<BatchReport>();
        var options = With(Echo);
        options.AllowMultipleToolCalls = false;

        await RunTwoBatchesAsync(streaming, options, reports);

        Assert.False(reports.Count == 0);
        Assert.Contains("AllowMultipleToolCalls is false", Assert.Single(reports[0].Diagnostics));
        Assert.Empty(reports[1].Diagnostics);
    }

    [Fact]
    public async Task GetResponse_RequireSpecificFunction_IsNamed()
    {
        var reports = new List<BatchReport>();
        var options = With(Echo);
        options.ToolMode = ChatToolMode.RequireSpecific("echo");

        await RunTwoBatchesAsync(false, options, reports);

        Assert.Contains("requires the single function 'echo'", Assert.Single(reports[0].Diagnostics));
    }

    [Fact]
    public async Task GetResponse_StrictJsonSchemaResponseFormat_IsNamed()
    {
        var reports = new List<BatchReport>();
        var options = With(Echo);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement, "answer");
        options.AdditionalProperties = new() { ["strict"] = true };

        await RunTwoBatchesAsync(false, options, reports);

        Assert.Contains("JSON-schema response format is requested in strict mode", Assert.Single(reports[0].Diagnostics));
    }

    [Fact]
    public async Task GetResponse_StrictFunctionSchema_IsNamed()
    {
        var reports = new List<BatchReport>();
        var strictEcho = AIFunctionFactory.Create((string s) => s, new AIFunctionFactoryOptions { Name = "echo", AdditionalProperties = new Dictionary<string, object?> { ["strict"] = true } });

        await RunTwoBatchesAsync(false, With(strictEcho), reports);

        Assert.Contains("strict function schemas (echo)", Assert.Single(reports[0].Diagnostics));
    }

    [Fact]
    public async Task GetResponse_PlainOptions_NoDiagnostics()
    {
        var reports = new List<BatchReport>();

        await RunTwoBatchesAsync(false, With(Echo), reports);

        Assert.All(reports, r => Assert.Empty(r.Diagnostics));
    }

    [Fact]
    public async Task GetResponse_Diagnostic_IsLoggedOnce()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace));
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }))).Then(Calls(Call("c2", "echo", new { s = "y" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(loggerFactory: factory);
        var options = With(Echo);
        options.AllowMultipleToolCalls = false;

        await client.GetResponseAsync(Ask, options);

        Assert.Single(logs.Messages, m => m.Contains("AllowMultipleToolCalls is false", System.StringComparison.Ordinal));
    }

    private static async Task RunTwoBatchesAsync(bool streaming, ChatOptions options, List<BatchReport> reports)
    {
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }))).Then(Calls(Call("c2", "echo", new { s = "y" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.OnBatchCompleted = reports.Add);
        await RunAsync(client, streaming, options);
        Assert.Equal(2, reports.Count);
    }
}
