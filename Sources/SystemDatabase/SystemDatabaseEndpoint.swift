import Foundation
import Logging

/// How TLS is used on a PostgreSQL connection, as JDBC's `sslmode` names it.
public enum PostgresTLSMode: String, Sendable, Hashable {
    /// Plain TCP (`sslmode=disable`, `ssl=false`).
    case disable
    /// TLS when the server offers it, without checking its certificate; plain otherwise (`allow`, `prefer`, the JDBC default).
    case prefer
    /// TLS, without checking the certificate (`sslmode=require`).
    case require
    /// TLS, checking the certificate chain but not the host name (`sslmode=verify-ca`).
    case verifyCA = "verify-ca"
    /// TLS, checking the certificate and the host name (`sslmode=verify-full`, `ssl=true`).
    case verifyFull = "verify-full"
}

/// Where a PostgreSQL system database is and how to log in.
public struct PostgresConnectionSettings: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    public var password: String?
    public var tls: PostgresTLSMode

    public init(host: String, port: Int = 5432, database: String, user: String, password: String?, tls: PostgresTLSMode) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
    }

    /// Without the password.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database) (tls: \(tls.rawValue))" }
}

/// A system database named the way CloverDX names it in clover.properties, ready to open.
///
/// `jdbc.url=jdbc:postgresql://host:5432/clover?ssl=true` with `jdbc.username` and `jdbc.password`,
/// or `jdbc:sqlite:/path/to/file.db` for the embedded demo. Other engines CloverDX supports (MySQL,
/// Oracle, SQL Server, Derby) are refused with a message that names them.
public enum SystemDatabaseEndpoint: Sendable, Hashable, CustomStringConvertible {
    case postgreSQL(PostgresConnectionSettings)
    case sqlite(path: String)

    /// Reads `jdbc.url`; `username` and `password` (`jdbc.username`, `jdbc.password`) win over
    /// `user=` and `password=` in the URL.
    public init(jdbcURL: String, username: String? = nil, password: String? = nil) throws(SystemDatabaseError) {
        let url = jdbcURL.trimmingCharacters(in: .whitespaces)
        guard url.lowercased().hasPrefix("jdbc:") else {
            throw SystemDatabaseError(
                .invalidURL, "jdbc.url must start with jdbc: (for example jdbc:postgresql://host:5432/clover); it is \(Self.masked(url)).")
        }
        let rest = url.dropFirst(5)
        let subprotocol = rest.prefix(while: { $0 != ":" }).lowercased()
        let body = String(rest.dropFirst(subprotocol.count + 1))
        switch subprotocol {
        case "postgresql", "postgres", "pgsql":
            self = .postgreSQL(try Self.postgresSettings(body, scheme: "jdbc:\(subprotocol):", username: username, password: password))
        case "sqlite":
            self = .sqlite(path: try Self.sqlitePath(body))
        default:
            let engine = Self.unsupportedEngines[subprotocol] ?? "the \(subprotocol) engine"
            throw SystemDatabaseError(
                .unsupportedEngine,
                "jdbc.url points at \(engine) (jdbc:\(subprotocol):…). cloverdx-mcp reads only PostgreSQL and SQLite system databases, so the system database tools are unavailable for this server; logs and the REST API still work."
            )
        }
    }

    /// Reads a libpq URI, `postgres://user:password@host:port/database?sslmode=require` (the form
    /// `CLOVERDX_MCP_TEST_POSTGRES_URL` uses).
    public init(postgresURL: String) throws(SystemDatabaseError) {
        let url = postgresURL.trimmingCharacters(in: .whitespaces)
        for scheme in ["postgresql:", "postgres:"] where url.lowercased().hasPrefix(scheme) {
            self = .postgreSQL(try Self.postgresSettings(String(url.dropFirst(scheme.count)), scheme: scheme, username: nil, password: nil))
            return
        }
        throw SystemDatabaseError(.invalidURL, "A PostgreSQL URL starts with postgres:// or postgresql://; it is \(Self.masked(url)).")
    }

    /// Opens the database. PostgreSQL connects lazily; its `run()` must then be running.
    public func open(logger: Logger = SystemDatabaseLogging.silent) throws(SystemDatabaseError) -> any SystemDatabase {
        switch self {
        case .postgreSQL(let settings):
            return PostgresSystemDatabase(settings: settings, logger: logger)
        case .sqlite(let path):
            return try SQLiteSystemDatabase(path: path)
        }
    }

    public var description: String {
        switch self {
        case .postgreSQL(let settings): settings.description
        case .sqlite(let path): "sqlite:\(path)"
        }
    }

    private static let unsupportedEngines: [String: String] = [
        "mysql": "MySQL", "mariadb": "MariaDB", "oracle": "Oracle", "sqlserver": "Microsoft SQL Server",
        "jtds": "Microsoft SQL Server (jTDS)", "derby": "Apache Derby (the evaluation-only embedded database)", "h2": "H2",
        "db2": "IBM Db2", "hsqldb": "HSQLDB",
    ]

