import CloverPluginSupport
import Foundation
import PluginKit

/// Where the next page of `access_logs_search` starts: an offset into the same query over the same
/// window. The window is kept in the cursor, so pages do not drift when "the last 24 hours" moves;
/// the source and filters are fingerprinted, so a cursor is not reused for another search.
struct AccessSearchCursor: Codable, Equatable {
    let offset: Int
    let from: String?
    let to: String?
    let fingerprint: String

    var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { $0.base64EncodedString() } ?? ""
    }

    static func decode(_ text: String) throws -> AccessSearchCursor {
        guard let data = Data(base64Encoded: text), let cursor = try? JSONDecoder().decode(AccessSearchCursor.self, from: data),
              cursor.offset >= 0 else {
            throw ToolError.invalidArguments("\"cursor\" is not a cursor of access_logs_search; pass nextCursor of the previous page unchanged, or search without one")
        }
        return cursor
    }

    /// A short stable digest of the search (FNV-1a), so a cursor only continues the search that made it.
    static func fingerprint(source: AccessSource, whereClause: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(source.rawValue)|\(whereClause)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
