using System;
using System.Threading;
using ParallelSK.Demo;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
Console.OutputEncoding = System.Text.Encoding.UTF8;
return await DemoApp.RunAsync(args, Console.Out, Console.Error, !Console.IsErrorRedirected, Environment.GetEnvironmentVariable, cancellation.Token);
