import CloverPluginSupport
import Foundation
import PluginKit

/// `cloverdx://logs/{logId}`: the newest entries of one log, as written, for a client to attach.
enum LogTailResource {
    static let template = "cloverdx://logs/{logId}"
    static let entries = 100
    private static let prefix = "cloverdx://logs/"

    static func read(uri: String, call: CallContext) throws -> ResourceContents {
        guard uri.hasPrefix(prefix), let name = String(uri.dropFirst(prefix.count)).removingPercentEncoding, !name.isEmpty,
              !name.contains("/") else { throw NotFound() }
        let available = try LogListing.all(call: call)
        guard !available.isEmpty else { throw ToolError.failed(LogListing.noLogsMessage(call: call)) }
        // An appender name selects its first log (worker: worker.log); the per-node logs have their own IDs.
        let logID = try LogSelection.resolve(name, available: available).logIDs[0]
        let found = try call.answer(of: HostServices.LogsTail.self, .init(log: logID, entries: entries)).entries
        let listing = available.first { $0.id == logID }
        var header = "Last \(found.count) entries of log \(logID)"
        if let listing { header += " (\(listing.files) files, \(ByteSize.text(listing.bytes)), \(listing.firstTime ?? "?") – \(listing.lastTime ?? "?"))" }
        header += "; server local time. Search it with server_logs_search appender=\(logID)."
        return ResourceContents(uri: uri, text: ([header, ""] + found.map(\.text)).joined(separator: "\n") + "\n")
    }
}