    /// `//host[:port][,more hosts]/database?key=value&…`, `database`, or `/`. Only the first host
    /// of a failover list is used.
    private static func postgresSettings(_ body: String, scheme: String, username: String?, password: String?)
        throws(SystemDatabaseError) -> PostgresConnectionSettings
    {
        let (location, query) = splitOnce(body, at: "?")
        var parameters: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let (key, value) = splitOnce(String(pair), at: "=")
            parameters[key.lowercased()] = (value ?? "").removingPercentEncoding ?? value ?? ""
        }

        var host = "localhost"
        var port = 5432
        var database = ""
        var urlUser: String?
        var urlPassword: String?
        if location.hasPrefix("//") {
            let afterSlashes = location.dropFirst(2)
            let authority = String(afterSlashes.prefix(while: { $0 != "/" }))
            database = String(afterSlashes.dropFirst(authority.count).dropFirst())
            var hosts = authority
            if let at = authority.lastIndex(of: "@") {
                let userInfo = String(authority[..<at])
                hosts = String(authority[authority.index(after: at)...])
                let (user, pass) = splitOnce(userInfo, at: ":")
                urlUser = user.removingPercentEncoding ?? user
                urlPassword = pass.map { $0.removingPercentEncoding ?? $0 }
            }
            let first = String(hosts.prefix(while: { $0 != "," }))
            var portText: String?
            if first.hasPrefix("["), let close = first.firstIndex(of: "]") {
                host = String(first[first.index(after: first.startIndex)..<close])
                let after = first[first.index(after: close)...]
                if after.hasPrefix(":") { portText = String(after.dropFirst()) }
            } else {
                let (name, portPart) = splitOnce(first, at: ":")
                if !name.isEmpty { host = name }
                portText = portPart
            }
            if let portText, !portText.isEmpty {
                guard let number = Int(portText), (1...65535).contains(number) else {
                    throw SystemDatabaseError(.invalidURL, "The port in \(scheme)//\(first) is not a number from 1 to 65535.")
                }
                port = number
            }
        } else {
            database = location.hasPrefix("/") ? String(location.dropFirst()) : location
        }
        database = database.removingPercentEncoding ?? database

        let user = nonEmpty(username) ?? nonEmpty(parameters["user"]) ?? nonEmpty(urlUser)
        guard let user else {
            throw SystemDatabaseError(
                .invalidURL, "No user name for the PostgreSQL system database: set jdbc.username in clover.properties (or user= in jdbc.url).")
        }
        if database.isEmpty { database = user }  // what the server does too

        let tls: PostgresTLSMode
        switch (parameters["sslmode"]?.lowercased(), parameters["ssl"]?.lowercased()) {
        case ("disable", _): tls = .disable
        case ("allow", _), ("prefer", _): tls = .prefer
        case ("require", _): tls = .require
        case ("verify-ca", _): tls = .verifyCA
        case ("verify-full", _): tls = .verifyFull
        case (let mode?, _):
            throw SystemDatabaseError(
                .invalidURL, "sslmode=\(mode) in jdbc.url is not one of disable, allow, prefer, require, verify-ca, verify-full.")
        case (nil, "true"), (nil, ""): tls = .verifyFull  // pgjdbc: ssl=true alone means verify-full
        case (nil, "false"): tls = .disable
        case (nil, nil): tls = .prefer
        case (nil, let other?):
            throw SystemDatabaseError(.invalidURL, "ssl=\(other) in jdbc.url is not true or false.")
        }
        return PostgresConnectionSettings(
            host: host, port: port, database: database, user: user,
            password: password ?? nonEmpty(parameters["password"]) ?? urlPassword, tls: tls)
    }

    private static func sqlitePath(_ body: String) throws(SystemDatabaseError) -> String {
        var path = body
        if path.lowercased().hasPrefix("file:") {
            path = String(path.dropFirst(5))
            path = splitOnce(path, at: "?").0
            path = path.removingPercentEncoding ?? path
            // file:///data/clover.db and file:/data/clover.db both name /data/clover.db.
            while path.hasPrefix("//") { path.removeFirst() }
        }
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix(":resource:") else {
            throw SystemDatabaseError(
                .invalidURL, "jdbc.url names an in-memory or bundled SQLite database (\(body)); there is no file to read. Point it at the database file.")
        }
        return path
    }

    private static func splitOnce(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The URL without a password, for messages.
    private static func masked(_ url: String) -> String {
        url.replacing(/password=[^&]*/.ignoresCase(), with: "password=***")
            .replacing(/\/\/([^:@\/]*):[^@\/]*@/, with: { "//\($0.1):***@" })
    }
}

extension PostgresSystemDatabase {
    /// Connection settings as read from clover.properties or a postgres:// URL.
    public convenience init(settings: PostgresConnectionSettings, maxConnections: Int = 4, logger: Logger = SystemDatabaseLogging.silent) {
        self.init(
            host: settings.host, port: settings.port, user: settings.user, password: settings.password, database: settings.database,
            tlsMode: settings.tls, maxConnections: maxConnections, logger: logger)
    }
}
