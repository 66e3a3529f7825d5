import Foundation
import JobLogsPlugin
import PluginKit
import PluginKitTesting
import Testing

@Suite struct JobLogsPluginTests {
    static let run = FakeRunLog.failedRun

    @Test func pageModeGivesTheRunLogAsWritten() throws {
        let host = try Self.run.host()
        let result = host.runTool("job_get_log", arguments: .object(["runId": .number(18_350)]))
        #expect(!result.isError, "\(result.text)")

        #expect(host.requests("logs.search") == [.object([
            "log": .string("job/18350"), "limit": .number(1_000), "maxBytes": .number(1_048_576 - 1_000),
        ])])
        let lines = Self.run.wholeText.filter { $0 == "\n" }.count
        #expect(result.structured?["text"] == .string(Self.run.wholeText))
        #expect(result.structured?["entryCount"] == .number(17))
        #expect(result.structured?["firstLine"] == .number(1))
        #expect(result.structured?["lastLine"] == .number(Double(lines)))
        #expect(result.structured?["hasMore"] == .bool(false))
        #expect(result.text == "Run 18350 log (job/18350, \(Self.run.totalBytes) bytes in total): 17 entries, lines 1–\(lines), "
            + "\(Self.run.totalBytes) bytes; end of log.\n\n" + Self.run.wholeText)
    }

    @Test func aLongLogComesInPagesOfAtMostOneMebibyteThatFitTogether() throws {
        let log = FakeRunLog.longRun
        #expect(log.totalBytes > 1_048_576)
        let host = try log.host()
        var texts: [String] = []
        var cursor: String?
        repeat {
            let before = host.requests("logs.search").count
            var arguments: [String: PluginJSON] = ["runId": .number(18_342), "mode": .string("page")]
            if let cursor { arguments["cursor"] = .string(cursor) }
            let page = host.runTool("job_get_log", arguments: .object(arguments))
            #expect(!page.isError, "\(page.text)")
            let requests = host.requests("logs.search").dropFirst(before)
            // The cursor the model passes back is where the host continues.
            #expect(requests.first?["cursor"]?.stringValue == cursor)
            #expect(requests.allSatisfy { ($0["limit"]?.int64Value ?? 0) <= 1_000 })
            let bytes = try #require(page.structured?["bytes"]?.int64Value)
            #expect(bytes <= 1_048_576)
            texts.append(page.structured?["text"]?.stringValue ?? "")
            cursor = page.structured?["nextCursor"]?.stringValue
            #expect(page.structured?["hasMore"] == .bool(cursor != nil))
            if let cursor { #expect(page.text.contains("more follows: call again with \"cursor\": \"\(cursor)\".")) }
        } while cursor != nil && texts.count < 5
        #expect(texts.count == 2)
        // No entry lost or repeated at the page boundary.
        #expect(texts.joined() == log.wholeText)
    }

    @Test func errorsModePutsTheCauseFirstWithWhatLedToItThenThePhaseSummary() throws {
        let host = try Self.run.host()
        let result = host.runTool("job_get_log", arguments: .object(["runId": .number(18_350), "mode": .string("errors")]))
        #expect(!result.isError, "\(result.text)")

        #expect(host.requests("logs.search").first == .object([
            "log": .string("job/18350"), "levels": .array([.string("FATAL"), .string("ERROR"), .string("WARN")]),
            "limit": .number(1_000), "maxBytes": .number(1_048_576),
        ]))
        #expect(host.requests("logs.window").first == .object([
            "log": .string("job/18350"), "around": .string("2025-03-05 02:10:07.561"), "beforeSeconds": .number(60),
            "afterSeconds": .number(0), "limit": .number(12),
        ]))
        #expect(host.requests("logs.tail") == [.object(["log": .string("job/18350"), "entries": .number(500)])])

        let structured = try #require(result.structured)
        #expect(structured["errorCount"] == .number(2))
        #expect(structured["warningCount"] == .number(2))
        #expect(structured["complete"] == .bool(true))
        let entries = try #require(structured["entries"]?.arrayValue)
        #expect(entries.map { $0["role"]?.stringValue } == ["cause", "warning", "error"])
        #expect(entries.map { $0["line"] } == [.number(13), .number(11), .number(25)])
        #expect(entries[1]["occurrences"] == .number(2))
        #expect(entries[1]["lastTime"] == .string("2025-03-05 02:10:05.481"))

        let text = result.text
        #expect(text.hasPrefix("Run 18350 log (job/18350, \(Self.run.totalBytes) bytes): 2 errors/fatal, 2 warnings (3 distinct); "
            + "the failure cause comes first."))
        let cause = try #require(text.range(of: "== Failure cause =="))
        let others = try #require(text.range(of: "== Errors and warnings =="))
        let summary = try #require(text.range(of: "== Summary of Phases execution =="))
        #expect(cause.upperBound < others.lowerBound && others.upperBound < summary.lowerBound)
        let causeSection = String(text[cause.upperBound..<others.lowerBound])
        #expect(causeSection.contains("  (before it)\n  2025-03-05 02:10:00,252 INFO  18350 [WatchDog_18350] Successfully started all nodes in phase!"))
        #expect(causeSection.contains("2025-03-05 02:10:07.561 ERROR [DB_OUTPUT_TABLE0_18350] (line 13)"))
        #expect(causeSection.contains("Caused by: org.postgresql.util.PSQLException: Connection to dwh-db:5432 refused."))
        #expect(causeSection.contains("… 1 more frames"))
        // The warning was already shown as context of the cause: it is pointed at, not repeated.
        let otherSection = String(text[others.upperBound..<summary.lowerBound])
        #expect(otherSection.contains("Connection pool 'DWH' is exhausted, waiting for a free connection  (shown above)"))
        #expect(otherSection.contains("  (before it)\n  2025-03-05 02:10:07,602 INFO  18350 [WatchDog_18350] Execution of phase [0] finished with error"))
        #expect(otherSection.contains("Phase finished with error - stopping job run"))
        #expect(text.hasSuffix("""
            == Summary of Phases execution ==
            Phase#            Finished Status         RunTime(sec)    MemoryAllocation(MB)
            0                 ERROR                              7                42
            ------------------------------** End of Summary **---------------------------
            """))
    }

    @Test func aRunWithoutErrorsSaysSo() throws {
        let clean = FakeRunLog(runId: 18_352, lines: [
            .init(time: "2025-03-05 10:15:00.020", level: "INFO", thread: "WatchDog_18352", message: "Job execution type: GRAPH"),
            .init(time: "2025-03-05 10:15:02.000", level: "INFO", thread: "WatchDog_18352",
                  message: "Execution of phase [0] successfully finished - elapsed time(sec): 2"),
        ])
        let host = try clean.host()
        let result = host.runTool("job_get_log", arguments: .object(["runId": .number(18_352), "mode": .string("errors")]))
        #expect(!result.isError, "\(result.text)")
        #expect(result.structured?["entries"] == .array([]))
        #expect(result.text.contains("0 errors/fatal, 0 warnings (0 distinct)."))
        #expect(result.text.contains("No ERROR, FATAL or WARN entries in the run log."))
        #expect(!result.text.contains("=="))
        #expect(host.requests("logs.window").isEmpty)
    }

    @Test func aMissingRunLogIsExplainedFromTheSystemDatabase() throws {
        let columns = [("id", "bigint"), ("status", "varchar"), ("sandbox_code", "varchar"), ("job_file", "varchar"),
                       ("stop_time", "varchar"), ("log_file", "varchar")]
        let host = try Self.run.host(["sql.query": { request in
            guard request["sql"]?.stringValue?.hasSuffix("WHERE id = 99999") == true else { return sqlAnswer(columns, []) }
            return sqlAnswer(columns, [[.number(99_999), .string("FINISHED_OK"), .string("dwh"), .string("graph/LoadOrders.grf"),
                                        .string("2025-01-05T02:10:08.020+01:00"), .string("/opt/clover/cloverlogs/jobs/99999.log")]])
        }])
        let gone = host.runTool("job_get_log", arguments: .object(["runId": .number(99_999)]))
        #expect(gone.isError)
        #expect(gone.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(gone.text.hasPrefix("job_get_log: run 99999 exists (dwh/graph/LoadOrders.grf, status FINISHED_OK, finished "
            + "2025-01-05T02:10:08.020+01:00) but has no log file (run_record.log_file: /opt/clover/cloverlogs/jobs/99999.log): "
            + "no run log for job 99999 in /opt/clover/cloverlogs/jobs"))
        #expect(host.requests("sql.query").first?["maxRows"] == .number(1))

        let never = host.runTool("job_get_log", arguments: .object(["runId": .number(12_345), "mode": .string("errors")]))
        #expect(never.isError)
        #expect(never.text.contains("there is no run 12345: the system database has no such run ID"))

        // Without sql.read the host's own words are passed on.
        let plain = try Self.run.host()
        let unexplained = plain.runTool("job_get_log", arguments: .object(["runId": .number(99_999)]))
        #expect(unexplained.isError)
        #expect(unexplained.text.hasPrefix("job_get_log: no run log for job 99999 in /opt/clover/cloverlogs/jobs"))
    }

    @Test func argumentMistakesAreNamedBeforeTheLogIsRead() throws {
        let host = try Self.run.host()
        let cases: [([String: PluginJSON], String)] = [
            ([:], "missing required argument \"runId\""),
            (["runId": .string("18350")], "\"runId\" must be a positive whole number such as 18350 (a JSON number, not a string); got \"18350\""),
            (["runId": .number(0)], "\"runId\" must be a positive whole number"),
            (["runId": .number(18_350.5)], "\"runId\" must be a positive whole number"),
            (["runId": .number(18_350), "mode": .string("tail")], "\"mode\" is \"tail\"; use \"page\""),
            (["runId": .number(18_350), "mode": .string("errors"), "cursor": .string("abc")], "\"cursor\" belongs to mode \"page\""),
        ]
        for (arguments, message) in cases {
            let result = host.runTool("job_get_log", arguments: .object(arguments))
            #expect(result.isError, "\(arguments)")
            #expect(result.status == Int32(CDXMCP_INVALID_ARGUMENTS))
            #expect(result.text.contains(message), "\(result.text)")
        }
        #expect(host.serviceRequests.isEmpty)
    }

    @Test func withoutTheGrantTheToolFailsAndSaysWhy() throws {
        let host = try PluginTestHost(services: ["logs.search": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_DENIED), message: "plugin \"job-logs\" has no grant \"logs.read\" for logs.search; "
                + "add it to the plugin's \"grants\" in plugins.json")
        }], make: jobLogsPlugin)
        for mode in ["page", "errors"] {
            let result = host.runTool("job_get_log", arguments: .object(["runId": .number(18_350), "mode": .string(mode)]))
            #expect(result.isError)
            #expect(result.status == Int32(CDXMCP_FAILED))
            #expect(result.text.contains("job_get_log: plugin \"job-logs\" has no grant \"logs.read\""))
        }
    }

    @Test func theResourceReadsTheFirstPageAndRunIDsComplete() throws {
        let host = try Self.run.host(["sql.query": { _ in
            sqlAnswer([("id", "bigint")], [[.number(18_352)], [.number(18_351)], [.number(18_350)]])
        }])
        let resource = host.readResource("cloverdx://jobs/18350/log")
        #expect(!resource.isError, "\(resource.text)")
        #expect(resource.text.hasPrefix("Run 18350 log (job/18350, "))
        #expect(resource.text.hasSuffix(Self.run.wholeText))
        for uri in ["cloverdx://jobs/abc/log", "cloverdx://jobs/0/log", "cloverdx://jobs/18350/tracking"] {
            #expect(host.readResource(uri).status == Int32(CDXMCP_NOT_FOUND), "\(uri)")
        }

        #expect(host.complete(argument: "runId", value: "1835") == ["18352", "18351", "18350"])
        #expect(host.requests("sql.query").last?["sql"]
            == .string("SELECT id FROM run_record WHERE CAST(id AS TEXT) LIKE '1835%' ORDER BY id DESC LIMIT 20"))
        let asked = host.requests("sql.query").count
        #expect(host.complete(argument: "runId", value: "1' OR '1'='1").isEmpty)
        #expect(host.requests("sql.query").count == asked)
    }
}
