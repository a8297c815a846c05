using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Tests;

/// <summary>
/// An HTTP listener on a free port of 127.0.0.1 that hands each request to a handler, one at a time, until disposed. The test fakes
/// of model APIs (Anthropic, OpenAI, Gemini) are handlers over it.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        (_listener, Port) = Start();
        _loop = Task.Run(() => ServeAsync(handle));
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            // A safety net, not a timing claim: a handler still stuck in a request (a test that failed half-way) must fail the test
            // with a reason instead of hanging the whole run.
            await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException("The loopback server was disposed while a handler was still serving a request, 30 s later.", ex);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    /// <summary>Finds a free port and listens on it; another process can take the port between the probe and the start, so retry.</summary>
    private static (HttpListener, int) Start()
    {
        for (int attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    private async Task ServeAsync(Func<HttpListenerContext, Task> handle)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await handle(context);
        }
    }
}
