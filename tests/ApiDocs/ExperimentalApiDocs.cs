using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SemanticKernel.ParallelInvocation.Tests.ApiDocs;

/// <summary>
/// Checks an assembly's <see cref="ExperimentalAttribute"/> markers against docs/experimental.md, both ways: every marked public API
/// is named in the row of its ID, every type or member a row names (in this assembly) carries that row's ID, and nothing the
/// "Stable, not marked" paragraph names is marked.
/// </summary>
internal static partial class ExperimentalApiDocs
{
    public static IReadOnlyList<string> Problems(Assembly assembly)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "experimental.md"));
        var rows = Row().Matches(text).ToDictionary(m => m.Groups["id"].Value, m => m.Groups["apis"].Value, StringComparer.Ordinal);
        int stableAt = text.IndexOf("Stable, not marked", StringComparison.Ordinal);
        string stable = text[stableAt..text.IndexOf("\n\n", stableAt, StringComparison.Ordinal)];
        var problems = new List<string>();

        // Marked → documented.
        foreach (var (name, id, member) in Marked(assembly))
        {
            if (!rows.TryGetValue(id, out var apis))
            {
                problems.Add($"{name} is marked {id}, which docs/experimental.md has no row for");
            }
            else if (!Names(apis).Select(n => n.Split('(')[0]).Any(n => Mentions(n, name, member)))
            {
                problems.Add($"{name} is marked {id}, but the row of {id} does not name it");
            }
        }

        // Documented → marked, and stable → not marked.
        var types = assembly.GetExportedTypes().ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (id, apis) in rows)
        {
            foreach (var name in Names(apis).Where(n => !n.Contains('(', StringComparison.Ordinal)))
            {
                if (Resolve(types, name) is { } member && IdOf(member) != id)
                {
                    problems.Add($"docs/experimental.md lists {name} under {id}, but it is marked {IdOf(member) ?? "nothing"}");
                }
            }
        }

        foreach (var name in Names(stable).Where(n => !n.Contains('(', StringComparison.Ordinal)))
        {
            if (Resolve(types, name) is { } member && IdOf(member) is { } id)
            {
                problems.Add($"docs/experimental.md calls {name} stable, but it is marked {id}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Whether a name in the docs names the API: the same (<c>Type.Member</c> or a lone member name), a member of a marked type, or,
    /// for a marked type, one of its own members (an extension class is named by its methods).
    /// </summary>
    private static bool Mentions(string documented, string api, MemberInfo member)
    {
        string last = api.Split('.')[^1];
        if (documented == api || documented == last || documented.StartsWith(api + ".", StringComparison.Ordinal))
        {
            return true;
        }

        if (member is Type type)
        {
            return type.GetMember(documented.Split('.')[^1]).Length > 0
                && (!documented.Contains('.', StringComparison.Ordinal) || documented.StartsWith(type.Name + ".", StringComparison.Ordinal));
        }

        return documented.EndsWith("." + last, StringComparison.Ordinal) && documented.StartsWith(api.Split('.')[0] + ".", StringComparison.Ordinal);
    }

    private static IEnumerable<(string Name, string Id, MemberInfo Member)> Marked(Assembly assembly)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes())
        {
            if (IdOf(type) is { } typeId)
            {
                yield return (type.Name, typeId, type); // named itself, or by one of its members (an extension class by its methods)
            }

            foreach (var member in type.GetMembers(Declared))
            {
                if (member.GetCustomAttribute<ExperimentalAttribute>() is { } attribute)
                {
                    yield return ($"{type.Name}.{member.Name}", attribute.DiagnosticId, member);
                }
            }
        }
    }

    /// <summary>The ID an API carries: its own, or its declaring type's.</summary>
    private static string? IdOf(MemberInfo member) =>
        member.GetCustomAttribute<ExperimentalAttribute>()?.DiagnosticId
        ?? (member is Type ? null : member.DeclaringType?.GetCustomAttribute<ExperimentalAttribute>()?.DiagnosticId);

    private static MemberInfo? Resolve(Dictionary<string, Type> types, string name)
    {
        var parts = name.Split('.');
        if (!types.TryGetValue(parts[0], out var type))
        {
            return null;
        }

        return parts.Length == 1 ? type : type.GetMember(parts[1]).FirstOrDefault();
    }

    private static IEnumerable<string> Names(string text) => Code().Matches(text).Select(m => m.Groups[1].Value);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ParallelSK.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ParallelSK.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| <a id=""(?<id>PSK\d{4})""></a>`PSK\d{4}` \| (?<apis>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"`([A-Za-z][A-Za-z0-9_.]*(?:\([^`]*\))?)`")]
    private static partial Regex Code();
}

/// <summary>
/// docs/experimental.md and the [Experimental] markers agree, both ways, for every ParallelSK package this test project references
/// (compiled into each package's test project).
/// </summary>
public sealed class ExperimentalApiTests
{
    [Fact]
    public void ExperimentalMarkers_AgreeWithDocsExperimentalMd()
    {
        var packages = typeof(ExperimentalApiTests).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name is { } n && n.StartsWith("SemanticKernel.ParallelInvocation", StringComparison.Ordinal) && !n.EndsWith("Tests", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .ToList();

        Assert.NotEmpty(packages);
        Assert.Empty(packages.SelectMany(p => ExperimentalApiDocs.Problems(p).Select(problem => $"{p.GetName().Name}: {problem}")));
    }
}
