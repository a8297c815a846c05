using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// Turns a notebook's C# cells, in order, into one .NET 10 file-based program (<c>dotnet run app.cs</c>) that behaves as running the
/// cells one after another in .NET Interactive:
/// <list type="bullet">
/// <item><c>#r "nuget: Name, Version"</c> becomes <c>#:project</c> on the repository's own project of that name, or <c>#:package Name@Version</c>;</item>
/// <item><c>#i</c> (package sources) and <c>#!</c> magic commands are dropped;</item>
/// <item>each cell is parsed as C# script: its <c>using</c> directives and <c>#pragma warning</c> lines go to the top, its type
/// declarations to the end (after the top-level statements, where C# wants them), everything else stays in order as top-level statements,
/// and a cell's trailing expression (which .NET Interactive displays) becomes <c>display(expression);</c>;</item>
/// <item>the program gets .NET Interactive's default imports instead of the SDK's implicit usings;</item>
/// <item><c>display(...)</c>, <c>.Display()</c> and <c>HTML(...)</c> come from a small shim appended to the program, which prints what
/// the notebook would show.</item>
/// </list>
/// </summary>
public static partial class NotebookProgram
{
    /// <summary>The shim standing in for .NET Interactive's display helpers.</summary>
    public const string Shim = """

        /// <summary>Stands in for .NET Interactive's display helpers when a notebook runs as a program.</summary>
        static class NotebookShim
        {
            public static object? display(object? value, params string[] mimeTypes)
            {
                System.Console.WriteLine(Render(value));
                return value;
            }

            public static T Display<T>(this T value, params string[] mimeTypes)
            {
                System.Console.WriteLine(Render(value));
                return value;
            }

            public static NotebookHtml HTML(string html) => new(html);

            private static string Render(object? value) => value switch
            {
                null => "<null>",
                string s => s,
                NotebookHtml h => $"[html, {h.Html.Length} characters]",
                System.Collections.IEnumerable e => string.Join(System.Environment.NewLine, System.Linq.Enumerable.Cast<object?>(e).Select(x => x?.ToString())),
                _ => value.ToString() ?? "",
            };
        }

        sealed record NotebookHtml(string Html);

        """;

    /// <summary>The namespaces .NET Interactive's C# kernel imports into every notebook.</summary>
    public static readonly string[] DefaultImports = ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    /// <summary>Builds the program. Project references point into <paramref name="repoRoot"/>.</summary>
    /// <exception cref="InvalidOperationException">A cell uses something the conversion does not support; the message says which.</exception>
    public static string Generate(Notebook notebook, string repoRoot)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var directives = new List<string>();
        var usings = new List<string>();
        var pragmas = new List<string>();
        var statements = new StringBuilder();
        var types = new StringBuilder();
        int index = 0;
        foreach (var cell in notebook.CodeCells)
        {
            index++;
            var code = new StringBuilder();
            foreach (string line in cell.Source.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith("#r ", StringComparison.Ordinal))
                {
                    directives.Add(Reference(trimmed, repoRoot, index));
                    code.AppendLine();
                }
                else if (trimmed.StartsWith("#i ", StringComparison.Ordinal) || trimmed.StartsWith("#!", StringComparison.Ordinal))
                {
                    code.AppendLine();
                }
                else if (trimmed.StartsWith("#pragma warning", StringComparison.Ordinal))
                {
                    pragmas.Add(trimmed);
                    code.AppendLine();
                }
                else
                {
                    code.AppendLine(line.TrimEnd('\r'));
                }
            }

            SplitCell(code.ToString(), index, usings, statements, types);
        }

        var program = new StringBuilder();
        foreach (string directive in directives.Distinct())
        {
            program.AppendLine(directive);
        }

        // A file-based program is published native by default; notebooks are not. Its implicit usings are replaced by the imports
        // .NET Interactive's C# kernel gives every notebook, so a cell that forgets a using fails here as it would in the notebook.
        program.AppendLine("#:property PublishAot=false");
        program.AppendLine("#:property ImplicitUsings=disable");
        foreach (string pragma in pragmas.Distinct())
        {
            program.AppendLine(pragma);
        }

        foreach (string u in DefaultImports.Select(n => $"using {n};").Concat(usings).Distinct())
        {
            program.AppendLine(u);
        }

        program.AppendLine("using static NotebookShim;");
        program.Append(statements);
        program.Append(types);
        program.Append(Shim);
        return program.ToString();
    }

    private static string Reference(string line, string repoRoot, int cell)
    {
        var match = NuGetReference().Match(line);
        if (!match.Success)
        {
            throw new InvalidOperationException($"cell {cell}: only '#r \"nuget: Name, Version\"' references are supported, not: {line}");
        }

        string name = match.Groups["name"].Value.Trim();
        string project = Path.Combine(repoRoot, "src", name, name + ".csproj");
        if (File.Exists(project))
        {
            return $"#:project {project}";
        }

        string version = match.Groups["version"].Value.Trim();
        if (version.Length == 0)
        {
            throw new InvalidOperationException($"cell {cell}: pin a version in {line}, so readers get what the tests ran");
        }

        return $"#:package {name}@{version}";
    }

    private static void SplitCell(string code, int cell, List<string> usings, StringBuilder statements, StringBuilder types)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Preview, kind: SourceCodeKind.Script));
        var errors = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"cell {cell} does not parse as C# script:\n{string.Join("\n", errors)}\n{code}");
        }

        var root = (CompilationUnitSyntax)tree.GetRoot();
        if (root.Externs.Count > 0 || root.AttributeLists.Count > 0)
        {
            throw new InvalidOperationException($"cell {cell}: extern aliases and assembly attributes are not supported");
        }

        foreach (var u in root.Usings)
        {
            usings.Add(u.WithoutTrivia().ToFullString());
        }

        statements.AppendLine($"// ---- cell {cell} ----");
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    types.AppendLine($"// ---- type from cell {cell} ----");
                    types.AppendLine(member.ToFullString().Trim('\r', '\n'));
                    break;
                case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } expression }:
                    // .NET Interactive displays a cell's trailing expression.
                    statements.AppendLine($"display({expression.Expression.ToFullString().Trim()});");
                    break;
                case GlobalStatementSyntax or FieldDeclarationSyntax or MethodDeclarationSyntax:
                    // Script variables become locals and script methods local functions: the same text in a top-level program.
                    statements.AppendLine(member.ToFullString().Trim('\r', '\n'));
                    break;
                default:
                    throw new InvalidOperationException($"cell {cell}: a top-level {member.Kind()} is not supported:\n{member}");
            }
        }
    }

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<name>[^,"]+)(,\s*(?<version>[^"]*))?"\s*$""")]
    private static partial Regex NuGetReference();
}
