using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelContextProtocol.Client;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>
/// One real <c>@modelcontextprotocol/server-filesystem</c> process (pinned in tests/mcp-server, installed by test.sh with npm ci) over
/// stdio, allowed to touch one fresh temporary directory, which is also the server's home directory (so <c>~/</c> paths land in it);
/// tests work in their own subdirectories of it. Shared by every test class of the collection.
/// </summary>
public sealed class FilesystemServerFixture : IAsyncLifetime
{
    private const string EntryPoint = "tests/mcp-server/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js";

    public string Root { get; } = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "parallelsk-mcp-" + Guid.NewGuid().ToString("N")));

    public McpClient Client { get; private set; } = null!;

    public IReadOnlyList<McpClientTool> Tools { get; private set; } = [];

    public McpClientTool Tool(string name) => Tools.Single(t => t.Name == name);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "filesystem",
            Command = "node",
            Arguments = [FindEntryPoint(), Root],
            WorkingDirectory = Root,
            EnvironmentVariables = new Dictionary<string, string?> { ["HOME"] = Root },
        });
        Client = await McpClient.CreateAsync(transport);
        Tools = [.. await Client.ListToolsAsync()];
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindEntryPoint()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, EntryPoint);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{EntryPoint} was not found above {AppContext.BaseDirectory}: run ./test.sh (it runs npm ci --prefix tests/mcp-server).");
    }
}

/// <summary>The test classes that share one filesystem server process.</summary>
[CollectionDefinition(Name)]
public sealed class FilesystemServerCollection : ICollectionFixture<FilesystemServerFixture>
{
    public const string Name = "filesystem server";
}
