using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>Classification of the real filesystem server's tools from their annotations.</summary>
[Collection(FilesystemServerCollection.Name)]
public sealed class McpToolEffectsProviderTests(FilesystemServerFixture server)
{
    private readonly McpToolEffectsProvider _provider = new(new McpToolEffectsOptions().MapArguments("fs:", "path", "paths", "source", "destination"));

    [Theory]
    [InlineData("read_text_file", "fs:{*path}")]
    [InlineData("list_directory", "fs:{*path}")]
    [InlineData("directory_tree", "fs:{*path}")]
    [InlineData("read_multiple_files", "fs:{*paths}")]
    public void GetEffects_ReadOnlyHint_ReadsTheMappedArguments(string tool, string key)
    {
        var effects = _provider.GetEffects(server.Tool(tool));

        Assert.NotNull(effects);
        Assert.Equal([key], effects.ReadKeys);
        Assert.Empty(effects.WriteKeys);
    }

    [Fact]
    public void GetEffects_MoveFile_WritesSourceAndDestination()
    {
        var effects = _provider.GetEffects(server.Tool("move_file"))!;

        Assert.Equal(["fs:{*destination}", "fs:{*source}"], effects.WriteKeys.Order());
        Assert.False(effects.IsIdempotent);
    }

    [Fact]
    public void GetEffects_IdempotentHint_MarksIdempotent()
    {
        var effects = _provider.GetEffects(server.Tool("write_file"))!;

        Assert.Equal(["fs:{*path}"], effects.WriteKeys);
        Assert.True(effects.IsIdempotent);
    }

    [Fact]
    public void GetEffects_ReadOnlyToolWithoutMappedArguments_ReadsEverything()
    {
        var effects = _provider.GetEffects(server.Tool("list_allowed_directories"));

        Assert.Same(FunctionEffects.ReadOnly, effects);
    }

    [Fact]
    public void GetEffects_NoArgumentMapping_WriteToolRunsAlone()
    {
        var effects = new McpToolEffectsProvider().GetEffects(server.Tool("edit_file"))!;

        Assert.Equal([FunctionEffects.Everything], effects.WriteKeys);
    }

    [Fact]
    public void GetEffects_ToolWithoutAnnotations_IsLeftToTheDefaultPolicy()
    {
        var bare = new McpClientTool(server.Client, new Tool { Name = "bare", InputSchema = JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"}}}""").RootElement });

        Assert.Null(_provider.GetEffects(bare));
    }

    [Fact]
    public void GetEffects_IgnoredTool_IsLeftToTheDefaultPolicy()
    {
        var options = new McpToolEffectsOptions();
        options.IgnoredTools.Add("read_text_file");

        Assert.Null(new McpToolEffectsProvider(options).GetEffects(server.Tool("read_text_file")));
    }

    [Fact]
    public void GetEffects_NotAnMcpTool_ReturnsNull()
    {
        Assert.Null(_provider.GetEffects(AIFunctionFactory.Create((string path) => path, "local")));
    }

    [Fact]
    public void AddMcpToolAnnotations_AddsAProviderThatTheExecutorUses()
    {
        var options = new ParallelInvocationOptions().AddMcpToolAnnotations(m => m.MapArguments("fs:", "path"));

        Assert.IsType<McpToolEffectsProvider>(Assert.Single(options.EffectsProviders));
        options.Validate(server.Tools);
    }
}
