import Foundation
import LogCatalogue
import LogTables
import SystemDatabase

/// Log directories in a fresh temporary directory, removed when the fixture goes away.
final class LogTablesFixture {
    let directory: URL
    var cloverLogs: URL { directory.appendingPathComponent("cloverlogs") }
    var tomcatLogs: URL { directory.appendingPathComponent("tomcatlogs") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("logtables-\(UUID().uuidString)")
        for folder in [cloverLogs, tomcatLogs] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func tables(serverTimeZone: TimeZone? = nil, maxLoadedRows: Int = LogTables.defaultMaxLoadedRows) -> LogTables {
        LogTables(catalogue: LogCatalogue(roots: LogRoots(cloverLogs: cloverLogs.path, tomcatLogs: tomcatLogs.path,
                                                          serverTimeZone: serverTimeZone)),
                  maxLoadedRows: maxLoadedRows)
    }

    /// Writes `lines`, each ended by a line break, to `name` under `folder` (cloverlogs by default).
    func write(_ lines: [String], to name: String, in folder: URL? = nil) throws {
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: (folder ?? cloverLogs).appendingPathComponent(name))
    }

    /// Writes `lines` gzip-compressed to `name` (ending in `.gz`) by running `gzip`.
    func writeGzip(_ lines: [String], to name: String) throws {
        let plain = String(name.dropLast(3))
        try write(lines, to: plain)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-n", "-f", cloverLogs.appendingPathComponent(plain).path]
        try gzip.run()
        gzip.waitUntilExit()
    }
}

/// A performance.log sample at `time` (`yyyy-MM-dd HH:mm:ss.SSS`) with these members after `time`.
func sample(_ time: String, _ members: String) -> String {
    "{\"time\":\"\(time)\",\(members)}"
}

extension LogTables {
    /// Runs `sql` on `log` with default limits.
    func run(_ log: LogTableKind, _ sql: String, from: String? = nil, to: String? = nil,
             limits: QueryLimits = QueryLimits()) async throws -> LogTableAnswer {
        try await query(LogTableRequest(log: log, from: from.flatMap(LogTimestamp.init), to: to.flatMap(LogTimestamp.init), sql: sql,
                                        limits: limits))
    }
}
