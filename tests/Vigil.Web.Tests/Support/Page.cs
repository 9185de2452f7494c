using System.Net;

namespace Vigil.Web.Tests.Support;

/// <summary>A response as a browser receives it, read once: status, media type and body as text.</summary>
public sealed record Page(HttpStatusCode Status, string? MediaType, string Body);
