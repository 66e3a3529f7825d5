import Foundation
import PluginHost

/// A path inside a sandbox as an agent writes it: relative, `/`-separated (`\` counts as `/`), without
/// `..` or NUL. `text` is its normal form: `graph/LoadOrders.grf`, empty for the sandbox's top folder.
struct SandboxPath: Sendable, Equatable {
    let components: [String]
    var text: String { components.joined(separator: "/") }

    init(_ raw: String) throws {
        guard !raw.contains("\u{0}") else {
            throw ServiceError(.invalidArguments, "the path contains a NUL byte; give a sandbox-relative path such as graph/LoadOrders.grf")
        }
        let unified = raw.replacingOccurrences(of: "\\", with: "/")
        let drive = unified.count >= 2 && unified.first!.isLetter && Array(unified)[1] == ":"
        guard !unified.hasPrefix("/"), !drive else {
            throw ServiceError(.invalidArguments, "\"\(raw)\" is an absolute path; give a path relative to the sandbox, such as graph/LoadOrders.grf")
        }
        let parts = unified.split(separator: "/").map(String.init).filter { $0 != "." }
        guard !parts.contains("..") else {
            throw ServiceError(.invalidArguments, "\"\(raw)\" contains \"..\"; paths stay inside the sandbox, relative to its top folder")
        }
        components = parts
    }
}

/// One file found in a sandbox.
struct SandboxFileEntry: Sendable, Equatable {
    /// Sandbox-relative, `/`-separated.
    let path: String
    let bytes: Int64
    let modified: Date
}

/// One sandbox's folder. Every path resolves, symlinks followed, to a place inside the folder's own
/// real path, or is refused: a link inside a sandbox cannot lead a plugin anywhere else.
struct SandboxFolder: Sendable {
    let code: String
    /// The folder with every symlink resolved.
    let root: String

    init(code: String, path: String) throws {
        guard let real = Self.realPath(path) else {
            throw ServiceError(.failed, "the folder of sandbox \"\(code)\", \(path), does not exist or cannot be read")
        }
        self.code = code
        self.root = real
    }

    /// The real location of `path`, which must exist and lie inside the sandbox.
    func locate(_ path: SandboxPath) throws -> String {
        guard let real = Self.realPath(path.components.isEmpty ? root : root + "/" + path.text) else {
            throw ServiceError(.notFound, "sandbox \"\(code)\" has no \(path.text); list the sandbox's files to see what it holds")
        }
        guard relative(real) != nil else {
            throw ServiceError(.invalidArguments, "\(path.text) in sandbox \"\(code)\" leads outside the sandbox (a symbolic link); only files inside it can be read")
        }
        return real
    }

    /// `real` relative to the root ("" for the root itself), or nil when it lies outside.
    func relative(_ real: String) -> String? {
        if real == root { return "" }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return real.hasPrefix(prefix) ? String(real.dropFirst(prefix.count)) : nil
    }

    /// Up to `maxBytes` bytes of the regular file at `real` from `offset`, and the file's size.
    func read(_ real: String, offset: Int64, maxBytes: Int) throws -> (bytes: [UInt8], size: Int64) {
        // O_NOFOLLOW: the last component cannot have become a link since `locate` checked it.
        let descriptor = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ServiceError(.failed, "cannot open \(real): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ServiceError(.failed, "cannot read \(real): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ServiceError(.invalidArguments, "\(relative(real) ?? real) is a folder, not a file; list its files instead")
        }
        let size = Int64(info.st_size)
        let wanted = Int(max(0, min(Int64(maxBytes), size - offset)))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        while filled < wanted {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, wanted - filled, off_t(offset) + off_t(filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        return (Array(bytes.prefix(filled)), size)
    }

    /// The files below `start` (recursively, sorted by path) that `include` accepts, looking at no more
    /// than `scanLimit` entries. `include` gets the listed path and, for a symlink, the target's path.
    /// Links to folders are not followed (no cycles); links leading outside the sandbox are left out.
    func files(under start: SandboxPath, scanLimit: Int, isCancelled: () -> Bool,
               include: (_ path: String, _ target: String) -> Bool) throws -> (files: [SandboxFileEntry], scanLimited: Bool) {
        let top = try locate(start)
        let manager = FileManager.default
        guard (try? manager.attributesOfItem(atPath: top)[.type] as? FileAttributeType) == .typeDirectory else {
            throw ServiceError(.invalidArguments, "\(start.text) in sandbox \"\(code)\" is a file, not a folder; read it instead")
        }
        var found: [SandboxFileEntry] = []
        var pending: [(real: String, listed: String)] = [(top, start.text)]
        var scanned = 0
        while let (folder, listed) = pending.popLast() {
            if isCancelled() { throw ServiceError(.failed, "listing cancelled") }
            for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
                scanned += 1
                if scanned > scanLimit { return (found.sorted { $0.path < $1.path }, true) }
                let real = folder + "/" + name
                let path = listed.isEmpty ? name : listed + "/" + name
                guard let attributes = try? manager.attributesOfItem(atPath: real) else { continue }
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?:
                    pending.append((real, path))
                case .typeRegular?:
                    if include(path, relative(real) ?? path) { found.append(entry(path, attributes)) }
                case .typeSymbolicLink?:
                    guard let target = Self.realPath(real), let inside = relative(target),
                          let targetAttributes = try? manager.attributesOfItem(atPath: target),
                          targetAttributes[.type] as? FileAttributeType == .typeRegular else { continue }
                    if include(path, inside) { found.append(entry(path, targetAttributes)) }
                default:
                    continue
                }
            }
        }
        return (found.sorted { $0.path < $1.path }, false)
    }

    private func entry(_ path: String, _ attributes: [FileAttributeKey: Any]) -> SandboxFileEntry {
        SandboxFileEntry(path: path, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                         modified: attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
