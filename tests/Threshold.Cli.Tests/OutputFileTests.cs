using Threshold.Cli.Commands;

namespace Threshold.Cli.Tests;

/// <summary>
/// Where output goes: ordinary files are written whole or not at all (a temporary file renamed into place), while
/// devices such as /dev/null are written into, never replaced. (Renaming over /dev/null once turned it into a
/// regular file on this machine.)
/// </summary>
public sealed class OutputFileTests
{
    [Theory]
    [InlineData("/dev/null", true)]
    [InlineData("/dev/stdout", true)]
    [InlineData("/proc/self/fd/1", true)]
    [InlineData("/dev/shm/threshold-output-test.jsonl", false)]
    [InlineData("/tmp/threshold-output-test.jsonl", false)]
    public void WritesInPlace_OnlyForDeviceEntries(string target, bool inPlace) =>
        Assert.Equal(inPlace, OutputFile.WritesInPlace(target));

    [Fact]
    public void WriteStream_ToDevNull_LeavesItADevice()
    {
        OutputFile.WriteStream("/dev/null", s => s.Write("discarded\n"u8));
        Assert.Equal(0, new FileInfo("/dev/null").Length); // a regular file would now hold 10 bytes
        Assert.Empty(Directory.GetFiles("/dev", ".null.*.tmp"));
    }
}
