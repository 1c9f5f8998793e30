using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Threshold.Engine;
using Threshold.Web.Apis;

namespace Threshold.Cli.Commands;

/// <summary>
/// Serialisation metadata for <c>policies --format json</c>, generated at build time: reflection over the document's
/// types cost about 50 ms of every start (docs/performance.md). The options are <see cref="ReplayReport.JsonOptions"/>,
/// so the text is the same as GET /api/v1/policies.
/// </summary>
[JsonSerializable(typeof(PoliciesDocument))]
internal sealed partial class PoliciesJsonContext : JsonSerializerContext;

/// <summary>The <see cref="PoliciesDocument"/> serialiser with <see cref="ReplayReport.JsonOptions"/> and the generated metadata.</summary>
internal static class PoliciesJson
{
    // Not a member of the context: the generated half initialises Default, and static initialisers of two partial
    // files run in no guaranteed order.
    public static JsonTypeInfo<PoliciesDocument> Document { get; } =
        (JsonTypeInfo<PoliciesDocument>)new JsonSerializerOptions(ReplayReport.JsonOptions) { TypeInfoResolver = PoliciesJsonContext.Default }.GetTypeInfo(typeof(PoliciesDocument));
}
