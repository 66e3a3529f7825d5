import Foundation

/// How much installation to generate.
public enum DemoSize: String, Sendable, CaseIterable {
    /// A week of a modest server: a few thousand runs, tens of MB of logs; generated in seconds.
    case small
    /// The same week at a busy server's volume: over 1 GB of logs, for benchmarks.
    case large
}

/// What `DemoGenerator.generate(into:)` produced.
public struct DemoSummary: Sendable, Equatable {
    /// Runs in the system database's execution history.
    public let runs: Int
    /// Runs that ended ERROR, ABORTED, TIMEOUT or UNKNOWN.
    public let failedRuns: Int
    /// Files written.
    public let files: Int
    /// Bytes on disk (gzip archives counted compressed).
    public let bytes: Int64
    /// Bytes of log text before compression (cloverlogs, run logs, tomcatlogs).
    public let uncompressedLogBytes: Int64
}

/// Why generating a demo installation failed.
public struct DemoGenerationError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case io(String)
        case invalidArgument(String)
        case notADemoDirectory(String)
    }

    private let kind: Kind

    static func io(_ message: String) -> DemoGenerationError { DemoGenerationError(kind: .io(message)) }
    static func invalidArgument(_ message: String) -> DemoGenerationError { DemoGenerationError(kind: .invalidArgument(message)) }
    static func notADemoDirectory(_ path: String) -> DemoGenerationError { DemoGenerationError(kind: .notADemoDirectory(path)) }

    public var description: String {
        switch kind {
        case .io(let message): return "demo installation: \(message)"
        case .invalidArgument(let message): return "demo installation: \(message)"
        case .notADemoDirectory(let path):
            return "demo installation: \(path) exists, is not empty and holds no demo marker (\(DemoGenerator.markerName)): "
                + "pass an empty or new directory, or remove it yourself"
        }
    }
}

/// Generates a realistic CloverDX Server installation, so cloverdx-mcp has something true to
/// serve when no real server is at hand.
///
/// It writes `conf/clover.properties`, the `cloverlogs/` logs with daily rotation and gzip archives,
/// one run log per execution, `tomcatlogs/`, three sandboxes and an SQLite system database, all
/// telling one consistent story: a week of scheduled and manual runs with a database outage, a
/// Worker out of memory, a file-descriptor leak ending in a restart and a job-queue build-up. The
/// same seed and `now` give the same bytes.
public struct DemoGenerator: Sendable {
    /// Bumped whenever the output changes, so cached demos are regenerated.
    public static let version = 1
    /// The file that marks a directory as a generated demo.
    public static let markerName = ".cloverdx-mcp-demo"

    public let seed: UInt64
    public let days: Int
    public let size: DemoSize
    public let now: Date
    /// The demo server's fixed offset from UTC (default +01:00, no daylight saving).
    public let utcOffsetSeconds: Int

