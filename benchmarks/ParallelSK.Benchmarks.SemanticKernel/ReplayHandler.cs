using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelSK.Benchmarks.SemanticKernel;

/// <summary>
/// The in-process OpenAI endpoint: an <see cref="HttpMessageHandler"/> under the OpenAI client's transport that answers, in OpenAI's
/// chat.completions wire JSON, a conversation's first request with one assistant message holding <c>callCount</c> tool calls of
/// <c>function</c> and the follow-up (with the tool results) with a final text. Requests alternate, one conversation at a time
/// (the benchmark runs one request per operation, and a failed operation fails the benchmark); the body is not read, so that the
/// endpoint adds as little as it can to what is compared.
/// </summary>
internal sealed class ReplayHandler(int callCount, string function) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json") { CharSet = "utf-8" };
    private readonly byte[] _toolCalls = Encoding.UTF8.GetBytes(OpenAIWire.ToolCalls(callCount, function));
    private readonly byte[] _text = Encoding.UTF8.GetBytes(OpenAIWire.Text("All items found."));
    private long _requests;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool followUp = (Interlocked.Increment(ref _requests) & 1) == 0;
        var content = new ByteArrayContent(followUp ? _text : _toolCalls);
        content.Headers.ContentType = s_json;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
