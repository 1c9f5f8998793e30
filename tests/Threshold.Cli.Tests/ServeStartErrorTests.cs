using System.Net;
using System.Net.Sockets;

namespace Threshold.Cli.Tests;

/// <summary>Issue 17: <c>serve</c> on a taken or malformed address answers in one line (exit 2), never a stack trace.</summary>
public sealed class ServeStartErrorTests(TempFolder temp) : IClassFixture<TempFolder>
{
    [Fact]
    public void Serve_OnAPortAnotherProgramHolds_ExitsTwoNamingTheAddressAndHowToChooseAnother()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";
        var r = Cli.Run("serve", "--urls", url, "--data-dir", temp.PathOf("store"));
        CliAssert.BadInput(r, $"--urls {url}", "already in use", "--urls http://127.0.0.1:");
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("not a url")]
    public void Serve_WithAnAddressThatIsNotHttp_ExitsTwoNamingIt(string url)
    {
        CliAssert.BadInput(Cli.Run("serve", "--urls", url, "--data-dir", temp.PathOf("store")), $"--urls {url}", "not an http");
    }
}
