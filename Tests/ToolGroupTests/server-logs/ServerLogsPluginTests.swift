import Foundation
import PluginKit
import PluginKitTesting
import ServerLogsPlugin
import Testing

@Suite struct ServerLogsPluginTests {
    typealias F = ServerLogsFixture

    @Test func searchTurnsTheArgumentsIntoOneHostRequestAndRendersTheEntry() throws {
        let host = try F.host(["logs.search": { _ in F.page([F.failedRun]) }])
        let run = host.runTool("server_logs_search", arguments: .object([
            "appender": .string("Main"), "from": .string("2025-03-05T01:00:00Z"), "to": .string("2025-03-05 03:00"),
            "levels": .array([.string("error"), .string("Warning")]), "pattern": .string("runId=18350"), "text": .string("refused"),
        ]))
        #expect(!run.isError, "\(run.text)")

        let requests = F.requests(host, "logs.search")
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request["log"] == .string("all"))
        // The UTC time is converted to the server's wall clock (Prague, UTC+1 in March); ERROR brings FATAL, WARNING is WARN.
        #expect(request["from"] == .string("2025-03-05 02:00:00.000"))
        #expect(request["to"] == .string("2025-03-05 03:00:00.000"))
        #expect(request["levels"] == .array([.string("FATAL"), .string("ERROR"), .string("WARN")]))
        #expect(request["regex"] == .string("runId=18350"))
        #expect(request["text"] == .string("refused"))
        #expect(request["limit"] == .number(50))
        #expect(request["cursor"] == nil)

