import Foundation

/// Opaque list cursors: base64 of the list kind and an offset, so a cursor from one list or a
/// made-up one is refused (-32602) instead of silently restarting.
enum Pagination {
    struct Page {
        var items: [JSONValue]
        var nextCursor: String?
    }

    static func page(of items: [JSONValue], cursor: JSONValue?, kind: String, pageSize: Int) throws(MCPError) -> Page {
        var start = 0
        if let cursor, !cursor.isNull {
            guard let text = cursor.stringValue, let offset = decode(text, kind: kind), offset <= items.count else {
                throw .invalidParams("invalid cursor; pass the nextCursor of the previous page, or none for the first page")
            }
            start = offset
        }
        let end = min(items.count, start + pageSize)
        return Page(items: Array(items[start..<end]), nextCursor: end < items.count ? encode(offset: end, kind: kind) : nil)
    }

    static func encode(offset: Int, kind: String) -> String {
        Data("\(kind):\(offset)".utf8).base64EncodedString()
    }

    static func decode(_ cursor: String, kind: String) -> Int? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == kind, let offset = Int(parts[1]), offset > 0 else { return nil }
        return offset
    }
}
