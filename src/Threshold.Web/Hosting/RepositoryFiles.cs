namespace Threshold.Web.Hosting;

/// <summary>
/// Finds the repository's bundled files (the modeled series, the real monthly data, the scenarios) by looking above
/// the working directory, the content root and the program's folder, so the server works from a checkout and from
/// its build output alike.
/// </summary>
internal static class RepositoryFiles
{
    /// <summary>The first existing file (or folder, with <paramref name="folder"/>) at <paramref name="relativePath"/> above any of <paramref name="starts"/>.</summary>
    public static string? Find(string relativePath, bool folder, params string[] starts)
    {
        foreach (var start in starts.Prepend(Environment.CurrentDirectory).Append(AppContext.BaseDirectory))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (folder ? Directory.Exists(candidate) : File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
