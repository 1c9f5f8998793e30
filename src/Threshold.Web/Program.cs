namespace Threshold.Web;

/// <summary>
/// Entry point of the web service when run on its own (<c>dotnet Threshold.Web.dll</c>); <c>./threshold serve</c>
/// builds the same application through <see cref="ThresholdWebApp"/>. Tests reach it through
/// <c>WebApplicationFactory&lt;Program&gt;</c>.
/// </summary>
public partial class Program
{
    /// <summary>Builds and runs the server until it is stopped.</summary>
    public static void Main(string[] args) => ThresholdWebApp.Build(args).Run();
}