    public init(seed: UInt64, days: Int = 7, size: DemoSize = .small, now: Date, utcOffsetSeconds: Int = 3600) {
        self.seed = seed
        self.days = days
        self.size = size
        self.now = now
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// Writes the installation into `directory` (created if missing; a previous demo there is replaced).
    public func generate(into directory: URL) throws -> DemoSummary {
        try generate(into: directory, contentRoot: directory)
    }

    /// Writes into `directory` while every path inside the files names `contentRoot` (for
    /// generating into a temporary folder that is renamed into place afterwards).
    func generate(into directory: URL, contentRoot: URL) throws -> DemoSummary {
        guard days >= 1 && days <= 90 else { throw DemoGenerationError.invalidArgument("days must be 1…90, got \(days)") }
        let out = directory.standardizedFileURL.path
        try DemoGenerator.prepareEmptyDirectory(out)
        for folder in ["conf", "cloverlogs/graph", "tomcatlogs", "sandboxes", "data"] {
            try FileOutput.makeDirectory(out + "/" + folder)
        }

        let clock = DemoClock(utcOffsetSeconds: utcOffsetSeconds)
        let profile = DemoProfile.of(size)
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        var model = DemoSimulation(seed: seed, clock: clock, profile: profile, now: nowMs, days: days).makeModel()
        var root = contentRoot.standardizedFileURL.path
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        model.contentRoot = root

        let files = InstallationFiles(model: model)
        try FileOutput.write(files.cloverProperties(), to: out + "/conf/clover.properties")
        try files.writeSandboxes(into: out)

        // Run logs and the system database, written in one pass from the same tracking values.
        let jobLogs = JobLogWriter(model: model, buffer: TextBuffer(clock: clock, capacity: 1 << 20))
        var reports: [Int: RunErrorReport] = [:]
        var runLogBytes: Int64 = 0
        let database = SystemDatabaseWriter(model: model, path: out + "/data/clover-system.db")
        try database.write { run, tracking, report in
            if let report { reports[run.id] = report }
            guard run.hasLog else { return nil }
            jobLogs.render(run: run, tracking: tracking, report: report)
            let name = "/cloverlogs/graph/\(run.id).log"
            try FileOutput.write(jobLogs.buffer.bytes, to: out + name)
            FileOutput.setModificationTime(out + name, ms: min(run.stop >= 0 ? run.stop : nowMs, run.logEnd, nowMs))
            runLogBytes += Int64(jobLogs.buffer.count)
            return root + name
        }

        let serverLogs = ServerLogs(model: model)
        let cloverlogs = out + "/cloverlogs"
        let performance = RollingLog(directory: cloverlogs, base: "performance", clock: clock, sizeLimit: profile.rollSizeLimit,
                                     compressionLevel: profile.compressionLevel)
        let jobQueue = RollingLog(directory: cloverlogs, base: "job-queue", clock: clock, sizeLimit: profile.rollSizeLimit,
                                  compressionLevel: profile.compressionLevel)
        try DemoMetrics(model: model).write(performance: performance, jobQueue: jobQueue, all: serverLogs.all, monitor: serverLogs.monitor)
        let tomcat = TomcatLogs(model: model, all: serverLogs.all)
        tomcat.collect()
        serverLogs.collect(reports: reports)
        let rolled = try serverLogs.write(directory: cloverlogs, profile: profile, clock: clock)
        let tomcatWritten = try tomcat.write(directory: out + "/tomcatlogs")

        try DemoGenerator.marker(seed: seed, size: size, days: days, now: model.clock.iso(nowMs)).write(to: URL(fileURLWithPath: out + "/" + DemoGenerator.markerName))

        var fileCount = 0
        var bytes: Int64 = 0
        if let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: out), includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) {
            for case let url as URL in walker {
                let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
                if values?.isRegularFile == true {
                    fileCount += 1
                    bytes += Int64(values?.fileSize ?? 0)
                }
            }
        }
        let logBytes = (rolled + [performance, jobQueue]).reduce(runLogBytes + tomcatWritten.bytes) { $0 + $1.uncompressedBytes }
        return DemoSummary(runs: model.runs.count, failedRuns: model.runs.filter { $0.status.isFailure }.count, files: fileCount,
                           bytes: bytes, uncompressedLogBytes: logBytes)
    }

    static func marker(seed: UInt64, size: DemoSize, days: Int, now: String) -> Data {
        let text = """
            {"generatorVersion":\(version),"seed":\(seed),"size":"\(size.rawValue)","days":\(days),"now":"\(now)"}

            """
        return Data(text.utf8)
    }

    /// Makes `path` an empty directory. An existing demo (it has the marker) is removed first; any
    /// other non-empty directory is left alone and reported.
    static func prepareEmptyDirectory(_ path: String) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DemoGenerationError.io("\(path) exists and is not a directory") }
            let entries = try fm.contentsOfDirectory(atPath: path)
            if !entries.isEmpty {
                guard entries.contains(markerName) else { throw DemoGenerationError.notADemoDirectory(path) }
                for entry in entries { try fm.removeItem(atPath: path + "/" + entry) }
            }
        } else {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }
}
