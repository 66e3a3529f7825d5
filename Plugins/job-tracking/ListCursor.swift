import CloverPluginSupport
import Foundation
import PluginKit

/// `job_list`'s opaque cursor: the offset of the next page, the snapshot the first page saw (the
/// newest run ID and the resolved time window, so "-2h" does not move while paging), and a
/// fingerprint of the filters, so a cursor is refused by a query it does not belong to.
struct ListCursor: Equatable {
    let offset: Int
    let newestRunId: Int64
    let window: TimeWindow
    let fingerprint: UInt64

    /// A cursor for `query` (the filters as the agent wrote them) continuing at `offset`.
    init(offset: Int, newestRunId: Int64, window: TimeWindow, query: [String]) {
        self.offset = offset
        self.newestRunId = newestRunId
        self.window = window
        fingerprint = Self.fingerprint(query: query, newestRunId: newestRunId, window: window)
    }

    /// Reads a cursor `job_list` returned and checks it belongs to `query`.
    /// - Throws: `ToolError.invalidArguments` for a cursor that is damaged or from another query.
    init(token: String, query: [String]) throws {
        let base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padded = base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let fields = Data(base64Encoded: padded).map { String(decoding: $0, as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false) } ?? []
        guard fields.count == 6, fields[0] == "1", let offset = Int(fields[1]), offset >= 0, let newest = Int64(fields[2]),
              let fingerprint = UInt64(fields[5], radix: 16) else {
            throw ToolError.invalidArguments("\"cursor\" is not one job_list returned; call job_list without a cursor to start from the newest run")
        }
        func time(_ field: Substring) -> WallClock? { Int64(field).map(WallClock.init(milliseconds:)) }
        let window = TimeWindow(from: time(fields[3]), to: time(fields[4]))
        guard fingerprint == Self.fingerprint(query: query, newestRunId: newest, window: window) else {
            throw ToolError.invalidArguments(
                "\"cursor\" belongs to a different job_list query: pass the same sandbox, jobFile, jobFileMatch, status, from and to as the call that returned it, or drop the cursor to start a new listing")
        }
        self.offset = offset
        newestRunId = newest
        self.window = window
        self.fingerprint = fingerprint
    }

    /// The text handed to the agent.
    var token: String {
        let fields = ["1", String(offset), String(newestRunId), window.from.map { String($0.milliseconds) } ?? "",
                      window.to.map { String($0.milliseconds) } ?? "", String(fingerprint, radix: 16)]
        return Data(fields.joined(separator: ".").utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// FNV-1a over the query and the snapshot: stable across processes and replicas, unlike `Hasher`.
    private static func fingerprint(query: [String], newestRunId: Int64, window: TimeWindow) -> UInt64 {
        let parts = query + [String(newestRunId), String(window.from?.milliseconds ?? -1), String(window.to?.milliseconds ?? -1)]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
