import CloverPluginSupport
import Foundation
import PluginKit

/// One log of the host's catalogue (`logs.list`): its ID, kind, files and the time span it covers.
struct LogListing: Sendable, Encodable, Equatable {
    let id: String
    /// The friendly appender name that selects this log in `server_logs_search`.
    let appender: String
    let category: String
    let files: Int
    let bytes: Int64
    let firstTime: String?
    let lastTime: String?

    /// Every log the host can read now; empty when the log directories are missing or empty.
    static func all(call: CallContext) throws -> [LogListing] {
        let answer = try call.answer(of: "logs.list")
        return (answer["logs"]?.arrayValue ?? []).compactMap { log in
            guard let id = log["id"]?.stringValue else { return nil }
            return LogListing(id: id, appender: LogSelection.appenderName(of: id), category: log["category"]?.stringValue ?? "",
                              files: log["files"]?.arrayValue?.count ?? 0, bytes: log["bytes"]?.int64Value ?? 0,
                              firstTime: log["firstTime"]?.stringValue, lastTime: log["lastTime"]?.stringValue)
        }
    }

    /// Why there is nothing to read, naming the directories the host looks in.
    static func noLogsMessage(call: CallContext) -> String {
        let info = try? call.service("installation.info")
        let serverLogs = info?["serverLogs"]?.stringValue ?? "(not configured)"
        let tomcatLogs = info?["tomcatLogs"]?.stringValue ?? "(not configured)"
        return "no server logs found: the cloverlogs directory \(serverLogs) and the Tomcat log directory \(tomcatLogs) "
            + "are missing or hold no log files. Check cloverlogs.dir / logging.dir / clover.home in clover.properties "
            + "(or the sidecar's --config) and that this process may read the directory"
    }
}

/// Sizes for people: 1.4 MB rather than 1468006.
enum ByteSize {
    static func text(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1_024, unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
