namespace Threshold.Web.Hosting;

/// <summary>
/// A request body copied to a temporary file (deleted on dispose), so it can be read twice and synchronously by the
/// domain's readers without holding a large upload in memory.
/// </summary>
internal sealed class SpooledBody : IAsyncDisposable
{
    private readonly FileStream file;

    private SpooledBody(FileStream file) => this.file = file;

    public static async Task<SpooledBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var path = Path.GetTempFileName();
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            await BodyLimit.CopyAsync(request, file, BodyLimit.ServerLimit(request), cancellationToken).ConfigureAwait(false);
            return new SpooledBody(file);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The body from its first byte; the stream stays open for another pass.</summary>
    public Stream Rewind()
    {
        file.Position = 0;
        return new NonClosingStream(file);
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();

    /// <summary>Lets a reader dispose its stream without closing the spool file.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
