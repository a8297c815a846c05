using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Tests;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.Anthropic;

/// <summary>
/// A local stand-in for the Anthropic Messages API on 127.0.0.1: it answers each POST /v1/messages with the next scripted assistant
/// message, as JSON or (when the request asks to stream) as server-sent events in the real wire format, and records every request.
/// </summary>
public sealed class MessagesApiEmulator : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<JsonNode, Reply>> _script = new();
    private readonly LoopbackHttpServer _server;
    private int _messageCount;

    public MessagesApiEmulator() => _server = new LoopbackHttpServer(ServeAsync);

    public string BaseUrl => _server.BaseUrl;

    /// <summary>Gets the request bodies received, in order.</summary>
    public List<JsonNode> Requests { get; } = [];

    /// <summary>Gets the failures of assertions made on requests inside the emulator (a failing check answers 400 and lands here).</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public MessagesApiEmulator Then(Func<JsonNode, Reply> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public MessagesApiEmulator Then(Reply reply) => Then(_ => reply);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            await HandleAsync(context);
        }
        catch (Exception ex)
        {
            Failures.Enqueue("emulator: " + ex);
            TryRespond(context, 500, """{"type":"error","error":{"type":"api_error","message":"emulator failure"}}""");
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
        lock (Requests)
        {
            Requests.Add(body);
        }

        if (!context.Request.Url!.AbsolutePath.EndsWith("/v1/messages", StringComparison.Ordinal) || !_script.TryDequeue(out var step))
        {
            Failures.Enqueue($"unexpected request #{Requests.Count} to {context.Request.Url}");
            TryRespond(context, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"not scripted"}}""");
            return;
        }

        Reply reply;
        try
        {
            reply = step(body);
        }
        catch (Exception ex)
        {
            // A failed check on what the client sent: record it and answer like the real API answers a bad request.
            Failures.Enqueue(ex.Message);
            TryRespond(context, 400, new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = ex.Message } }.ToJsonString());
            return;
        }

        if (reply.Status != 200)
        {
            TryRespond(context, reply.Status, """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}""");
            return;
        }

        string id = $"msg_{Interlocked.Increment(ref _messageCount):D3}";
        string model = body["model"]?.GetValue<string>() ?? "claude-test";
        if (body["stream"]?.GetValue<bool>() == true)
        {
            await StreamAsync(context, reply, id, model);
        }
        else
        {
            TryRespond(context, 200, Message(reply, id, model, includeContent: true).ToJsonString());
        }
    }

    private static JsonObject Message(Reply reply, string id, string model, bool includeContent)
    {
        var content = new JsonArray();
        if (includeContent)
        {
            foreach (var block in reply.Blocks)
            {
                content.Add(block.ToJson());
            }
        }

        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = content,
            ["stop_reason"] = includeContent ? reply.StopReason : null,
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = reply.InputTokens, ["output_tokens"] = includeContent ? reply.OutputTokens : 1 },
        };
    }

    private static async Task StreamAsync(HttpListenerContext context, Reply reply, string id, string model)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        var output = response.OutputStream;

        async Task Send(string type, JsonObject data)
        {
            data["type"] = type;
            byte[] bytes = Encoding.UTF8.GetBytes($"event: {type}\ndata: {data.ToJsonString()}\n\n");
            await output.WriteAsync(bytes);
            await output.FlushAsync();
        }

        await Send("message_start", new JsonObject { ["message"] = Message(reply, id, model, includeContent: false) });
        for (int i = 0; i < reply.Blocks.Count; i++)
        {
            var block = reply.Blocks[i];
            await Send("content_block_start", new JsonObject { ["index"] = i, ["content_block"] = block.StartJson() });
            foreach (var delta in block.Deltas())
            {
                await Send("content_block_delta", new JsonObject { ["index"] = i, ["delta"] = delta });
            }

            await Send("content_block_stop", new JsonObject { ["index"] = i });
        }

        await Send("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = reply.StopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.OutputTokens },
        });
        await Send("message_stop", new JsonObject());
        response.Close();
    }

    private static void TryRespond(HttpListenerContext context, int status, string json)
    {
        try
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}

/// <summary>One scripted assistant message.</summary>
public sealed record Reply(IReadOnlyList<Block> Blocks, string StopReason, int Status = 200, int InputTokens = 10, int OutputTokens = 5)
{
    public static Reply Text(string text) => new([new TextBlock(text)], "end_turn");

    public static Reply ToolUse(params Block[] blocks) => new(blocks, "tool_use");

    public static Reply ServerError() => new([], "end_turn", Status: 500);
}

/// <summary>A content block of an assistant message.</summary>
public abstract record Block
{
    public abstract JsonObject ToJson();

    public abstract JsonObject StartJson();

    public abstract IEnumerable<JsonObject> Deltas();
}

public sealed record TextBlock(string Text) : Block
{
    public override JsonObject ToJson() => new() { ["type"] = "text", ["text"] = Text };

    public override JsonObject StartJson() => new() { ["type"] = "text", ["text"] = "" };

    public override IEnumerable<JsonObject> Deltas()
    {
        // Two deltas, as the real service splits text.
        int half = Text.Length / 2;
        yield return new JsonObject { ["type"] = "text_delta", ["text"] = Text[..half] };
        yield return new JsonObject { ["type"] = "text_delta", ["text"] = Text[half..] };
    }
}

public sealed record ToolUseBlock(string Id, string Name, string InputJson) : Block
{
    public override JsonObject ToJson() => new() { ["type"] = "tool_use", ["id"] = Id, ["name"] = Name, ["input"] = JsonNode.Parse(InputJson) };

    public override JsonObject StartJson() => new() { ["type"] = "tool_use", ["id"] = Id, ["name"] = Name, ["input"] = new JsonObject() };

    public override IEnumerable<JsonObject> Deltas()
    {
        // The input arrives as partial JSON in pieces (input_json_delta), the first one empty as the service sends it.
        int third = InputJson.Length / 3;
        yield return new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = "" };
        yield return new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = InputJson[..third] };
        yield return new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = InputJson[third..] };
    }
}
