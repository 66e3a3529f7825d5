import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The installation's logs, addressed by ID, never by path: the host's confined reader, since
/// plugins never open files themselves. It lists what exists under its ``LogRoots``, and searches, tails and windows one log
/// at a time, reading files as bounded streams (gzip archives inflated on the fly).
///
/// A log ID is one of a fixed set (`all`, `worker`, `access`, …), a per-node Worker log found on disk
/// (`worker_node01`), or `job/<runId>`. Resolving an ID matches it against names listed from the log
/// directory; only a validated run ID ever becomes part of a path. Every file is resolved with
/// `realpath` and must lie inside its root, so symlinks leading out are refused.
///
/// A value type without state: each call reads the directories afresh, so rotation between calls is
/// seen, and it can be shared freely across threads. Calls block on file I/O; run them off the event loops.
public struct LogCatalogue: Sendable {
    /// The only directories the catalogue reads.
    public let roots: LogRoots

    /// A catalogue of the logs under `roots`; nothing is read until it is asked.
    public init(roots: LogRoots) {
        self.roots = roots
    }

    /// Every log that has files under the roots, with its files oldest first. Job run logs are not
    /// listed (there may be millions): ask for one with ``jobLog(runId:)``.
    public func list() -> [LogDescriptor] {
        var descriptors: [LogDescriptor] = []
        if let directory = roots.cloverLogs { descriptors += scan(directory, classify: LogFileName.inCloverLogs) }
        if let directory = roots.tomcatLogs { descriptors += scan(directory, classify: LogFileName.inTomcatLogs) }
        return descriptors.sorted { LogFileName.listingRank($0.id) < LogFileName.listingRank($1.id) }
    }

    /// The log with `id`.
    /// - Throws: ``LogCatalogueError`` `invalidLogID` for anything but an ID of the allowed shapes
    ///   (paths, `..`, NUL bytes, a bad run ID), `unknownLog` when no file of that log exists.
    public func descriptor(for id: String) throws -> LogDescriptor {
        try descriptor(for: id, withTimes: true)
    }

    /// The run log of job `runId` (`<runId>.log` in the job-log directory, with its `.gz` or numbered
    /// archives if any), or nil when there is none.
    public func jobLog(runId: Int64) -> LogDescriptor? {
        jobLog(runId: runId, withTimes: true)
    }

    func descriptor(for id: String, withTimes: Bool) throws -> LogDescriptor {
        switch try ValidatedLogID(id) {
        case .job(let runId):
            guard let descriptor = jobLog(runId: runId, withTimes: withTimes) else {
                throw LogCatalogueError(.unknownLog, "no run log for job \(runId) in \(roots.jobLogs ?? "(no job-log directory configured)"); "
                    + "the run may be older than the log retention, or its log is kept elsewhere")
            }
            return descriptor
        case .named(let name):
            let isTomcat = name == "access" || name == "catalina"
            let directory = isTomcat ? roots.tomcatLogs : roots.cloverLogs
            let found = directory.flatMap { scan($0, classify: isTomcat ? LogFileName.inTomcatLogs : LogFileName.inCloverLogs,
                                                 only: name, withTimes: withTimes).first }
            guard let found else {
                throw LogCatalogueError(.unknownLog, "no files for log \"\(name)\" in \(directory ?? "(no \(isTomcat ? "Tomcat" : "cloverlogs") directory configured)")")
            }
            return found
        }
    }

    private func jobLog(runId: Int64, withTimes: Bool) -> LogDescriptor? {
        guard let directory = roots.jobLogs, let root = Confinement.realPath(directory) else { return nil }
        // Only these names are tried, built from the number: the directory is never listed.
        var names = ["\(runId).log.gz", "\(runId).log"]
        var generation = 1
        while generation <= 100, FileManager.default.fileExists(atPath: "\(root)/\(runId).log.\(generation)") {
            names.insert("\(runId).log.\(generation)", at: 0)
            generation += 1
        }
        var files: [LogFile] = []
        var refused: [String] = []
        for name in names {
            switch confinedFile(name, root: root, compressed: name.hasSuffix(".gz"), rotationDay: nil) {
            case .file(let file): files.append(file)
            case .refused: refused.append(name)
            case .absent: break
            }
        }
        guard !files.isEmpty || !refused.isEmpty else { return nil }
        return makeDescriptor(id: "job/\(runId)", category: .job, format: .jobRun, root: root, files: files, refused: refused, withTimes: withTimes)
    }

    /// The logs in one directory, from its listing.
    private func scan(_ directory: String, classify: (String) -> LogFileName?, only: String? = nil, withTimes: Bool = true) -> [LogDescriptor] {
        guard let root = Confinement.realPath(directory),
              let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var groups: [String: (name: LogFileName, files: [(LogFileName, LogFile)], refused: [String])] = [:]
        for name in names {
            guard let classified = classify(name), only == nil || classified.logID == only else { continue }
            var group = groups[classified.logID] ?? (classified, [], [])
            switch confinedFile(name, root: root, compressed: classified.isCompressed, rotationDay: classified.rotationDay) {
            case .file(let file): group.files.append((classified, file))
            case .refused: group.refused.append(name)
            case .absent: continue
            }
            groups[classified.logID] = group
        }
        return groups.values.map { group in
            let ordered = group.files.sorted { ($0.0.rotation, $0.1.name) < ($1.0.rotation, $1.1.name) }.map(\.1)
            return makeDescriptor(id: group.name.logID, category: group.name.category, format: group.name.format, root: root,
                                  files: ordered, refused: group.refused.sorted(), withTimes: withTimes)
        }
    }

