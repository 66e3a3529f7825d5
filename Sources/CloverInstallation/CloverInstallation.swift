import Foundation
import HostConfiguration

/// Where a CloverDX Server keeps what the sidecar reads, worked out from its own `clover.properties`
/// (and our `clover.mcp.sidecar.*` keys, environment and flags), following CloverDX's defaults
/// (docs/CLOVERDX.md, "Installation layout"): logs, the system database, the REST API and the support portal.
public struct CloverInstallation: Sendable {
    /// `clover.home`: the server's data folder (`/var/clover` in the Docker image).
    public var home: URL?
    /// `cloverlogs/`: all.log, performance.log and the other server logs.
    public var serverLogs: URL?
    /// Tomcat's log folder: access logs and catalina logs.
    public var tomcatLogs: URL?
    /// Job run logs, one file per run (`graph.logs_path`).
    public var jobLogs: URL?
    /// `sandboxes.home`: one folder per sandbox.
    public var sandboxes: URL?
    /// The system database connection (`jdbc.*`), if configured.
    public var systemDatabase: SystemDatabaseSettings?
    /// CloverDX's REST API, if the operator gave its URL.
    public var restAPI: RESTSettings?
    /// CloverDX customer portal settings for support issues.
    public var supportPortal: SupportPortalSettings
    /// This node's id (`cluster.node.id`).
    public var nodeID: String
    /// The server's time zone: CloverDX writes its logs and times in local time without a zone
    /// (`clover.mcp.sidecar.timezone`, else this machine's zone, which a sidecar shares with its server).
    /// `autoupdatingCurrent` looks the machine's zone up on first use, not at start-up: resolving it
    /// loads ICU's zone data, ~2.4 MB resident, which a server that never reads a log does not need.
    public var timeZone: TimeZone = .autoupdatingCurrent

    /// The JDBC settings CloverDX uses for its system database. The password is a secret: never logged.
    public struct SystemDatabaseSettings: Sendable, Equatable {
        public var jdbcURL: String
        public var username: String?
        public var password: String?
        /// `postgresql`, `sqlite`, `mysql`, … from the URL.
        public var engine: String {
            let rest = jdbcURL.hasPrefix("jdbc:") ? jdbcURL.dropFirst(5) : Substring(jdbcURL)
            return String(rest.prefix { $0 != ":" }).lowercased()
        }
    }

    public struct RESTSettings: Sendable, Equatable {
        /// The server's base URL, e.g. `https://cdx01:8443/clover`.
        public var baseURL: URL
        public var username: String?
        public var password: String?
    }

    public struct SupportPortalSettings: Sendable, Equatable {
        public var apiURL: URL?
        public var email: String?
        /// Minimum milliseconds between two reports (`clover.mcp.customer.portal.rate.limit`).
        public var rateLimitMilliseconds: Int
    }


    /// Works out the installation from the configuration. `configurationFile` is the clover.properties
    /// that was read, if any: a `<home>/conf/clover.properties` also tells where the home is.
    public static func resolve(_ configuration: HostConfiguration, configurationFile: URL? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> CloverInstallation {
        let values = PlaceholderResolver(configuration: configuration, environment: environment)
        func directory(_ key: String) -> URL? { values[key].map { URL(fileURLWithPath: $0).standardizedFileURL } }

        var home = directory(ConfigKey.cloverHome)
        if home == nil, let file = configurationFile, file.deletingLastPathComponent().lastPathComponent == "conf" {
            home = file.deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL
        }
        let loggingDir = directory(ConfigKey.loggingDir) ?? home
        let serverLogs = directory(ConfigKey.serverLogsDir) ?? loggingDir?.appendingPathComponent("cloverlogs")
        let catalina = environment["CATALINA_HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent("logs") }
        let tomcatLogs = directory(ConfigKey.tomcatLogsDir) ?? home.map { $0.appendingPathComponent("tomcatlogs") }
            .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil } ?? catalina
        let jobLogs = directory(ConfigKey.graphLogsPath) ?? serverLogs?.appendingPathComponent("graph")
        let sandboxes = directory(ConfigKey.sandboxesHome) ?? home?.appendingPathComponent("sandboxes")

        let database = values[ConfigKey.jdbcURL].map {
            SystemDatabaseSettings(jdbcURL: $0, username: values[ConfigKey.jdbcUser], password: values[ConfigKey.jdbcPassword])
        }
        let rest = values[ConfigKey.restURL].flatMap(URL.init(string:)).map {
            RESTSettings(baseURL: $0, username: values[ConfigKey.restUser], password: values[ConfigKey.restPassword])
        }
        let rateLimit = values[ConfigKey.portalRateLimitMs].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 60_000
        let portal = SupportPortalSettings(
            apiURL: values[ConfigKey.portalURL].flatMap(URL.init(string:)),
            email: values[ConfigKey.supportEmail].flatMap { $0.isEmpty ? nil : $0 },
            rateLimitMilliseconds: rateLimit)
        var installation = CloverInstallation(home: home, serverLogs: serverLogs, tomcatLogs: tomcatLogs, jobLogs: jobLogs,
                                              sandboxes: sandboxes, systemDatabase: database, restAPI: rest, supportPortal: portal,
                                              nodeID: values["cluster.node.id"] ?? "node01")
        if let zone = values[ConfigKey.timeZone].flatMap(Self.timeZone(named:)) { installation.timeZone = zone }
        return installation
    }

    /// A zone by IANA name (`Europe/Prague`), `UTC`, or a fixed offset (`+01:00`, `-0530`).
    public static func timeZone(named name: String) -> TimeZone? {
        let text = name.trimmingCharacters(in: .whitespaces)
        if let first = text.first, first == "+" || first == "-" {
            let digits = text.dropFirst().filter { $0 != ":" }
            guard digits.count == 4, digits.allSatisfy(\.isASCII), let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
                  hours <= 18, minutes < 60 else { return nil }
            return TimeZone(secondsFromGMT: (first == "-" ? -1 : 1) * (hours * 3_600 + minutes * 60))
        }
        return TimeZone(identifier: text)
    }
}

/// Reads configuration values with CloverDX's `${key}` references (`${clover.home}/cloverlogs`)
/// and `${env:NAME}` placeholders resolved; unknown references stay as written.
struct PlaceholderResolver {
    let configuration: HostConfiguration
    let environment: [String: String]

    subscript(key: String) -> String? {
        configuration[key].map { resolve($0, depth: 0) }
    }

    private func resolve(_ value: String, depth: Int) -> String {
        guard depth < 8, value.contains("${") else { return value }  // depth bounds reference cycles
        var out = ""
        var rest = Substring(value)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<end])
            if name.hasPrefix("env:") {
                out += environment[String(name.dropFirst(4))] ?? ""
            } else if let referenced = configuration[name] {
                out += resolve(referenced, depth: depth + 1)
            } else {
                out += "${\(name)}"
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
