using System.Buffers;

namespace Threshold.Web.Hosting;

/// <summary>
/// Reads request bodies up to a limit and refuses them with 413 the moment they pass it, without holding or spooling
/// the rest. Kestrel enforces the server-wide <see cref="ThresholdSettings.MaxRequestBodyBytes"/> too; this check also
/// holds for the smaller per-endpoint limits (one case, one scenario) and under any server.
/// </summary>
internal static class BodyLimit
{
    private const int ChunkBytes = 81_920;

    /// <summary>Copies the body into <paramref name="destination"/>, or throws 413 once more than <paramref name="maxBytes"/> arrive.</summary>
    public static async Task CopyAsync(HttpRequest request, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The server-wide limit, from the request's services.</summary>
    public static long ServerLimit(HttpRequest request) => request.HttpContext.RequestServices.GetRequiredService<ThresholdSettings>().MaxRequestBodyBytes;

    /// <summary>Answered as 413 ProblemDetails (<see cref="ProblemMapping"/> keeps the status of a <see cref="BadHttpRequestException"/>).</summary>
    private static BadHttpRequestException TooLarge(long maxBytes) =>
        new($"the request body is larger than this endpoint accepts ({maxBytes:N0} bytes)", StatusCodes.Status413PayloadTooLarge);
}
