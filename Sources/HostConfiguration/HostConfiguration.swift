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

/// Every configuration key the host reads, in one place; the README's table gives each one's
/// default and meaning. CloverDX's own keys keep their names; ours are under `clover.mcp.sidecar.`.
/// Read them through `HostConfiguration.int`, `bool` and `list`, whose errors name the key.
public enum ConfigKey {
    // MARK: MCP on and off, HTTP
    /// CloverDX's master switch for MCP.
    public static let enabled = "clover.mcp.enabled"
    /// `HOST:PORT` the HTTP transport binds (default 127.0.0.1:8765).
    public static let httpListen = "clover.mcp.sidecar.http.listen"
    /// The MCP endpoint path (default /mcp; /clover/mcp/mcp is always answered too).
    public static let httpPath = "clover.mcp.sidecar.http.path"
    /// Largest request body accepted, bytes.
    public static let maxBodyBytes = "clover.mcp.sidecar.http.max.body.bytes"
    /// How long a connection may go without a complete request before it is closed, milliseconds
    /// (idle between requests, or a request head or body that stalls; answers being streamed are not cut).
    public static let httpIdleTimeoutMs = "clover.mcp.sidecar.http.idle.timeout.ms"
    /// The most HTTP connections open at once; more are answered 503 and closed.
    public static let httpMaxConnections = "clover.mcp.sidecar.http.max.connections"
    /// Comma list of browser origins allowed to call the endpoint.
    public static let allowedOrigins = "clover.mcp.sidecar.http.allowed.origins"
    /// Allows binding a non-loopback address while authentication is not configured.
    public static let allowUnauthenticatedRemote = "clover.mcp.sidecar.allow.unauthenticated.remote"
    /// PEM certificate chain and private key: serve HTTPS.
    public static let tlsCertificateFile = "clover.mcp.sidecar.tls.cert.file"
    public static let tlsKeyFile = "clover.mcp.sidecar.tls.key.file"

    // MARK: Host
    /// Per-call plugin timeout, milliseconds.
    public static let pluginTimeoutMs = "clover.mcp.sidecar.plugin.timeout.ms"
    /// Heavy host-service calls (SQL, log scans, support packages) running at once, all plugins together.
    public static let heavyCallsMax = "clover.mcp.sidecar.heavy.calls.max"
    /// How long a heavy call waits for a place before it is refused as busy, milliseconds.
    public static let heavyCallsWaitMs = "clover.mcp.sidecar.heavy.calls.wait.ms"
    /// The memory SQLite may hold in the process (system database and log tables), megabytes.
    public static let sqlMemoryLimitMB = "clover.mcp.sidecar.sql.memory.limit.mb"
    /// Items per page in tools/list and the other lists.
    public static let pageSize = "clover.mcp.sidecar.page.size"
    /// stderr log level.
    public static let logLevel = "clover.mcp.sidecar.log.level"
    /// The plugin set.
    public static let pluginsFile = "clover.mcp.sidecar.plugins.file"
    /// CloverDX's list of further keys whose values are never shown.
    public static let privateProperties = "private.properties"

    // MARK: Tool governance
    /// `true` keeps only tools annotated `readOnlyHint: true`.
    public static let readOnly = "clover.mcp.read.only"
    /// Exact tool names switched on (even in read-only mode) or off.
    public static let toolsEnabled = "clover.mcp.tools.individual.enabled"
    public static let toolsDisabled = "clover.mcp.tools.individual.disabled"

    // MARK: The installation
    public static let cloverHome = "clover.home"
    public static let loggingDir = "logging.dir"
    public static let graphLogsPath = "graph.logs_path"
    public static let sandboxesHome = "sandboxes.home"
    /// Where the sidecar sees the server logs and Tomcat's, when the defaults do not fit.
    public static let serverLogsDir = "clover.mcp.sidecar.logs.dir"
    public static let tomcatLogsDir = "clover.mcp.sidecar.tomcat.logs.dir"
    public static let timeZone = "clover.mcp.sidecar.timezone"
    public static let jdbcURL = "jdbc.url"
    public static let jdbcUser = "jdbc.username"
    public static let jdbcPassword = "jdbc.password"
    public static let restURL = "clover.mcp.sidecar.rest.url"
    public static let restUser = "clover.mcp.sidecar.rest.user"
    public static let restPassword = "clover.mcp.sidecar.rest.password"
    /// CloverDX 7.6's sandbox file filters (comma lists of wildcards).
    public static let sandboxAllowedFiles = "clover.mcp.sandbox.allowedFiles"
    public static let sandboxDeniedFiles = "clover.mcp.sandbox.deniedFiles"

    // MARK: Support reports
    public static let portalURL = "clover.mcp.customer.portal.api.url"
    public static let portalToken = "clover.mcp.customer.portal.api.token"
    public static let portalRateLimitMs = "clover.mcp.customer.portal.rate.limit"
    public static let supportEmail = "clover.mcp.support.email"
    public static let supportEmailFrom = "clover.mcp.sidecar.support.email.from"
    public static let supportOutboxDir = "clover.mcp.sidecar.support.outbox.dir"
    public static let supportRetryMs = "clover.mcp.sidecar.support.retry.ms"
    public static let supportTimeoutMs = "clover.mcp.sidecar.support.timeout.ms"
    public static let supportPackageMaxBytes = "clover.mcp.sidecar.support.package.max.bytes"
    /// CloverDX's own SMTP settings, which report e-mails use.
    public static let smtpHost = "email.smtp.host"
    public static let smtpPort = "email.smtp.port"
    public static let smtpUser = "email.smtp.username"
    public static let smtpPassword = "email.smtp.password"

    // MARK: Proxy mode
    public static let remoteEnabled = "clover.mcp.remote.enabled"
    public static let remoteURL = "clover.mcp.remote.url"
    public static let remoteUser = "clover.mcp.remote.user"
    public static let remotePassword = "clover.mcp.remote.password"

    // MARK: Authentication
    /// The prefix every OAuth key shares.
    public static let oauthPrefix = "clover.mcp.oauth."
    public static let anonymousAccess = "clover.mcp.anonymous.access.enabled"
    public static let anonymousUser = "clover.mcp.anonymous.user"
    public static let anonymousScopes = "clover.mcp.anonymous.scopes"
    public static let oauthIssuer = "clover.mcp.oauth.issuer"
    public static let oauthResource = "clover.mcp.oauth.resource"
    public static let oauthResourceName = "clover.mcp.oauth.resource.name"
    public static let oauthAudience = "clover.mcp.oauth.audience"
    public static let oauthJWKSURL = "clover.mcp.oauth.jwks.url"
    public static let oauthIntrospectionURL = "clover.mcp.oauth.introspection.url"
    public static let oauthClientID = "clover.mcp.oauth.client.id"
    public static let oauthClientSecret = "clover.mcp.oauth.client.secret"
    public static let oauthRequiredScopes = "clover.mcp.oauth.scopes.required"
    public static let oauthSupportedScopes = "clover.mcp.oauth.scopes.supported"
    public static let oauthAlgorithms = "clover.mcp.oauth.jwt.algorithms"
    public static let oauthTokenTypes = "clover.mcp.oauth.jwt.types"
    public static let oauthClockSkewSeconds = "clover.mcp.oauth.clock.skew.seconds"
    public static let oauthJWKSRefreshSeconds = "clover.mcp.oauth.jwks.refresh.min.seconds"
    public static let oauthIntrospectionCacheSeconds = "clover.mcp.oauth.introspection.cache.seconds"
    public static let oauthCAFile = "clover.mcp.oauth.ca.file"
}
