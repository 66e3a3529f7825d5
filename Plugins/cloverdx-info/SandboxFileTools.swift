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
        let answer = try call.answer(of: HostServices.SandboxFiles.self, .init(sandbox: arguments.sandbox, path: arguments.path,
                                                                               pattern: arguments.pattern, limit: limit.value, offset: offset))
        let files = answer.files.map { FileEntry(path: $0.path, bytes: Int64($0.bytes), modified: $0.modified) }
        let total = answer.total
        let nextOffset = answer.nextOffset.map { Int64($0) }
        let next = nextOffset.map { String($0) }
        var notes = limit.note.map { [$0] } ?? []
        if let nextOffset {
            notes.append("\(Int64(total) - nextOffset) more files: call again with cursor \"\(nextOffset)\", or narrow with path or pattern")
        }
        if answer.scanLimited {
            notes.append("the sandbox is too large to list whole: only part of it was looked at; narrow with path")
        }
        let listing = Listing(sandbox: arguments.sandbox, path: answer.path, files: files, total: total,
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
        let answer = try call.answer(of: HostServices.SandboxRead.self, .init(sandbox: arguments.sandbox, path: arguments.path,
                                                                              maxBytes: arguments.maxBytes.map { Int($0) }, offset: arguments.offset.map { Int($0) }))
        let file = FileText(sandbox: arguments.sandbox, path: answer.path, bytes: Int64(answer.bytes), offset: Int64(answer.offset),
                            text: answer.text, binary: answer.binary, maskedSecrets: Int64(answer.maskedSecrets),
                            truncated: answer.truncated, nextOffset: answer.nextOffset.map { Int64($0) })
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
