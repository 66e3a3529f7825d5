import enum CloverServiceContract.HostServices
import Foundation
import MCPProtocol
import PluginHost

/// "sandboxes.list", "sandbox.files" and "sandbox.read": the installation's sandboxes and the files in
/// them, by sandbox code and sandbox-relative path only, confined to each sandbox's folder and
/// filtered by `clover.mcp.sandbox.allowedFiles` / `.deniedFiles`; secrets in files read are masked.
enum SandboxServices {
    static func all(_ catalogue: SandboxCatalogue, filter: SandboxFileFilter, masking: SecretMasking) -> [any HostService] {
        [List(catalogue: catalogue), Files(catalogue: catalogue, filter: filter), Read(catalogue: catalogue, filter: filter, masking: masking)]
    }

    struct List: HostService {
        let name = HostServices.SandboxesList.name
        let grant = HostServices.SandboxesList.grant
        let catalogue: SandboxCatalogue

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let listing = try await catalogue.list()
            var answer: JSONValue = [
                "source": .string(listing.source),
                "sandboxes": .array(listing.sandboxes.map { sandbox in
                    var isFolder: ObjCBool = false
                    let exists = FileManager.default.fileExists(atPath: sandbox.rootPath, isDirectory: &isFolder) && isFolder.boolValue
                    return [
                        "code": .string(sandbox.code), "name": sandbox.name.map(JSONValue.string) ?? .null,
                        "rootPath": .string(sandbox.rootPath), "type": sandbox.type.map(JSONValue.string) ?? .null,
                        "owner": sandbox.owner.map(JSONValue.string) ?? .null, "suspended": sandbox.suspended.map(JSONValue.bool) ?? .null,
                        "exists": .bool(exists),
                    ]
                }),
            ]
            if let warning = listing.warning { answer["warning"] = .string(warning) }
            return answer
        }
    }

    struct Files: HostService {
        let name = HostServices.SandboxFiles.name
        let grant = HostServices.SandboxFiles.grant
        let catalogue: SandboxCatalogue
        let filter: SandboxFileFilter
        static let defaultLimit = 500
        static let maximumLimit = 5_000
        /// Entries looked at per listing, so a huge sandbox answers in bounded time.
        static let scanLimit = 100_000

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let folder = try await SandboxServices.folder(request, catalogue)
            let start = try SandboxPath(request["path"]?.stringValue ?? "")
            let pattern = request["pattern"]?.stringValue.flatMap { $0.isEmpty ? nil : WildcardPattern($0) }
            let limit = Int(request["limit"]?.intValue ?? Int64(Self.defaultLimit))
            let offset = Int(request["offset"]?.intValue ?? 0)
            guard (1...Self.maximumLimit).contains(limit), offset >= 0 else {
                throw ServiceError(.invalidArguments, "\"limit\" must be 1 to \(Self.maximumLimit) and \"offset\" 0 or more")
            }
            let (files, scanLimited) = try folder.files(under: start, scanLimit: Self.scanLimit, isCancelled: { context.isCancelled }) { path, target in
                filter.refusal(path) == nil && filter.refusal(target) == nil && (pattern?.matches(path) ?? true)
            }
            let page = files.dropFirst(offset).prefix(limit)
            var answer: JSONValue = [
                "sandbox": .string(folder.code), "path": .string(start.text),
                "files": .array(page.map { file in
                    ["path": .string(file.path), "bytes": .int(file.bytes), "modified": .string(SandboxServices.timeText(file.modified))]
                }),
                "total": .int(Int64(files.count)), "offset": .int(Int64(offset)),
                "truncated": .bool(offset + page.count < files.count), "scanLimited": .bool(scanLimited),
            ]
            if offset + page.count < files.count { answer["nextOffset"] = .int(Int64(offset + page.count)) }
            return answer
        }
    }

    struct Read: HostService {
        let name = HostServices.SandboxRead.name
        let grant = HostServices.SandboxRead.grant
        let catalogue: SandboxCatalogue
        let filter: SandboxFileFilter
        let masking: SecretMasking
        static let defaultMaxBytes = 1 << 20
        static let maximumMaxBytes = 16 << 20

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let folder = try await SandboxServices.folder(request, catalogue)
            guard let raw = request["path"]?.stringValue else {
                throw ServiceError(.invalidArguments, "\"path\" is required: a file's path relative to the sandbox, such as graph/LoadOrders.grf")
            }
            let path = try SandboxPath(raw)
            guard !path.components.isEmpty else { throw ServiceError(.invalidArguments, "\"path\" names the sandbox itself; give a file inside it") }
            if let refusal = filter.refusal(path.text) { throw ServiceError(.invalidArguments, refusal) }
            let real = try folder.locate(path)
            // A link inside the sandbox must not lead to a file the filters hide.
            if let target = folder.relative(real), target != path.text, let refusal = filter.refusal(target) {
                throw ServiceError(.invalidArguments, "\(path.text) leads to \(target): \(refusal)")
            }
            let maxBytes = Int(request["maxBytes"]?.intValue ?? Int64(Self.defaultMaxBytes))
            let offset = request["offset"]?.intValue ?? 0
            guard (1...Self.maximumMaxBytes).contains(maxBytes), offset >= 0 else {
                throw ServiceError(.invalidArguments, "\"maxBytes\" must be 1 to \(Self.maximumMaxBytes) and \"offset\" 0 or more")
            }
            let (bytes, size) = try folder.read(real, offset: offset, maxBytes: maxBytes)
            let binary = bytes.contains(0)
            let kept = binary ? bytes.count : UTF8Boundary.prefix(bytes, reachesEnd: offset + Int64(bytes.count) >= size)
            let end = offset + Int64(kept)
            let text = binary ? (text: "", count: 0) : masking.masked(String(decoding: bytes.prefix(kept), as: UTF8.self), path: path.text)
            var answer: JSONValue = [
                "sandbox": .string(folder.code), "path": .string(path.text), "bytes": .int(size), "offset": .int(offset),
                "binary": .bool(binary), "text": .string(text.text), "maskedSecrets": .int(Int64(text.count)),
                "truncated": .bool(end < size),
            ]
            if end < size { answer["nextOffset"] = .int(end) }
            return answer
        }
    }

    static func folder(_ request: JSONValue, _ catalogue: SandboxCatalogue) async throws -> SandboxFolder {
        guard let code = request["sandbox"]?.stringValue else {
            throw ServiceError(.invalidArguments, "\"sandbox\" is required: a sandbox code such as dwh")
        }
        let sandbox = try await catalogue.sandbox(code)
        return try SandboxFolder(code: sandbox.code, path: sandbox.rootPath)
    }

    /// File times in UTC ISO 8601: an instant any client reads without knowing the server's zone.
    static func timeText(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

/// Where a UTF-8 text may be cut without splitting a character.
enum UTF8Boundary {
    /// How many of `bytes` to keep: all when they reach the file's end, else up to the last whole character.
    static func prefix(_ bytes: [UInt8], reachesEnd: Bool) -> Int {
        guard !reachesEnd, !bytes.isEmpty else { return bytes.count }
        var start = bytes.count - 1
        // Back up over continuation bytes (10xxxxxx) to the lead byte of the last character.
        while start > 0, bytes[start] & 0xC0 == 0x80, bytes.count - start < 4 { start -= 1 }
        let lead = bytes[start]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        // A window too small for even one character keeps what it has, so paging always moves on.
        return start + length <= bytes.count || start == 0 ? bytes.count : start
    }
}
