using System;
using System.IO;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Effects.KeyBinding;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary><see cref="ResourceKeyNormalizers.FilePath"/>: the key of the file the operating system would open.</summary>
public sealed class FilePathKeyTests
{
    private static readonly AIFunction Write = AIFunctionFactory.Create((string path) => path, "write");

    private static string PathKey(string path, string template = "fs:{path}", string? home = null, bool ignoreCase = false)
    {
        var options = new ParallelInvocationOptions();
        options.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath("/root", ignoreCase, home);
        return Key(Write, template, "path", System.Text.Json.JsonSerializer.Serialize(path), options);
    }

    [Theory]
    [InlineData("b.txt", "fs:/root/b.txt")]
    [InlineData("./a/../b.txt", "fs:/root/b.txt")]
    [InlineData("/root/b.txt", "fs:/root/b.txt")]
    [InlineData("notes/", "fs:/root/notes")]
    [InlineData("notes//c.txt", "fs:/root/notes/c.txt")]
    [InlineData("", "fs:/root")]
    [InlineData(".", "fs:/root")]
    public void FilePath_AliasesOfOneFile_OneKey(string path, string expected) => Assert.Equal(expected, PathKey(path));

    [Theory]
    [InlineData(" a.txt", "fs:/root/ a.txt")]
    [InlineData("a.txt ", "fs:/root/a.txt ")]
    [InlineData("   ", "fs:/root/   ")]
    [InlineData("./ a.txt", "fs:/root/ a.txt")]
    public void FilePath_Whitespace_IsPartOfTheName(string path, string expected) => Assert.Equal(expected, PathKey(path));

    [Fact]
    public void FilePath_Tilde_OnlyWhenAskedAndOnlyAsTheServerExpandsIt()
    {
        Assert.Equal("fs:/root/~t.txt", PathKey("~t.txt", home: "/home/u"));
        Assert.Equal("fs:/root/~/t.txt", PathKey("~/t.txt"));
        Assert.Equal("fs:/home/u/t.txt", PathKey("~/t.txt", home: "/home/u/"));
        Assert.Equal("fs:/home/u", PathKey("~", home: "/home/u"));
        Assert.Equal("fs:/root/~user/t.txt", PathKey("~user/t.txt", home: "/home/u"));
    }

    [Fact]
    public void FilePath_UnicodeNormalForms_OneKey() =>
        Assert.Equal(PathKey("caf\u00e9.txt"), PathKey("cafe\u0301.txt"));

    [Fact]
    public void FilePath_AbsoluteValueUnderATemplatePrefix_ResolvedAsPathCombineWould()
    {
        string expected = "fs:" + Path.GetFullPath(Path.Combine("/srv/data/", "/etc/passwd"));
        Assert.Equal(expected, PathKey("/etc/passwd", "fs:/srv/data/{path}"));
        Assert.Equal("fs:/srv/data/x.txt", PathKey("x.txt", "fs:/srv/data/{path}"));
        Assert.Equal("fs:/srv/x.txt", PathKey("../x.txt", "fs:/srv/data/{path}"));
    }

    [Fact]
    public void FilePath_Case_PerOption()
    {
        Assert.NotEqual(PathKey("A.txt"), PathKey("a.txt"));
        Assert.Equal(PathKey("A.txt", ignoreCase: true), PathKey("a.txt", ignoreCase: true));
    }

    [Fact]
    public void FilePath_BackslashOnUnix_IsPartOfTheName()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal(PathKey("a/b.txt"), PathKey("a\\b.txt"));
        }
        else
        {
            Assert.Equal("fs:/root/a\\b.txt", PathKey("a\\b.txt"));
        }
    }

    [Fact]
    public void FilePath_NulCharacter_OverlapsEveryPath() => Assert.Equal("fs:", PathKey("a\0b"));

    [Fact]
    public void FilePath_UsedDirectly_NormalisesOnePath() =>
        Assert.Equal("/root/b.txt", ResourceKeyNormalizers.FilePath("/root", ignoreCase: false)("./a/../b.txt"));
}
