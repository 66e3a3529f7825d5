import Foundation
import PluginKit

/// Where a `server_logs_search` continues: which log of the appender's set, the host's cursor inside
/// it (nil: from its start), and the matches counted in the logs before it. The host seals its own
/// cursor to one log and one set of filters; this one adds the set and a fingerprint of the tool's
/// arguments as typed, so a cursor that moves on to the next log is still tied to the search that
/// issued it. It carries the time range as first resolved, so "-2h" means the same on every page.
struct SearchCursor: Equatable {
    var logID: String
    var hostCursor: String?
    var matchedInEarlierLogs: Int
    /// The resolved range, server wall-clock text ("" when open).
    var from: String
    var to: String
    var fingerprint: String

    private static let prefix = "sl1."

    var text: String {
        let fields = [logID, hostCursor ?? "", String(matchedInEarlierLogs), from, to, fingerprint].joined(separator: "\n")
        return Self.prefix + Data(fields.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// - Throws: `ToolError.invalidArguments` for a cursor this tool did not issue, or issued for other arguments.
    init(parsing text: String, fingerprint expected: String) throws {
        let refused = ToolError.invalidArguments("\"cursor\" is not a cursor server_logs_search issued; pass the nextCursor of the "
            + "previous page unchanged, or repeat the search without a cursor to start over")
        guard text.hasPrefix(Self.prefix), text.utf8.count <= 8_192 else { throw refused }
        var base64 = text.dropFirst(Self.prefix.count).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else { throw refused }
        let fields = decoded.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, let matched = Int(fields[2]), matched >= 0 else { throw refused }
        guard fields[5] == expected else {
            throw ToolError.invalidArguments("\"cursor\" was issued for a search with other arguments (appender, from, to, levels, pattern "
                + "or text); use it only with the arguments of the search that returned it, or repeat the search without a cursor")
        }
        self.init(logID: fields[0], hostCursor: fields[1].isEmpty ? nil : fields[1], matchedInEarlierLogs: matched,
                  from: fields[3], to: fields[4], fingerprint: expected)
    }

    init(logID: String, hostCursor: String?, matchedInEarlierLogs: Int, from: String, to: String, fingerprint: String) {
        self.logID = logID
        self.hostCursor = hostCursor
        self.matchedInEarlierLogs = matchedInEarlierLogs
        self.from = from
        self.to = to
        self.fingerprint = fingerprint
    }

    /// A stable hash of the arguments a cursor must be used with (limit may change between pages).
    static func fingerprint(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
