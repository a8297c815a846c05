using Microsoft.Extensions.Logging;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Log messages of the Semantic Kernel adapter.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Warning, "Parallel tool calls with Semantic Kernel: {Diagnostic}")]
    public static partial void Diagnostic(ILogger logger, string diagnostic);
}
