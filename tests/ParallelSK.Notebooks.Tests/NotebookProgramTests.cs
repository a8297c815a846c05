using System;
using System.IO;

namespace ParallelSK.Notebooks.Tests;

/// <summary>The cell-to-program conversion on small notebooks written here.</summary>
public sealed class NotebookProgramTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "parallelsk-nbconv-" + Guid.NewGuid().ToString("N"));

    public NotebookProgramTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generate_CellsWithReferencesUsingsTypesAndATrailingExpression_GivesOneOrderedProgram()
    {
        var notebook = Write(
            """
            #i "nuget: /somewhere/artifacts/packages"
            #r "nuget: SemanticKernel.ParallelInvocation.Core, 0.1.0"
            #r "nuget: Anthropic, 13.12.0"
            using System.Text;
            var sb = new StringBuilder();
            """,
            """
            #pragma warning disable SKEXP0001
            using System.Linq;
            public sealed record Point(int X, int Y);
            int Twice(int x) => 2 * x;
            sb.Append(Twice(new Point(1, 2).X));
            sb.ToString()
            """);

        string program = NotebookProgram.Generate(notebook, NotebookRunner.RepoRoot);

        Assert.StartsWith("#:project " + Path.Combine(NotebookRunner.RepoRoot, "src", "SemanticKernel.ParallelInvocation.Core", "SemanticKernel.ParallelInvocation.Core.csproj") + "\n#:package Anthropic@13.12.0\n", program.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("#i", program, StringComparison.Ordinal);
        int pragma = program.IndexOf("#pragma warning disable SKEXP0001", StringComparison.Ordinal);
        int usingLinq = program.IndexOf("using System.Linq;", StringComparison.Ordinal);
        int firstStatement = program.IndexOf("var sb = new StringBuilder();", StringComparison.Ordinal);
        int localFunction = program.IndexOf("int Twice(int x)", StringComparison.Ordinal);
        int display = program.IndexOf("display(sb.ToString());", StringComparison.Ordinal);
        int record = program.IndexOf("public sealed record Point", StringComparison.Ordinal);
        Assert.True(pragma >= 0 && pragma < usingLinq && usingLinq < firstStatement && firstStatement < localFunction && localFunction < display && display < record, program);
    }

    [Fact]
    public void Generate_UnpinnedPackage_IsRefused()
    {
        var notebook = Write("#r \"nuget: Anthropic\"");

        var error = Assert.Throws<InvalidOperationException>(() => NotebookProgram.Generate(notebook, NotebookRunner.RepoRoot));
        Assert.Contains("pin a version", error.Message, StringComparison.Ordinal);
    }

    private Notebook Write(params string[] cells)
    {
        string json = System.Text.Json.JsonSerializer.Serialize(new
        {
            cells = Array.ConvertAll(cells, c => new { cell_type = "code", source = c, outputs = Array.Empty<object>(), execution_count = (int?)null }),
            metadata = new { },
            nbformat = 4,
            nbformat_minor = 5,
        });
        string path = Path.Combine(_dir, "test.ipynb");
        File.WriteAllText(path, json);
        return Notebook.Load(path);
    }
}
