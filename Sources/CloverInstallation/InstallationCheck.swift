import HostConfiguration
import Foundation

/// One line of `cloverdx-mcp doctor`: what was looked for, what was found, and the fix if it is missing.
public struct InstallationFinding: Sendable, Equatable {
    public enum Status: String, Sendable {
        case ok, warning, missing
    }

    public var subject: String
    public var status: Status
    public var detail: String
    /// What to do about a warning or a missing part; empty when all is well.
    public var fix: String
}

extension CloverInstallation {
    /// Checks what can be checked without a network: folders, files, settings.
    public func check(fileManager: FileManager = .default) -> [InstallationFinding] {
        var findings: [InstallationFinding] = []
        func folder(_ subject: String, _ url: URL?, key: String, expect: (URL) -> String?) {
            guard let url else {
                findings.append(.init(subject: subject, status: .missing, detail: "not configured",
                                      fix: "set \(key) in clover.properties (or CLOVER_MCP_* / --config)"))
                return
            }
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                findings.append(.init(subject: subject, status: .missing, detail: "\(url.path) does not exist",
                                      fix: "point \(key) at the folder, or run the sidecar where the server's files are mounted"))
                return
            }
            guard fileManager.isReadableFile(atPath: url.path) else {
                findings.append(.init(subject: subject, status: .warning, detail: "\(url.path) is not readable",
                                      fix: "run the sidecar as a user that can read \(url.path)"))
                return
            }
            findings.append(.init(subject: subject, status: .ok, detail: expect(url) ?? url.path, fix: ""))
        }
        func count(_ url: URL, _ suffix: String) -> Int {
            ((try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(suffix) }.count
        }
        folder("server logs", serverLogs, key: ConfigKey.serverLogsDir) { url in
            let logs = count(url, ".log") + count(url, ".log.gz")
            return logs == 0 ? nil : "\(url.path) (\(logs) log files)"
        }
        if let serverLogs, fileManager.fileExists(atPath: serverLogs.path),
           !fileManager.fileExists(atPath: serverLogs.appendingPathComponent("all.log").path) {
            findings.append(.init(subject: "all.log", status: .warning, detail: "no all.log in \(serverLogs.path)",
                                  fix: "check that this is the server's cloverlogs folder (logging.dir/cloverlogs)"))
        }
        folder("Tomcat logs", tomcatLogs, key: ConfigKey.tomcatLogsDir) { url in "\(url.path) (\(count(url, ".txt")) access logs)" }
        folder("job run logs", jobLogs, key: ConfigKey.graphLogsPath) { url in "\(url.path) (\(count(url, ".log")) run logs)" }
        folder("sandboxes", sandboxes, key: ConfigKey.sandboxesHome) { url in
            "\(url.path) (\(((try? fileManager.contentsOfDirectory(atPath: url.path)) ?? []).count) sandboxes)"
        }
        if let database = systemDatabase {
            switch database.engine {
            case "postgresql", "sqlite":
                findings.append(.init(subject: "system database", status: .ok,
                                      detail: "\(database.engine): \(Self.redacted(database.jdbcURL))", fix: ""))
            default:
                findings.append(.init(subject: "system database", status: .warning,
                                      detail: "\(database.engine) is not supported by the sidecar",
                                      fix: "SQL tools need PostgreSQL or SQLite; the log tools still work"))
            }
        } else {
            findings.append(.init(subject: "system database", status: .missing, detail: "no jdbc.url",
                                  fix: "pass --config with the server's clover.properties (it holds jdbc.url, jdbc.username, jdbc.password)"))
        }
        if let rest = restAPI {
            findings.append(.init(subject: "REST API", status: .ok, detail: rest.baseURL.absoluteString, fix: ""))
        } else {
            findings.append(.init(subject: "REST API", status: .warning, detail: "not configured; job data comes from the system database",
                                  fix: "set \(ConfigKey.restURL) (e.g. http://localhost:8080/clover) and \(ConfigKey.restUser)/\(ConfigKey.restPassword)"))
        }
        return findings
    }

    /// A JDBC URL without credentials that some drivers accept inline (`user=`, `password=`).
    static func redacted(_ jdbcURL: String) -> String {
        guard let query = jdbcURL.firstIndex(of: "?") else { return jdbcURL }
        let parameters = jdbcURL[jdbcURL.index(after: query)...].split(separator: "&").map { parameter -> String in
            let name = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return ["password", "user"].contains(name.lowercased()) ? "\(name)=***" : String(parameter)
        }
        return jdbcURL[..<query] + "?" + parameters.joined(separator: "&")
    }
}
