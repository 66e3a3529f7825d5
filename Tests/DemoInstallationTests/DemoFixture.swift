import Foundation
import GRDB
import Testing
@testable import DemoInstallation

/// One generated `.small` week shared by the tests that only read it (generating takes seconds).
struct DemoFixture: Sendable {
    let root: URL
    let summary: DemoSummary
    let seconds: Double

    /// 2025-03-12 10:41:17 +01:00, a Wednesday.
    static let now = Date(timeIntervalSince1970: 1_741_772_477)
    static let scratch: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cloverdx-demo-tests-\(getpid())").path
        atexit { try? FileManager.default.removeItem(atPath: DemoFixture.scratch) }
        return path
    }()

    static let shared: Result<DemoFixture, any Error> = Result(catching: {
        let root = URL(fileURLWithPath: scratch).appendingPathComponent("small-week")
        let started = Date()
        let summary = try DemoGenerator(seed: 7, size: .small, now: now).generate(into: root)
        return DemoFixture(root: root, summary: summary, seconds: Date().timeIntervalSince(started))
    })

    static func get() throws -> DemoFixture {
        try shared.get()
    }

    var cloverlogs: URL { root.appendingPathComponent("cloverlogs") }

    func database() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: root.appendingPathComponent("data/clover-system.db").path, configuration: configuration)
    }

    /// The files of one cloverlogs log, oldest first: the gzip archives by date and index, then the live file.
    func logFiles(_ base: String) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: cloverlogs.path)
        let archives = names.compactMap { name -> (String, Int, String)? in
            guard let parsed = DemoFixture.parseArchiveName(name), parsed.base == base else { return nil }
            return (parsed.date, parsed.index, name)
        }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        return archives.map { cloverlogs.appendingPathComponent($0.2) } + [cloverlogs.appendingPathComponent(base + ".log")]
    }

    /// `<base>.<yyyy-MM-dd>.<n>.log.gz` → its parts.
    static func parseArchiveName(_ name: String) -> (base: String, date: String, index: Int)? {
        guard name.hasSuffix(".log.gz") else { return nil }
        let parts = name.dropLast(7).split(separator: ".")
        guard parts.count == 3, let index = Int(parts[2]), parts[1].count == 10 else { return nil }
        return (String(parts[0]), String(parts[1]), index)
    }

    /// Every line of one cloverlogs log, archives (decompressed) first; read once per test process.
    func lines(of base: String) throws -> [Substring] {
        if let cached = DemoFixture.linesCache.get(root.path + "|" + base) { return cached }
        let lines = try logFiles(base).flatMap { try DemoFixture.text(of: $0).split(separator: "\n", omittingEmptySubsequences: true) }
        DemoFixture.linesCache.set(root.path + "|" + base, lines)
        return lines
    }

    static let linesCache = LockedCache<[Substring]>()

    static func text(of url: URL) throws -> String {
        let data = try Data(contentsOf: url)
        let plain = url.pathExtension == "gz" ? try Gzip.decompress(data) : data
        return String(decoding: plain, as: UTF8.self)
    }

    /// `2025-03-09T02:03:06.298+01:00` → `2025-03-09 02:03:06,298` (the log4j form of the same local time).
    static func log4jTime(fromISO iso: String) -> String {
        let t = iso.prefix(23)
        return t.prefix(10) + " " + t.dropFirst(11).prefix(8) + "," + t.suffix(3)
    }
}

/// A compiled regular expression that tests whole lines.
struct LinePattern: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ pattern: String) {
        regex = try! NSRegularExpression(pattern: pattern)
    }
    func matches<S: StringProtocol>(_ line: S) -> Bool {
        let s = String(line)
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
    func captures<S: StringProtocol>(_ line: S) -> [String]? {
        let s = String(line)
        guard let m = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { return nil }
        return (0..<m.numberOfRanges).map { i in Range(m.range(at: i), in: s).map { String(s[$0]) } ?? "" }
    }
}

/// A dictionary behind a lock, for values the parallel tests share.
final class LockedCache<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    func get(_ key: String) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }

    func set(_ key: String, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        values[key] = value
    }
}
