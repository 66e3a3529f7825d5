import Foundation

/// The resource URLs this server answers as, one per MCP path, and where each one's metadata is.
///
/// The configured resource names the primary path (`https://mcp.example.com/mcp`); CloverDX's own
/// path `/clover/mcp/mcp` is the same server under another URL, and RFC 9728 §3.3 wants the
/// metadata's `resource` to equal the URL the client used, so each path gets its own.
public struct ResourceIdentity: Sendable {
    /// Resource URL by MCP path.
    public let resources: [String: String]
    public let primary: String
    let origin: String

    /// - Parameters:
    ///   - resource: the configured canonical URL of the primary path.
    ///   - paths: the MCP paths served, the primary first.
    public init(resource: String, paths: [String]) {
        primary = resource
        let url = URL(string: resource)
        let origin = url.flatMap { url in url.scheme.flatMap { scheme in url.host.map { "\(scheme)://\($0)" + (url.port.map { ":\($0)" } ?? "") } } } ?? resource
        self.origin = origin
        let resourcePath = url?.path ?? ""
        var resources: [String: String] = [:]
        if let first = paths.first {
            resources[first] = resource
            // Behind a proxy the public path may carry a prefix (`/cdx/mcp` for our `/mcp`); keep it for the other paths.
            let prefix = resourcePath.hasSuffix(first) ? String(resourcePath.dropLast(first.count)) : nil
            for path in paths.dropFirst() {
                resources[path] = prefix.map { origin + $0 + path } ?? resource
            }
        }
        self.resources = resources
    }

    /// The resource a request to `path` is for.
    public func resource(forPath path: String) -> String { resources[path] ?? primary }

    /// RFC 9728 §3.1: the well-known URL with the resource's path appended.
    public func metadataURL(forResource resource: String) -> String {
        let path = URL(string: resource)?.path ?? ""
        return origin + "/.well-known/oauth-protected-resource" + (path == "/" ? "" : path)
    }

    /// The resource whose metadata lives at `wellKnownPath` (`/.well-known/oauth-protected-resource/mcp`),
    /// or the primary one for the root form.
    public func resource(forMetadataPath wellKnownPath: String) -> String? {
        let suffix = String(wellKnownPath.dropFirst("/.well-known/oauth-protected-resource".count))
        if suffix.isEmpty || suffix == "/" { return primary }
        return Set(resources.values).first { (URL(string: $0)?.path ?? "") == suffix }
    }

    /// Every `aud` value that means this server: each resource URL and the origin.
    public var audiences: Set<String> { Set(resources.values).union([origin, primary]) }
}
