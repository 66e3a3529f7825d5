import Foundation
import JobLogsPlugin
import PluginKit
import PluginKitTesting

/// One run's log behind the host's logs.search, logs.window and logs.tail, answered the way
/// Sources/LogCatalogue (LogCatalogue+Search.swift) and Sources/CloverServices/LogServices.swift do: oldest
/// first, at least one entry per page, `maxBytes` over the entries' text, `matched` counted over the pages,
/// a cursor while entries remain, the window split at `around`, tail entries without line numbers.
/// Lines use the run log's layout `%d %-5p %-3X{runId} [%t] %m%n` (docs/JOB-LOG-FORMAT.md §1).
struct FakeRunLog: Sendable {
    struct Line: Sendable {
        let time: String
        let level: String
        let thread: String
        let message: String
    }

    let runId: Int64
    let entries: [PluginJSON]
    let totalBytes: Int

    init(runId: Int64, lines: [Line]) {
        self.runId = runId
        var line = 1
        var entries: [PluginJSON] = []
        for item in lines {
            let text = item.time.replacingOccurrences(of: ".", with: ",") + " "
                + item.level.padding(toLength: 5, withPad: " ", startingAt: 0) + " \(runId) [\(item.thread)] \(item.message)"
            entries.append(.object([
                "time": .string(item.time), "level": .string(item.level), "thread": .string(item.thread), "logger": .null,
                "message": .string(item.message), "text": .string(text), "file": .string("\(runId).log"), "line": .number(Double(line)),
                "truncated": .bool(false),
            ]))
            line += text.split(separator: "\n", omittingEmptySubsequences: false).count
        }
        self.entries = entries
        totalBytes = entries.reduce(0) { $0 + ($1["text"]?.stringValue?.utf8.count ?? 0) + 1 }
    }

    var logID: String { "job/\(runId)" }

    static func size(_ entry: PluginJSON) -> Int { entry["text"]?.stringValue?.utf8.count ?? 0 }

