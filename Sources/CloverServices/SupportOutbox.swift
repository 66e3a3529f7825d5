import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MCPProtocol

/// The folder of support reports waiting for or done with delivery. Each write goes to a temporary
/// file that is fsync'd and renamed over the record, then the folder is fsync'd: after a crash a
/// record is either the old or the new one, never half of each, and an accepted report is never lost.
struct SupportOutbox: Sendable {
    let directory: URL

    /// Creates the folder (owner-only: reports may name internal hosts and users).
    init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Every record in the folder, oldest first; unreadable files are skipped.
    func load() -> [SupportOutboxRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                  let json = try? JSONValue.parse(data) else { return nil }
            return SupportOutboxRecord(json: json)
        }.sorted { ($0.createdAtMs, $0.id) < ($1.createdAtMs, $1.id) }
    }

    /// Stores `record` durably; throws with the reason (a full disk, no permission) when it cannot.
    func write(_ record: SupportOutboxRecord) throws {
        let final = directory.appendingPathComponent(record.id + ".json").path
        let temporary = directory.appendingPathComponent(".\(record.id).tmp").path
        try Self.writeSynced(record.json.serialized(), to: temporary)
        guard rename(temporary, final) == 0 else { throw Self.failure("rename \(temporary)") }
        try Self.syncFolder(directory.path)
    }

    private static func writeSynced(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create \(path)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + written, bytes.count - written) }
            guard count > 0 else {
                let error = failure("write \(path)")
                unlink(path)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure("fsync \(path)")
            unlink(path)
            throw error
        }
    }

    /// Makes the rename itself durable.
    private static func syncFolder(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync \(path)") }
    }

    /// The system call, named apart from `write(_:)` above.
    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
        #else
        Darwin.write(descriptor, bytes, count)
        #endif
    }

    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    private static func failure(_ what: String) -> WriteError {
        WriteError(description: "cannot \(what): \(String(cString: strerror(errno)))")
    }
}
