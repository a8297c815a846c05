using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Tests;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>A model endpoint on 127.0.0.1 that answers each request with the next scripted response and records every request body.</summary>
internal sealed class LocalModelServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly LoopbackHttpServer _server;

    public LocalModelServer() => _server = new LoopbackHttpServer(AnswerAsync);

    public int Port => _server.Port;

    public Uri OpenAIEndpoint => new($"http://127.0.0.1:{Port}/v1");

    /// <summary>Every request received, in order: the path and query, and the body parsed as JSON.</summary>
    public List<(string PathAndQuery, JsonElement Body)> Requests { get; } = [];

    public LocalModelServer Then(string contentType, string body)
    {
        _script.Enqueue(new ScriptedResponse(contentType, body));
        return this;
    }

    public LocalModelServer ThenJson(string json) => Then("application/json", json);

    public LocalModelServer ThenSse(string sse) => Then("text/event-stream", sse);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        lock (Requests)
        {
            Requests.Add((context.Request.Url!.PathAndQuery, JsonDocument.Parse(body.Length == 0 ? "null" : body).RootElement.Clone()));
        }

        var response = context.Response;
        if (!_script.TryDequeue(out var next))
        {
            next = new ScriptedResponse("application/json", """{"error":{"message":"The test script has no more responses.","type":"test"}}""");
            response.StatusCode = 500;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(next.Body);
        response.ContentType = next.ContentType;
        response.ContentLength64 = bytes.Length;
        try
        {
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
        catch (HttpListenerException)
        {
            // The client went away (a cancelled request).
        }
    }

    private sealed record ScriptedResponse(string ContentType, string Body);
}