    static func milliseconds(_ time: String) -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return Int64((formatter.date(from: time)?.timeIntervalSince1970 ?? 0) * 1_000)
    }

    func page(_ entries: [PluginJSON], matched: Int, nextCursor: String?, limitReached: Bool, pageBytes: Bool = false) -> PluginJSON {
        var answer: [String: PluginJSON] = [
            "entries": .array(entries), "matched": .number(Double(matched)),
            "scannedBytes": .number(Double(entries.reduce(0) { $0 + Self.size($1) + 1 })), "totalBytes": .number(Double(totalBytes)),
            "truncated": .object(["entryText": .bool(false), "pageBytes": .bool(pageBytes), "limit": .bool(limitReached)]),
            "warnings": .array([]),
        ]
        if let nextCursor { answer["nextCursor"] = .string(nextCursor) }
        return .object(answer)
    }

    /// Opaque to the plugin, like the host's (base64 of where the next page starts and what matched before it).
    static func cursor(index: Int, matched: Int) -> String {
        Data(#"{"f":0,"i":\#(index),"m":\#(matched)}"#.utf8).base64EncodedString()
    }

    static func position(_ cursor: String) throws -> (index: Int, matched: Int) {
        guard let data = Data(base64Encoded: cursor), let json = try? PluginJSON(parsing: String(decoding: data, as: UTF8.self)),
              let index = json["i"]?.int64Value, let matched = json["m"]?.int64Value else {
            throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "\"cursor\" is not a cursor of this search")
        }
        return (Int(index), Int(matched))
    }

    func refuseOtherLogs(_ request: PluginJSON) throws {
        guard request["log"]?.stringValue == logID else {
            let id = request["log"]?.stringValue ?? ""
            throw ServiceRefused(status: Int32(CDXMCP_NOT_FOUND), message: "no run log for job \(id.dropFirst(4)) in /opt/clover/cloverlogs/jobs; "
                + "the run may be older than the log retention, or its log is kept elsewhere")
        }
    }

    func search(_ request: PluginJSON) throws -> PluginJSON {
        try refuseOtherLogs(request)
        let levels = request["levels"]?.arrayValue?.compactMap(\.stringValue)
        let limit = Int(request["limit"]?.int64Value ?? 100)
        let maxBytes = Int(request["maxBytes"]?.int64Value ?? 1_048_576)
        var (index, matched) = try request["cursor"]?.stringValue.map(Self.position) ?? (0, 0)
        var found: [PluginJSON] = []
        var bytes = 0
        var pageBytes = false
        while index < entries.count {
            let entry = entries[index]
            if let levels, !levels.contains(entry["level"]?.stringValue ?? "") {
                index += 1
                continue
            }
            if !found.isEmpty, bytes + Self.size(entry) > maxBytes {
                pageBytes = true
                break
            }
            found.append(entry)
            bytes += Self.size(entry)
            index += 1
            if found.count == limit { break }
        }
        matched += found.count
        let more = entries[index...].contains { levels?.contains($0["level"]?.stringValue ?? "") ?? true }
        return page(found, matched: matched, nextCursor: more ? Self.cursor(index: index, matched: matched) : nil,
                    limitReached: found.count == limit, pageBytes: pageBytes)
    }

    func window(_ request: PluginJSON) throws -> PluginJSON {
        try refuseOtherLogs(request)
        let around = Self.milliseconds(request["around"]?.stringValue ?? "")
        let before = Int64((request["beforeSeconds"]?.doubleValue ?? 60) * 1_000)
        let after = Int64((request["afterSeconds"]?.doubleValue ?? 60) * 1_000)
        let limit = Int(request["limit"]?.int64Value ?? 100)
        let inWindow = entries.filter {
            let time = Self.milliseconds($0["time"]?.stringValue ?? "")
            return time >= around - before && time <= around + after
        }
        let earlier = inWindow.filter { Self.milliseconds($0["time"]?.stringValue ?? "") < around }
        let later = inWindow.filter { Self.milliseconds($0["time"]?.stringValue ?? "") >= around }
        let takeBefore = min(earlier.count, max(limit / 2, limit - later.count))
        let takeAfter = min(later.count, limit - takeBefore)
        let chosen = Array(earlier.suffix(takeBefore)) + later.prefix(takeAfter)
        return page(chosen, matched: chosen.count, nextCursor: nil, limitReached: chosen.count < inWindow.count)
    }

    func tail(_ request: PluginJSON) throws -> PluginJSON {
        try refuseOtherLogs(request)
        let count = Int(request["entries"]?.int64Value ?? 100)
        // Read backwards from the end: the host does not know the line numbers.
        let last = entries.suffix(count).map { entry -> PluginJSON in
            guard case .object(var members) = entry else { return entry }
            members["line"] = .null
            return .object(members)
        }
        return page(Array(last), matched: last.count, nextCursor: nil, limitReached: false)
    }

    var services: [String: PluginTestHost.ServiceHandler] {
        [
            "logs.search": { try search($0) },
            "logs.window": { try window($0) },
            "logs.tail": { try tail($0) },
        ]
    }

    /// Run 18350 (dwh/graph/LoadOrders.grf): the output database refuses connections in phase 0.
    static let failedRun = FakeRunLog(runId: 18_350, lines: [
        Line(time: "2025-03-05 02:10:00.020", level: "INFO", thread: "ExecutorThread-15", message: "Checking graph configuration..."),
        Line(time: "2025-03-05 02:10:00.094", level: "INFO", thread: "ExecutorThread-15", message: "Graph configuration is valid."),
        Line(time: "2025-03-05 02:10:00.125", level: "INFO", thread: "WatchDog_18350", message: "Job execution type: GRAPH"),
        Line(time: "2025-03-05 02:10:00.126", level: "INFO", thread: "WatchDog_18350",
             message: "Job parameters: \nDATAIN_DIR=./data-in\nSANDBOX_CODE=dwh\nTARGET_TABLE=orders"),
        Line(time: "2025-03-05 02:10:00.131", level: "INFO", thread: "WatchDog_18350", message: "Initializing phase 0"),
        Line(time: "2025-03-05 02:10:00.251", level: "INFO", thread: "WatchDog_18350", message: "Starting up all nodes in phase [0]"),
        Line(time: "2025-03-05 02:10:00.252", level: "INFO", thread: "WatchDog_18350", message: "Successfully started all nodes in phase!"),
        Line(time: "2025-03-05 02:10:02.480", level: "WARN", thread: "DB_OUTPUT_TABLE0_18350",
             message: "Connection pool 'DWH' is exhausted, waiting for a free connection"),
        Line(time: "2025-03-05 02:10:05.481", level: "WARN", thread: "DB_OUTPUT_TABLE0_18350",
             message: "Connection pool 'DWH' is exhausted, waiting for a free connection"),
        Line(time: "2025-03-05 02:10:07.561", level: "ERROR", thread: "DB_OUTPUT_TABLE0_18350", message: """
            Component [DBOutputTable:DB_OUTPUT_TABLE0] finished with status ERROR.
            Error details:
            org.jetel.exception.JetelRuntimeException: Cannot establish DB connection (DWH)
            \tat org.jetel.connection.jdbc.DBConnectionImpl.connect(DBConnectionImpl.java:402)
            \tat org.jetel.component.DBOutputTable.preExecute(DBOutputTable.java:311)
            \tat org.jetel.graph.Node.execute(Node.java:486)
            \tat org.jetel.graph.runtime.CloverWorkerListener.run(CloverWorkerListener.java:61)
            \tat java.base/java.lang.Thread.run(Thread.java:1583)
            Caused by: org.postgresql.util.PSQLException: Connection to dwh-db:5432 refused. Check that the hostname and port are correct.
            \tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:346)
            \t... 5 more
            """),
        Line(time: "2025-03-05 02:10:07.602", level: "INFO", thread: "WatchDog_18350",
             message: "Execution of phase [0] finished with error - elapsed time(sec): 7"),
        Line(time: "2025-03-05 02:10:07.603", level: "ERROR", thread: "WatchDog_18350", message: "Phase finished with error - stopping job run"),
        Line(time: "2025-03-05 02:10:07.610", level: "INFO", thread: "WatchDog_18350",
             message: "-----------------------** Summary of Phases execution **---------------------"),
        Line(time: "2025-03-05 02:10:07.610", level: "INFO", thread: "WatchDog_18350",
             message: "Phase#            Finished Status         RunTime(sec)    MemoryAllocation(MB)"),
        Line(time: "2025-03-05 02:10:07.611", level: "INFO", thread: "WatchDog_18350",
             message: "0                 ERROR                              7                42"),
        Line(time: "2025-03-05 02:10:07.611", level: "INFO", thread: "WatchDog_18350",
             message: "------------------------------** End of Summary **---------------------------"),
        Line(time: "2025-03-05 02:10:07.612", level: "INFO", thread: "WatchDog_18350", message: "WatchDog thread finished - total execution time: 7 (sec)"),
    ])

    /// Run 18342: a long graph whose periodic tracking tables make its log about 1.6 MB.
    static let longRun: FakeRunLog = {
        var lines: [Line] = []
        for step in 0..<10_000 {
            let seconds = 5 * (step / 4)
            let time = String(format: "2025-03-05 %02ld:%02ld:%02ld.%03ld", 2 + seconds / 3_600, seconds / 60 % 60, seconds % 60, step % 4)
            switch step % 4 {
            case 0: lines.append(Line(time: time, level: "INFO", thread: "WatchDog_18342",
                                      message: "---------------------** Start of tracking Log for phase [0] **-------------------"))
            case 1: lines.append(Line(time: time, level: "INFO", thread: "WatchDog_18342",
                                      message: "Time: 05/03/2025 " + String(format: "%02ld:%02ld:%02ld", 2 + seconds / 3_600, seconds / 60 % 60, seconds % 60) + ", JVM heap used: \(400 + step % 97) MB"))
            case 2: lines.append(Line(time: time, level: "INFO", thread: "WatchDog_18342", message: """
                Read orders            FLAT_FILE_READER0                                RUNNING
                 %cpu:12                        Out:0         \(String(format: "%8ld", step * 120))       \(String(format: "%4ld", step))   40000    2736
                """))
            default: lines.append(Line(time: time, level: "INFO", thread: "WatchDog_18342",
                                       message: "---------------------------------** End of Log **--------------------------------"))
            }
        }
        return FakeRunLog(runId: 18_342, lines: lines)
    }()

    var wholeText: String { entries.compactMap { $0["text"]?.stringValue }.joined(separator: "\n") + "\n" }

    func host(_ extra: [String: PluginTestHost.ServiceHandler] = [:]) throws -> PluginTestHost {
        try PluginTestHost(services: services.merging(extra) { _, new in new }, make: jobLogsPlugin)
    }
}

extension PluginTestHost {
    func requests(_ service: String) -> [PluginJSON] {
        serviceRequests.filter { $0.service == service }.map(\.request)
    }
}

/// A sql.query answer (SQLServices.Query): columns, rows, truncation, time.
func sqlAnswer(_ columns: [(String, String)], _ rows: [[PluginJSON]]) -> PluginJSON {
    .object([
        "columns": .array(columns.map { .object(["name": .string($0.0), "type": .string($0.1)]) }),
        "rows": .array(rows.map(PluginJSON.array)), "truncated": .bool(false), "elapsedMs": .number(3),
    ])
}