        #expect(run.structured?["matched"] == .number(1))
        #expect(run.structured?["hasMore"] == .bool(false))
        #expect(run.structured?["entries"]?[0]?["log"] == .string("all"))
        #expect(run.text.contains("1 entries shown, 1 matched so far; no more entries."))
        #expect(run.text.contains("times are server local (UTC+01:00)"))
        #expect(run.text.contains("2025-03-05 02:10:07.561 ERROR [ecutorThread-15] ExecutionManager (all.log:48211)"))
        // The root cause survives abbreviation; the middle frames of the stack trace do not.
        #expect(run.text.contains("Caused by: org.postgresql.util.PSQLException: Connection to dwh-db:5432 refused"))
        #expect(run.text.contains("… 2 more frames"))
        #expect(!run.text.contains("FutureTask.run"))
    }

    @Test func argumentMistakesAreNamedBeforeAnyLogIsRead() throws {
        let host = try F.host(["logs.search": { _ in F.page([F.failedRun]) }])

        let level = host.runTool("server_logs_search", arguments: .object(["levels": .array([.string("CRITICAL")])]))
        #expect(level.isError)
        #expect(level.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(level.text.contains("\"levels\""))
        #expect(level.text.contains("CRITICAL"))

        let time = host.runTool("server_logs_search", arguments: .object(["from": .string("yesterday morning")]))
        #expect(time.isError)
        #expect(time.text.contains("\"from\""))
        #expect(time.text.contains("yesterday morning"))

        let upsideDown = host.runTool("server_logs_search", arguments: .object([
            "from": .string("2025-03-05 03:00"), "to": .string("2025-03-05 02:00"),
        ]))
        #expect(upsideDown.isError)
        #expect(upsideDown.text.contains("upside down"))

        let limit = host.runTool("server_logs_search", arguments: .object(["limit": .number(0)]))
        #expect(limit.isError)
        #expect(limit.text.contains("\"limit\""))

        let appender = host.runTool("server_logs_search", arguments: .object(["appender": .string("tomcat")]))
        #expect(appender.isError)
        #expect(appender.text.contains("unknown appender \"tomcat\""))
        #expect(appender.text.contains("user_actions (user-action)"))

        let mistyped = host.runTool("server_logs_search", arguments: .object(["levels": .string("ERROR")]))
        #expect(mistyped.isError)
        #expect(mistyped.text.contains("levels"))

        #expect(F.requests(host, "logs.search").isEmpty)
    }

    @Test func theHostsCursorBecomesTheToolsCursorAndComesBack() throws {
        let hostCursor = "eyJmIjoiYWxsLmxvZyIsIm8iOjQ3MDAyfQ"
        let host = try F.host(["logs.search": { request in
            request["cursor"] == nil ? F.page([F.jobStart], matched: 1, nextCursor: hostCursor) : F.page([F.failedRun], matched: 2)
        }])
        let arguments: [String: PluginJSON] = ["from": .string("-2h"), "levels": .array([.string("INFO"), .string("ERROR")])]

        let first = host.runTool("server_logs_search", arguments: .object(arguments))
        #expect(!first.isError, "\(first.text)")
        #expect(first.structured?["hasMore"] == .bool(true))
        let cursor = try #require(first.structured?["nextCursor"]?.stringValue)
        #expect(cursor != hostCursor)
        #expect(first.text.contains("\"cursor\": \"\(cursor)\""))

        // Later than the first page: "-2h" must still mean what it meant then, as the cursor carries it.
        Thread.sleep(forTimeInterval: 0.02)
        var next = arguments
        next["cursor"] = .string(cursor)
        let second = host.runTool("server_logs_search", arguments: .object(next))
        #expect(!second.isError, "\(second.text)")

        let requests = F.requests(host, "logs.search")
        try #require(requests.count == 2)
        #expect(requests[1]["cursor"] == .string(hostCursor))
        #expect(requests[1]["log"] == .string("all"))
        #expect(requests[1]["from"] != nil)
        #expect(requests[1]["from"] == requests[0]["from"])
        #expect(second.structured?["matched"] == .number(2))
        #expect(second.structured?["hasMore"] == .bool(false))
        #expect(second.structured?["nextCursor"] == nil)

        // The cursor only continues the search that issued it.
        var other = next
        other["levels"] = .array([.string("ERROR")])
        let foreign = host.runTool("server_logs_search", arguments: .object(other))
        #expect(foreign.isError)
        #expect(foreign.text.contains("other arguments"))
        next["cursor"] = .string(hostCursor)
        let forged = host.runTool("server_logs_search", arguments: .object(next))
        #expect(forged.isError)
        #expect(forged.text.contains("\"cursor\" is not a cursor server_logs_search issued"))
        #expect(F.requests(host, "logs.search").count == 2)
    }

    @Test func theWorkerAppenderSearchesEveryWorkerLogAndPagesAcrossThem() throws {
        let host = try F.host(["logs.search": { request in
            switch request["log"]?.stringValue {
            case "worker": return F.page([F.workerOOM], matched: 1, totalBytes: 2_097_152)
            case "worker_node02": return F.page([F.node02Heap], matched: 1, totalBytes: 524_288)
            default: throw ServiceRefused(status: Int32(CDXMCP_NOT_FOUND), message: "no files for log \"\(request["log"]?.stringValue ?? "")\"")
            }
        }])

        let whole = host.runTool("server_logs_search", arguments: .object(["appender": .string("worker"), "limit": .number(5)]))
        #expect(!whole.isError, "\(whole.text)")
        let requests = F.requests(host, "logs.search")
        #expect(requests.map { $0["log"]?.stringValue } == ["worker", "worker_node02"])
        // The second log is asked only for what the page still has room for.
        #expect(requests.map { $0["limit"] } == [.number(5), .number(4)])
        #expect(whole.structured?["logs"] == .array([.string("worker"), .string("worker_node02")]))
        #expect(whole.structured?["matched"] == .number(2))
        #expect(whole.structured?["hasMore"] == .bool(false))
        #expect(whole.text.contains("Searched worker, worker_node02"))
        #expect(whole.text.contains("(worker worker.log:9120)"))
        #expect(whole.text.contains("(worker_node02 worker_node02.log:2210)"))

        // A page full after the first log continues with the next one, counting the matches before it.
        let first = host.runTool("server_logs_search", arguments: .object(["appender": .string("worker"), "limit": .number(1)]))
        #expect(first.structured?["shown"] == .number(1))
        #expect(first.structured?["hasMore"] == .bool(true))
        let cursor = try #require(first.structured?["nextCursor"]?.stringValue)
        let second = host.runTool("server_logs_search", arguments: .object([
            "appender": .string("worker"), "limit": .number(1), "cursor": .string(cursor),
        ]))
        #expect(!second.isError, "\(second.text)")
        let last = try #require(F.requests(host, "logs.search").last)
        #expect(last["log"] == .string("worker_node02"))
        #expect(last["cursor"] == nil)
        #expect(second.structured?["entries"]?[0]?["log"] == .string("worker_node02"))
        #expect(second.structured?["matched"] == .number(2))
        #expect(second.structured?["hasMore"] == .bool(false))
    }

    @Test func nothingMatchedSaysWhatTheLogCovers() throws {
        let host = try F.host(["logs.search": { _ in F.page([], matched: 0, totalBytes: 40_960) }])
        let run = host.runTool("server_logs_search", arguments: .object([
            "appender": .string("user-actions"), "text": .string("action=LOGIN result=FAILURE"),
        ]))
        #expect(!run.isError, "\(run.text)")
        #expect(F.requests(host, "logs.search").first?["log"] == .string("user-action"))
        #expect(run.structured?["entries"] == .array([]))
        #expect(run.text.contains("0 entries shown, 0 matched so far; no more entries."))
        #expect(run.text.contains("Nothing matched. user-action covers 2025-03-01 07:58:10.004 – 2025-03-05 09:41:22.331"))
    }

    @Test func refusalsReachTheModelAsErrors() throws {
        let denied = try F.host(["logs.list": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_DENIED), message: "plugin \"server-logs\" has no grant \"logs.read\" for logs.list; "
                + "add it to the plugin's \"grants\" in plugins.json")
        }])
        let run = denied.runTool("server_logs_search", arguments: .object(["appender": .string("all")]))
        #expect(run.isError)
        #expect(run.status == Int32(CDXMCP_FAILED))
        #expect(run.text.contains("no grant \"logs.read\""))
        #expect(F.requests(denied, "logs.search").isEmpty)
        #expect(denied.runTool("server_logs_list").text.contains("no grant \"logs.read\""))

        // The host's refusal of a bad pattern is the caller's mistake, and says which log refused it.
        let badRegex = try F.host(["logs.search": { _ in
            throw ServiceRefused(status: Int32(CDXMCP_INVALID_ARGUMENTS), message: "\"regex\" does not compile: missing closing parenthesis at offset 9")
        }])
        let refused = badRegex.runTool("server_logs_search", arguments: .object(["pattern": .string("(OutOfMem")]))
        #expect(refused.isError)
        #expect(refused.status == Int32(CDXMCP_INVALID_ARGUMENTS))
        #expect(refused.text.contains("server_logs_search on log \"all\""))
        #expect(refused.text.contains("missing closing parenthesis"))
    }

    @Test func anInstallationWithoutLogsNamesTheDirectoriesLookedIn() throws {
        let host = try F.host(["logs.list": { _ in .object(["logs": .array([])]) }])
        for run in [host.runTool("server_logs_search"), host.runTool("server_logs_list")] {
            #expect(run.isError)
            #expect(run.text.contains("no server logs found"))
            #expect(run.text.contains("/opt/clover/cloverlogs"))
            #expect(run.text.contains("/opt/tomcat/logs"))
        }
    }

    @Test func listingGivesTheAppenderNameAndSizeOfEachLog() throws {
        let host = try F.host([:])
        let run = host.runTool("server_logs_list")
        #expect(!run.isError, "\(run.text)")
        let logs = try #require(run.structured?["logs"]?.arrayValue)
        #expect(logs.map { $0["appender"]?.stringValue } == ["all", "worker", "worker", "user_actions"])
        #expect(logs.map { $0["files"] } == [.number(2), .number(1), .number(1), .number(1)])
        #expect(logs[0]["bytes"] == .number(18_874_368))
        #expect(run.text.hasPrefix("4 logs;"))
        #expect(run.text.contains("18.0 MB"))
        #expect(run.text.contains("2025-03-05 09:41:22.331"))
    }

    @Test func tailResourcePromptAndCompletionUseTheLogsThatExist() throws {
        let host = try F.host(["logs.tail": { _ in
            F.page([F.entry("2025-03-05 09:41:22.331", "INFO", thread: "http-nio-8080-exec-7", logger: "UserAction",
                            "user=jdoe domain=clover ip=10.1.2.3 action=LOGIN result=SUCCESS", file: "user-action.log", line: 812)],
                   totalBytes: 40_960)
        }])
        let tail = host.readResource("cloverdx://logs/user_actions")
        #expect(!tail.isError, "\(tail.text)")
        #expect(F.requests(host, "logs.tail") == [.object(["log": .string("user-action"), "entries": .number(100)])])
        #expect(tail.text.hasPrefix("Last 1 entries of log user-action (1 files, 40.0 KB, 2025-03-01 07:58:10.004 – 2025-03-05 09:41:22.331)"))
        #expect(tail.text.contains("action=LOGIN result=SUCCESS"))
        #expect(host.readResource("cloverdx://logs/all/../secrets").status == Int32(CDXMCP_NOT_FOUND))

        let prompt = host.getPrompt("analyze_server_logs", arguments: ["around": "2025-03-05 02:10", "minutes": "10", "appender": "worker"])
        #expect(!prompt.isError, "\(prompt.text)")
        #expect(prompt.text.contains("appender \"worker\", from \"2025-03-05 02:00:00.000\", to \"2025-03-05 02:20:00.000\""))
        #expect(prompt.text.contains("from \"2025-03-05 01:30:00.000\" to \"2025-03-05 02:50:00.000\""))
        #expect(prompt.text.contains("UTC+01:00"))
        let noMoment = host.getPrompt("analyze_server_logs", arguments: ["minutes": "10"])
        #expect(noMoment.isError)
        #expect(noMoment.text.contains("\"around\""))
        let badMinutes = host.getPrompt("analyze_server_logs", arguments: ["around": "2025-03-05 02:10", "minutes": "0"])
        #expect(badMinutes.isError)
        #expect(badMinutes.text.contains("\"minutes\""))

        #expect(host.complete(argument: "appender", value: "us") == ["user_actions", "user-action"])
        #expect(host.complete(argument: "logId", value: "WORK") == ["worker", "worker_node02"])
    }
}
