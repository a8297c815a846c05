namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// The diagnostic IDs of <see cref="System.Diagnostics.CodeAnalysis.ExperimentalAttribute"/> on APIs that may still change
/// (docs/experimental.md lists what each covers). The other packages of the repository use them through InternalsVisibleTo, so all packages share one set of IDs.
/// </summary>
internal static class Experiments
{
    /// <summary>The engine used directly: <c>ParallelToolExecutor</c>, <c>ToolCallBatch</c>, <c>ToolCallRequest</c>.</summary>
    public const string Engine = "PSK0001";

    /// <summary>Extension points of the declarations: effects providers and resource-key normalisers.</summary>
    public const string EffectsExtensions = "PSK0002";

    /// <summary>Declarations from MCP tool annotations.</summary>
    public const string Mcp = "PSK0003";

    /// <summary>The Semantic Kernel adapter's types beyond its registration and function-choice helpers.</summary>
    public const string SemanticKernelAdapter = "PSK0004";

    /// <summary>Telemetry names (they follow OpenTelemetry's GenAI conventions, which are still in development).</summary>
    public const string Telemetry = "PSK0005";

    /// <summary>Plan mode: the plan tool, its options and its Semantic Kernel registration.</summary>
    public const string PlanMode = "PSK0006";

    /// <summary>Concurrency groups backed by a <c>RateLimiter</c> of the caller's, and the Redis-backed groups built on them.</summary>
    public const string LimiterGroups = "PSK0007";

    /// <summary>
    /// The address of each ID's documentation, <c>{0}</c> standing for the ID; <see langword="null"/> until the repository has a
    /// public address (then: its docs/experimental.md, with <c>#{0}</c> as the anchor).
    /// </summary>
    public const string? UrlFormat = null;
}
