import Foundation
import PluginKit

/// Which logs an `appender` argument means: CloverDX's appender names (main, cluster, user_actions, …,
/// also the 7.3 names SERVER_LOG, USER_ACTION, SERVER_AUDIT_LOG) or a raw log ID from `logs.list`.
/// `worker` is a set: worker.log and every per-node worker_<node>.log.
struct LogSelection: Sendable, Equatable {
    /// The appender as the agent wrote it, normalized (lower case, `_` for `-`).
    let appender: String
    /// The existing logs it selects, in listing order.
    let logIDs: [String]

    /// Friendly names, the log ID each stands for, and what it holds (for descriptions and errors).
    static let friendlyNames: [(name: String, logID: String, holds: String)] = [
        ("all", "all", "all.log: job starts and ends, logins, Worker output"),
        ("main", "all", "alias of all"),
        ("worker", "worker", "worker.log and per-node worker_<node>.log: the Worker JVM"),
        ("cluster", "node", "node.log: cluster messages, job delegation"),
        ("node", "node", "alias of cluster"),
        ("user_actions", "user-action", "user-action.log: logins, logouts, user changes"),
        ("audit", "server-audit", "server-audit.log: ServerFacade calls (off by default)"),
        ("integration", "server-integration", "server-integration.log: Designer-to-Server calls"),
        ("data_services", "data-service", "data-service.log: data service calls"),
        ("monitor", "monitor", "monitor.log: Operations Dashboard monitors"),
        ("job_queue", "job-queue", "job-queue.log: job queue metrics (JSON)"),
        ("catalina", "catalina", "Tomcat catalina.<date>.log and catalina.out"),
    ]

    /// CloverDX 7.3's appender names, accepted so agents used to them keep working.
    private static let legacyNames = ["server_log": "all", "user_action": "user-action", "server_audit_log": "server-audit"]

    /// The agent's spelling compared loosely: `User-Actions`, `user_actions` and `USER_ACTIONS` are one name.
    static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The friendly name that selects `logID`, or the ID itself when it has none.
    static func appenderName(of logID: String) -> String {
        if isNodeWorker(logID) { return "worker" }
        return friendlyNames.first { $0.logID == logID }?.name ?? logID
    }

    static func isNodeWorker(_ logID: String) -> Bool {
        logID.hasPrefix("worker_") || logID.hasPrefix("worker-")
    }

    /// - Throws: `ToolError.invalidArguments` naming the appenders and logs that exist when `appender`
    ///   is unknown or none of its logs has files.
    static func resolve(_ appender: String, available: [LogListing]) throws -> LogSelection {
        let key = normalized(appender)
        let existing = available.map(\.id)
        let wanted: [String]
        if let friendly = friendlyNames.first(where: { $0.name == key }) {
            wanted = friendly.logID == "worker" ? ["worker"] + existing.filter(isNodeWorker) : [friendly.logID]
        } else if let legacy = legacyNames[key] {
            wanted = [legacy]
        } else if let raw = existing.first(where: { normalized($0) == key }) {
            wanted = [raw]
        } else {
            throw ToolError.invalidArguments("unknown appender \"\(appender)\". Use one of: \(choices(available))")
        }
        let selected = wanted.filter(existing.contains)
        guard !selected.isEmpty else {
            throw ToolError.invalidArguments("appender \"\(appender)\" means log \(wanted.joined(separator: ", ")), which has no files on this "
                + "server (it may be switched off in clover.properties). Logs that exist: \(choices(available))")
        }
        return LogSelection(appender: key, logIDs: selected)
    }

    /// The appenders and log IDs that select something now, for error messages and completion.
    static func choices(_ available: [LogListing]) -> String {
        guard !available.isEmpty else { return "(none: no log files found)" }
        return available.map { listing in
            let friendly = appenderName(of: listing.id)
            return friendly == listing.id ? listing.id : "\(friendly) (\(listing.id))"
        }.joined(separator: ", ")
    }

    /// Names that complete `prefix`: friendly names of existing logs, then the raw IDs.
    static func completions(_ prefix: String, available: [LogListing]) -> [String] {
        let key = normalized(prefix)
        let ids = Set(available.map(\.id))
        let friendly = friendlyNames.filter { ids.contains($0.logID) }.map(\.name)
        var seen = Set<String>()
        return (friendly + available.map(\.id)).filter { normalized($0).hasPrefix(key) && seen.insert($0).inserted }
    }
}
