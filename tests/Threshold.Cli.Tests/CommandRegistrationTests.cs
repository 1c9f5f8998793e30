namespace Threshold.Cli.Tests;

/// <summary>
/// A run registers only the command its first word names (start-up, docs/performance.md §Third round); help, a bare
/// command word of a branch and an unknown word must still see every command, as before.
/// </summary>
public sealed class CommandRegistrationTests
{
    private static readonly string[] TopLevel =
        ["replay", "explain", "screen", "returns", "cases", "store", "db", "audit", "determinations", "simulate", "serve", "keys", "policies", "data"];

    [Fact]
    public void TheRootHelp_ListsEveryTopLevelCommand()
    {
        var help = Cli.Run("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        var commands = help.Stdout[help.Stdout.IndexOf("COMMANDS:", StringComparison.Ordinal)..];
        foreach (var name in TopLevel)
        {
            Assert.Matches($@"(?m)^\s+{name}\s", commands);
        }
    }

    [Theory]
    [InlineData("returns", "report arrangements adopt-arrangements")]
    [InlineData("store", "import export history monthly import-monthly")]
    [InlineData("determinations", "record list diff")]
    public void ABranchOnItsOwn_StillHasEverySubcommand(string branch, string subcommands)
    {
        var help = Cli.Run(branch, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains($"threshold {branch} [OPTIONS] <COMMAND>", help.Stdout, StringComparison.Ordinal);
        foreach (var name in subcommands.Split(' '))
        {
            Assert.Matches($@"(?m)^\s+{name}\s", help.Stdout);
        }
    }

    [Fact]
    public void ACommandsOwnHelp_GivesItsUsage()
    {
        var help = Cli.Run("policies", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("threshold policies [ID|FILE] [OPTIONS]", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--format", help.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AMisspelledCommand_IsUnknown_WithExitTwo_AndNoOutput()
    {
        var r = Cli.Run("polices");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("Unknown command 'polices'", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }
}
