namespace Threshold.TestSupport;

/// <summary>
/// A read-only stream that yields <paramref name="prefix"/> and then <paramref name="length"/> bytes of
/// <paramref name="fill"/> with no newline, generated as they are read: a "10 GB line" for limit tests that costs no
/// memory or disk. <see cref="BytesRead"/> says how far a reader got before it refused the line.
/// </summary>
public sealed class EndlessLineStream(byte[] prefix, long length, byte fill = (byte)'x') : Stream
{
    private long position;

    public long BytesRead => position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = prefix.Length + length;
        var n = (int)Math.Min(buffer.Length, total - position);
        var fromPrefix = (int)Math.Clamp(prefix.Length - position, 0, n);
        if (fromPrefix > 0)
        {
            prefix.AsSpan((int)position, fromPrefix).CopyTo(buffer);
        }

        buffer[fromPrefix..n].Fill(fill);
        position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
