import Foundation

/// The host's configuration: CloverDX's own `clover.properties` keys plus ours under
/// `clover.mcp.sidecar.*`. Read in this order, later wins: the properties file, the environment,
/// command-line flags.
///
/// Environment names: `CLOVER_MCP_SIDECAR_HTTP_PORT` sets `clover.mcp.sidecar.http.port` (lowercase,
/// `_` becomes `.`), and, as in CloverDX's Docker image, a variable named `clover.<key>` sets `<key>`.
/// Values may use `${env:NAME}` placeholders.
public struct HostConfiguration: Sendable {
    public private(set) var values: [String: String]
    /// Where each key's value came from, for `doctor`-style explanations.
    public private(set) var sources: [String: String]

    public init(values: [String: String] = [:]) {
        self.values = values
        self.sources = values.mapValues { _ in "default" }
    }

    /// Why a configuration cannot be used.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String

        /// An error saying `description`, for modules that read their own keys.
        public init(description: String) { self.description = description }
    }

    /// Layers the sources. A properties file that is named but missing is an error; no file is fine.
    public static func load(propertiesFile: URL?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            overrides: [String: String] = [:]) throws -> HostConfiguration {
        var configuration = HostConfiguration()
        if let propertiesFile {
            // Java writes properties files in ISO-8859-1; CloverDX's own are usually UTF-8 (or ASCII).
            guard let text = (try? String(contentsOf: propertiesFile, encoding: .utf8))
                ?? (try? String(contentsOf: propertiesFile, encoding: .isoLatin1)) else {
                throw Invalid(description: "cannot read \(propertiesFile.path); pass --config with the path of clover.properties")
            }
            for (key, value) in JavaProperties.parse(text) {
                configuration.set(key, substitute(value, environment), source: propertiesFile.lastPathComponent)
            }
        }
        for (name, value) in environment {
            if name.hasPrefix("CLOVER_MCP_") {
                configuration.set(name.lowercased().replacingOccurrences(of: "_", with: "."), value, source: "environment \(name)")
            } else if name.hasPrefix("clover."), name.count > 7 {
                configuration.set(String(name.dropFirst(7)), value, source: "environment \(name)")
            }
        }
        for (key, value) in overrides {
            configuration.set(key, value, source: "command line")
        }
        return configuration
    }

    public mutating func set(_ key: String, _ value: String, source: String) {
        values[key] = value
        sources[key] = source
    }

    public subscript(key: String) -> String? { values[key] }

    /// A boolean key: `true`/`false` (any case); anything else is an error naming the key.
    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = values[key]?.trimmingCharacters(in: .whitespaces) else { return defaultValue }
        switch raw.lowercased() {
        case "true": return true
        case "false": return false
        default: throw Invalid(description: "\(key)=\(raw) (from \(sources[key] ?? "?")) must be true or false")
        }
    }

    /// An integer key within `range`.
    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let raw = values[key]?.trimmingCharacters(in: .whitespaces) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw Invalid(description: "\(key)=\(raw) (from \(sources[key] ?? "?")) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A comma-separated list key; blanks dropped.
    public func list(_ key: String) -> [String] {
        (values[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Replaces `${env:NAME}` with the variable's value (empty when unset), as CloverDX does.
    static func substitute(_ value: String, _ environment: [String: String]) -> String {
        guard value.contains("${env:") else { return value }
        var out = ""
        var rest = Substring(value)
        while let start = rest.range(of: "${env:") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            out += environment[String(rest[start.upperBound..<end])] ?? ""
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}

/// The configuration keys the host reads, with their defaults; the README's table lists them.
public enum ConfigKey {
    /// CloverDX's master switch for MCP.
    public static let enabled = "clover.mcp.enabled"
    public static let anonymousAccess = "clover.mcp.anonymous.access.enabled"
    /// `HOST:PORT` the HTTP transport binds (default 127.0.0.1:8765).
    public static let httpListen = "clover.mcp.sidecar.http.listen"
    /// The MCP endpoint path (default /mcp; /clover/mcp/mcp is always answered too).
    public static let httpPath = "clover.mcp.sidecar.http.path"
    /// Largest request body accepted, bytes.
    public static let maxBodyBytes = "clover.mcp.sidecar.http.max.body.bytes"
    /// Comma list of browser origins allowed to call the endpoint.
    public static let allowedOrigins = "clover.mcp.sidecar.http.allowed.origins"
    /// Per-call plugin timeout, milliseconds.
    public static let pluginTimeoutMs = "clover.mcp.sidecar.plugin.timeout.ms"
    /// Items per page in tools/list and the other lists.
    public static let pageSize = "clover.mcp.sidecar.page.size"
    /// Allows binding a non-loopback address while authentication is not configured.
    public static let allowUnauthenticatedRemote = "clover.mcp.sidecar.allow.unauthenticated.remote"
}
