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
        try call.answer(of: HostServices.LogsList.self, NoFields()).logs.map { log in
            LogListing(id: log.id, appender: LogSelection.appenderName(of: log.id), category: log.category, files: log.files.count,
                       bytes: Int64(log.bytes), firstTime: log.firstTime, lastTime: log.lastTime)
        }
    }

    /// Why there is nothing to read, naming the directories the host looks in.
    static func noLogsMessage(call: CallContext) -> String {
        let info = try? call.installation.info()
        let serverLogs = info?.serverLogs ?? "(not configured)"
        let tomcatLogs = info?.tomcatLogs ?? "(not configured)"
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