    private enum Listed {
        case file(LogFile)
        case refused
        case absent
    }

    private func confinedFile(_ name: String, root: String, compressed: Bool, rotationDay: LogTimestamp?) -> Listed {
        let path = root + "/" + name
        guard let resolved = Confinement.realPath(path) else { return .absent }
        guard Confinement.isInside(resolved, root: root) else { return .refused }
        var status = stat()
        guard stat(resolved, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return .absent }
        #if canImport(Darwin)
        let modifiedAt = status.st_mtimespec
        #else
        let modifiedAt = status.st_mtim
        #endif
        let modified = Date(timeIntervalSince1970: Double(modifiedAt.tv_sec) + Double(modifiedAt.tv_nsec) / 1e9)
        return .file(LogFile(name: name, bytes: Int64(status.st_size), isCompressed: compressed, modified: modified,
                             rotationDay: rotationDay, path: path, identity: UInt64(status.st_ino), continuesInNext: false))
    }

    private func makeDescriptor(id: String, category: LogCategory, format: LogFormat, root: String, files: [LogFile],
                                refused: [String], withTimes: Bool) -> LogDescriptor {
        let chained = files.indices.map { index -> LogFile in
            let file = files[index]
            // catalina.out is not the continuation of the dated catalina files: it holds everything since start-up.
            let continues = index + 1 < files.count && !(category == .catalina && files[index + 1].name == "catalina.out")
            return LogFile(name: file.name, bytes: file.bytes, isCompressed: file.isCompressed, modified: file.modified,
                           rotationDay: file.rotationDay, path: file.path, identity: file.identity, continuesInNext: continues)
        }
        var first: LogTimestamp?
        var last: LogTimestamp?
        if withTimes {
            let clock = self.clock
            first = chained.first.flatMap { try? $0.firstTimestamp(format: format, root: root, clock: clock) }
            if let newest = chained.last(where: { $0.bytes > 0 }), !newest.isCompressed {
                last = try? newest.lastTimestamp(format: format, root: root, clock: clock)
            }
        }
        return LogDescriptor(id: id, category: category, files: chained, totalBytes: chained.reduce(0) { $0 + $1.bytes },
                             firstTimestamp: first, lastTimestamp: last, refusedFiles: refused, format: format, root: root)
    }

    var clock: ServerClock? { roots.serverTimeZone.map(ServerClock.init) }
}

/// A log ID checked for shape before anything is looked up.
enum ValidatedLogID: Equatable {
    case named(String)
    case job(runId: Int64)

    init(_ id: String) throws {
        if id.utf8.contains(0) {
            throw LogCatalogueError(.invalidLogID, "log ID contains a NUL byte; use \(LogCatalogueError.allowedIDs)")
        }
        if id.hasPrefix("job/") {
            let runText = id.dropFirst(4)
            let digits = runText.hasPrefix("-") ? runText.dropFirst() : runText
            guard !digits.isEmpty, digits.count <= 19, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let runId = Int64(runText) else {
                throw LogCatalogueError(.invalidLogID, "\"\(id)\" is not a job log ID: use job/<runId>, where runId is digits with an optional leading '-', e.g. job/18342")
            }
            self = .job(runId: runId)
            return
        }
        if LogFileName.cloverLogs.contains(where: { $0.base == id }) || id == "access" || id == "catalina" || LogFileName.isNodeWorkerBase(id) {
            self = .named(id)
            return
        }
        let looksLikePath = id.contains("/") || id.contains("..") || id.contains("\\")
        throw LogCatalogueError(.invalidLogID, "log ID \"\(id.prefix(200))\" is not valid"
            + (looksLikePath ? ": logs are addressed by ID, never by path" : "") + "; use \(LogCatalogueError.allowedIDs)")
    }
}

extension LogFile {
    /// The time of the first entry that has one within the file's first 256 KiB of text.
    func firstTimestamp(format: LogFormat, root: String, clock: ServerClock?) throws -> LogTimestamp? {
        let scanner = try EntryScanner(reader: openChunkReader(self, root: root), format: format, clock: clock)
        while try scanner.next() {
            if let timestamp = scanner.current.timestamp { return timestamp }
            if scanner.followingOffset > 256 * 1_024 { break }
        }
        return nil
    }

    /// The time of the last entry start within the file's last 1 MiB; only for uncompressed files,
    /// which can be read from the end.
    func lastTimestamp(format: LogFormat, root: String, clock: ServerClock?) throws -> LogTimestamp? {
        guard !isCompressed, let reader = try openChunkReader(self, root: root) as? PlainFileReader else { return nil }
        let walker = BackwardLineWalker(reader: reader, fileSize: try reader.size())
        while let (_, prefix) = try walker.next() {
            if let timestamp = format.entryStart(prefix, clock: clock)?.timestamp { return timestamp }
            if walker.bytesWalked > 1 << 20 { break }
        }
        return nil
    }
}
