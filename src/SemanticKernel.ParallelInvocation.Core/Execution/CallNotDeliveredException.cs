using System;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// Thrown by a host's invoker when the host turned out not to deliver a call it had handed to the engine (e.g. Semantic Kernel rejected
/// it before any filter saw it). The call ends as <see cref="ToolCallStatus.Rejected"/>, not failed: it never ran, so the calls ordered
/// after it are not skipped.
/// </summary>
internal sealed class CallNotDeliveredException(string message) : Exception(message);
