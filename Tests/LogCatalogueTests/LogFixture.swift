import Foundation
import LogCatalogue

/// A CloverDX installation's log directories in a fresh temporary directory, written in the exact
/// layouts of docs/CLOVERDX.md, "Log line layouts"; removed when the fixture goes away.
final class LogFixture {
    let directory: URL
    var cloverLogs: URL { directory.appendingPathComponent("cloverlogs") }
    var tomcatLogs: URL { directory.appendingPathComponent("tomcatlogs") }
    var jobLogs: URL { cloverLogs.appendingPathComponent("graph") }
    /// A directory next to the log roots, for files the catalogue must never read.
    var outside: URL { directory.appendingPathComponent("outside") }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("logcatalogue-\(UUID().uuidString)")
        for folder in [cloverLogs, tomcatLogs, jobLogs, outside] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func catalogue(serverTimeZone: TimeZone? = nil) -> LogCatalogue {
        LogCatalogue(roots: LogRoots(cloverLogs: cloverLogs.path, tomcatLogs: tomcatLogs.path, jobLogs: jobLogs.path,
                                     serverTimeZone: serverTimeZone))
    }

    /// Writes `lines`, each ended by a line break, to `name` under `folder`.
    @discardableResult
    func write(_ lines: [String], to name: String, in folder: URL? = nil) throws -> URL {
        let url = (folder ?? cloverLogs).appendingPathComponent(name)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        return url
    }

    /// Writes `lines` gzip-compressed, by running `gzip`, to `name` (which ends in `.gz`).
    @discardableResult
    func writeGzip(_ lines: [String], to name: String, in folder: URL? = nil) throws -> URL {
        precondition(name.hasSuffix(".gz"))
        let plain = try write(lines, to: String(name.dropLast(3)), in: folder)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-n", "-f", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        guard gzip.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return (folder ?? cloverLogs).appendingPathComponent(name)
    }

    func size(of url: URL) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? -1
    }
}

/// A cloverlogs line, `%d{yyyy-MM-dd HH:mm:ss,SSS}[%-15.15t] %-16c{1} %-9p %m`.
func cloverLine(_ time: String, thread: String = "ecutorThread-12", logger: String = "ExecutionManager",
                level: String = "INFO", _ message: String) -> String {
    let threadColumn = String(thread.suffix(15)).padding(toLength: 15, withPad: " ", startingAt: 0)
    let loggerColumn = logger.count >= 16 ? logger : logger.padding(toLength: 16, withPad: " ", startingAt: 0)
    let levelColumn = level.padding(toLength: 9, withPad: " ", startingAt: 0)
    return "\(time)[\(threadColumn)] \(loggerColumn) \(levelColumn) \(message)"
}

/// A job run log line, `%d %-5p %-3X{runId} [%t] %m`.
func jobLine(_ time: String, level: String = "INFO", runId: Int = 18342, _ message: String) -> String {
    "\(time) \(level.padding(toLength: 5, withPad: " ", startingAt: 0)) \(runId) [WatchDog_\(runId)] \(message)"
}

/// `n` cloverlogs lines one second apart from `start` (`yyyy-MM-dd HH:mm:ss`), numbered from `first`.
func cloverLines(from start: String, count: Int, first: Int = 0, level: String = "INFO") -> [String] {
    let base = LogTimestamp(start)!
    return (0..<count).map { index in
        let time = base.adding(seconds: Double(index)).description.replacingOccurrences(of: ".", with: ",")
        return cloverLine(time, level: level, "Job runId=\(first + index) finished status=FINISHED_OK")
    }
}

extension LogTimestamp {
    /// For tests: a timestamp from a literal that must parse.
    static func at(_ text: String) -> LogTimestamp { LogTimestamp(text)! }
}

/// The process's resident set size in bytes, from `/proc/self/status`.
func residentBytes() -> Int64? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = Int64(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kilobytes * 1_024
}
