using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>Sends requests for absolute service URIs (e.g. https://generativelanguage.googleapis.com) to the local server instead.</summary>
internal sealed class RedirectHandler(int port) : DelegatingHandler(new HttpClientHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = "http", Host = "127.0.0.1", Port = port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
