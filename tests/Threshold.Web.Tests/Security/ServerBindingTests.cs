using Threshold.Web.Hosting;

namespace Threshold.Web.Tests.Security;

/// <summary>Anonymous reads depend on every bound address being loopback; wildcards and real interfaces are not.</summary>
public sealed class ServerBindingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5081", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://192.168.1.10:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:80", false)]
    [InlineData("not a url", false)]
    public void Binding_IsLoopbackOnly_OnlyWhenEveryAddressIsLoopback(string urls, bool loopbackOnly) =>
        Assert.Equal(loopbackOnly, new ServerBinding(urls).IsLoopbackOnly);
}
