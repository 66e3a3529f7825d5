import CloverPluginSupport
import PluginKit

/// `sandbox_list_files` and `sandbox_read_file`: a sandbox's files through the host's sandbox services,
/// which keep every path inside its sandbox and apply the operator's file filters.
enum SandboxFileTools {
    struct ListArguments: Decodable, Sendable {
        let sandbox: String
        let path: String?
        let pattern: String?
        let limit: Int?
        let cursor: String?
    }

    struct FileEntry: Codable {
        let path: String
        let bytes: Int64
        let modified: String
    }

    struct Listing: Encodable {
        let sandbox: String
        let path: String
        let files: [FileEntry]
        let total: Int
        let nextCursor: String?
        let notes: [String]
    }

    static func list(_ arguments: ListArguments, call: CallContext) throws -> ToolResult {
        let limit = try ResultLimit(arguments.limit, default: 200, maximum: 5_000)
        var offset = 0
        if let cursor = arguments.cursor {
            guard let value = Int(cursor), value >= 0 else {
                throw ToolError.invalidArguments("\"cursor\" must be the nextCursor of an earlier sandbox_list_files answer")
            }
            offset = value
        }
        var request: [String: PluginJSON] = ["sandbox": .string(arguments.sandbox), "limit": .number(Double(limit.value)),
                                             "offset": .number(Double(offset))]
        if let path = arguments.path { request["path"] = .string(path) }
        if let pattern = arguments.pattern { request["pattern"] = .string(pattern) }
        let answer = try call.answer(of: "sandbox.files", .object(request))
        let files = (answer["files"]?.arrayValue ?? []).map {
            FileEntry(path: $0["path"]?.stringValue ?? "", bytes: $0["bytes"]?.int64Value ?? 0, modified: $0["modified"]?.stringValue ?? "")
        }
        let total = Int(answer["total"]?.int64Value ?? Int64(files.count))
        let nextOffset = answer["nextOffset"]?.int64Value
        let next = nextOffset.map { String($0) }
        var notes = limit.note.map { [$0] } ?? []
        if let nextOffset {
            notes.append("\(Int64(total) - nextOffset) more files: call again with cursor \"\(nextOffset)\", or narrow with path or pattern")
        }
        if answer["scanLimited"]?.boolValue == true {
            notes.append("the sandbox is too large to list whole: only part of it was looked at; narrow with path")
        }
        let listing = Listing(sandbox: arguments.sandbox, path: answer["path"]?.stringValue ?? "", files: files, total: total,
                              nextCursor: next, notes: notes)
        let folder = listing.path.isEmpty ? "sandbox \(listing.sandbox)" : "\(listing.sandbox):\(listing.path)"
        var text = "\(total) files in \(folder)" + (arguments.pattern.map { " matching \($0)" } ?? "")
        if files.count < total { text += " (showing \(offset + 1)–\(offset + files.count))" }
        if !files.isEmpty {
            text += ":\n" + TextTable.render(header: ["path", "bytes", "modified"], rows: files.map { [$0.path, String($0.bytes), $0.modified] })
        }
        for note in notes { text += "\nNote: \(note)" }
        return try .structured(listing, text: text)
    }

    struct ReadArguments: Decodable, Sendable {
        let sandbox: String
        let path: String
        let maxBytes: Int?
        let offset: Int64?
    }

    struct FileText: Encodable {
        let sandbox: String
        let path: String
        /// The file's size.
        let bytes: Int64
        let offset: Int64
        let text: String
        let binary: Bool
        /// Secret values (passwords and the like) the host replaced by `*****`.
        let maskedSecrets: Int64
        let truncated: Bool
        let nextOffset: Int64?
    }

    static func read(_ arguments: ReadArguments, call: CallContext) throws -> ToolResult {
        if let maxBytes = arguments.maxBytes, !(1...(16 << 20)).contains(maxBytes) {
            throw ToolError.invalidArguments("\"maxBytes\" must be 1 to 16777216 (16 MiB); the default is 1 MiB")
        }
        if let offset = arguments.offset, offset < 0 { throw ToolError.invalidArguments("\"offset\" must be 0 or more") }
        var request: [String: PluginJSON] = ["sandbox": .string(arguments.sandbox), "path": .string(arguments.path)]
        if let maxBytes = arguments.maxBytes { request["maxBytes"] = .number(Double(maxBytes)) }
        if let offset = arguments.offset { request["offset"] = .number(Double(offset)) }
        let answer = try call.answer(of: "sandbox.read", .object(request))
        let file = FileText(sandbox: arguments.sandbox, path: answer["path"]?.stringValue ?? arguments.path,
                            bytes: answer["bytes"]?.int64Value ?? 0, offset: answer["offset"]?.int64Value ?? 0,
                            text: answer["text"]?.stringValue ?? "", binary: answer["binary"]?.boolValue ?? false,
                            maskedSecrets: answer["maskedSecrets"]?.int64Value ?? 0,
                            truncated: answer["truncated"]?.boolValue ?? false, nextOffset: answer["nextOffset"]?.int64Value)
        // The text is the file itself, so a model reads it as written; a cut or a binary file is said after it.
        var text = file.binary ? "\(file.sandbox):\(file.path) is a binary file (\(file.bytes) bytes); its content is not shown." : file.text
        if file.maskedSecrets > 0 {
            text += "\n[\(file.maskedSecrets) secret value(s) such as passwords are shown as *****]"
        }
        if let next = file.nextOffset {
            text += "\n[truncated: bytes \(file.offset)–\(next) of \(file.bytes) shown; call again with offset \(next) for more]"
        }
        return try .structured(file, text: text)
    }
}
