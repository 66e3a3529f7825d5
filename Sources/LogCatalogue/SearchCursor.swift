import CZlib
import Foundation

/// Where a scan stands in a log: a file, an offset in its text (decompressed for gzip) at the start
/// of an entry, and that entry's line number.
struct ScanPosition: Equatable {
    var fileIndex: Int
    var offset: Int64
    var line: Int?
}

/// The opaque continuation token of a search page.
///
/// It names the file (and its inode, so rotation since is noticed), the offset and line of the next
/// entry, the count of matches so far, the log ID and a fingerprint of the query's filters, sealed
/// with a CRC-32. It is not a secret (the catalogue keeps no key, so cursors work on any replica); the
/// boundary holds without one: a cursor can only name a file of the query's own log, the offset must
/// follow a line break and begin an entry, and anything altered is refused.
enum SearchCursor {
    static func encode(_ position: ScanPosition, matched: Int, query: LogQuery, descriptor: LogDescriptor) -> String {
        let file = descriptor.files[position.fileIndex]
        let payload = ["c1", query.logID, file.name, String(file.identity), String(position.offset),
                       position.line.map(String.init) ?? "", String(matched), fingerprint(query)].joined(separator: "\n")
        let sealed = payload + "\n" + String(checksum(payload), radix: 16)
        return Data(sealed.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String, query: LogQuery, descriptor: LogDescriptor) throws -> (ScanPosition, matched: Int) {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.utf8.count <= 4_096, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw LogCatalogueError.invalidCursor("it is not a cursor this server issued")
        }
        let fields = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 9, fields[0] == "c1",
              String(checksum(fields[0..<8].joined(separator: "\n")), radix: 16) == fields[8] else {
            throw LogCatalogueError.invalidCursor("it is not a cursor this server issued, or it was altered")
        }
        guard fields[1] == query.logID else {
            throw LogCatalogueError.invalidCursor("it was issued for log \"\(fields[1])\", not \"\(query.logID)\"")
        }
        guard fields[7] == fingerprint(query) else {
            throw LogCatalogueError.invalidCursor("it was issued for a search with other filters (time range, levels, regex or text)")
        }
        guard let fileIndex = descriptor.files.firstIndex(where: { $0.name == fields[2] }),
              String(descriptor.files[fileIndex].identity) == fields[3] else {
            throw LogCatalogueError.invalidCursor("the log rotated since it was issued (\(fields[2]) is gone or was replaced)")
        }
        let file = descriptor.files[fileIndex]
        guard let offset = Int64(fields[4]), offset >= 0, file.isCompressed || offset <= file.bytes,
              let matched = Int(fields[6]), matched >= 0 else {
            throw LogCatalogueError.invalidCursor("its position lies outside \(file.name)")
        }
        let line: Int?
        if fields[5].isEmpty {
            line = nil
        } else if let number = Int(fields[5]), number >= 1 {
            line = number
        } else {
            throw LogCatalogueError.invalidCursor("its line number is not valid")
        }
        return (ScanPosition(fileIndex: fileIndex, offset: offset, line: line), matched)
    }

    /// The filters a cursor must be used with; limit and byte caps may change from page to page.
    static func fingerprint(_ query: LogQuery) -> String {
        let canonical = [query.from.map { String($0.millisecondsSinceEpoch) } ?? "", query.to.map { String($0.millisecondsSinceEpoch) } ?? "",
                         query.levels.map(\.rawValue).sorted().joined(separator: ","), query.regex ?? "", query.text ?? ""].joined(separator: "\u{1}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    private static func checksum(_ text: String) -> UInt {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { UInt(crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
