import Foundation
import Testing
@testable import LogCatalogue

@Suite("Search")
struct LogSearchTests {
    /// An all.log with a stack trace, several levels and a malformed first line.
    static func serverLog(_ fixture: LogFixture) throws {
        try fixture.write([
            "Picked up JAVA_TOOL_OPTIONS: -Xmx2g",
            cloverLine("2025-03-05 02:00:00,114", "Starting job runId=18342 sandbox=dwh job=graph/LoadOrders.grf user=scheduler"),
            cloverLine("2025-03-05 02:10:07,561", thread: "ecutorThread-15", level: "ERROR",
                       "Job runId=18350 finished status=ERROR component=DB_OUTPUT_TABLE0: Connection refused"),
            "org.jetel.exception.ComponentNotReadyException: Connection refused",
            "\tat org.jetel.component.DBOutputTable.init(DBOutputTable.java:412)",
            "\tat org.jetel.graph.Node.run(Node.java:465)",
            "Caused by: java.net.ConnectException: Connection refused",
            "\t... 12 more",
            cloverLine("2025-03-05 02:10:08,000", level: "WARN", "Retrying runId=18350 in 60 s"),
            cloverLine("2025-03-05 03:12:40,002", thread: "s StdOut reader", logger: "WorkerProcess",
                       "[worker0@node01:10500]: java.lang.OutOfMemoryError: Java heap space"),
            cloverLine("2025-03-05 04:00:00,000", level: "DEBUG", "heartbeat ok"),
        ], to: "all.log")
    }

    @Test func keepsMultiLineStackTracesWhole() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)

        let page = try fixture.catalogue().search(LogQuery(logID: "all", text: "caused by"))

        let entry = try #require(page.entries.first)
        #expect(page.entries.count == 1)
        #expect(entry.level == .error)
        #expect(entry.line == 3)
        #expect(entry.timestamp == .at("2025-03-05 02:10:07.561"))
        #expect(entry.message.hasPrefix("Job runId=18350 finished status=ERROR"))
        #expect(entry.rawText.components(separatedBy: "\n").count == 6)
        #expect(entry.rawText.hasSuffix("\t... 12 more"))
        #expect(entry.file == "all.log")
    }

    @Test func keepsMalformedFirstLineAsItsOwnEntry() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)
        let catalogue = fixture.catalogue()

        let everything = try catalogue.search(LogQuery(logID: "all"))
        #expect(everything.entries.count == 6)
        #expect(everything.entries[0].rawText == "Picked up JAVA_TOOL_OPTIONS: -Xmx2g")
        #expect(everything.entries[0].timestamp == nil)
        #expect(everything.entries[0].line == 1)
        #expect(everything.entries[1].line == 2)
        #expect(try catalogue.search(LogQuery(logID: "all", text: "java_tool_options")).entries.count == 1)
        // With a time range, an entry without a time cannot be placed in it.
        #expect(try catalogue.search(LogQuery(logID: "all", from: .at("2000-01-01"))).entries.count == 5)
    }

    @Test func filtersByTimeRangeInclusively() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)

        let page = try fixture.catalogue().search(LogQuery(logID: "all", from: .at("2025-03-05 02:10:07.561"), to: .at("2025-03-05 03:12:40.002")))

        #expect(page.entries.map(\.timestamp) == [.at("2025-03-05 02:10:07.561"), .at("2025-03-05 02:10:08"), .at("2025-03-05 03:12:40.002")])
    }

    @Test func filtersByLevels() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)

        let page = try fixture.catalogue().search(LogQuery(logID: "all", levels: [.warn, .error]))

        #expect(page.entries.map(\.level) == [.error, .warn])
    }

    @Test func filtersByRegexWithLineAnchors() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)
        let catalogue = fixture.catalogue()

        #expect(try catalogue.search(LogQuery(logID: "all", regex: "^Caused by: java\\.net\\.\\w+Exception")).entries.map(\.line) == [3])
        #expect(try catalogue.search(LogQuery(logID: "all", regex: "runId=183[45]\\d")).entries.count == 3)
        // Regex is case-sensitive; a pattern without special characters is searched for literally.
        #expect(try catalogue.search(LogQuery(logID: "all", regex: "OutOfMemoryError")).entries.count == 1)
        #expect(try catalogue.search(LogQuery(logID: "all", regex: "outofmemoryerror")).entries.isEmpty)
        let error = #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", regex: "(unclosed")) }
        #expect(error?.code == .invalidQuery)
    }

    @Test func aCatastrophicRegexIsStoppedWithAReason() throws {
        let fixture = try LogFixture()
        try fixture.write([cloverLine("2025-03-05 02:00:00,114", String(repeating: "a", count: 64) + "!"),
                           cloverLine("2025-03-05 02:00:01,114", "aaa")], to: "all.log")
        let catalogue = fixture.catalogue()
        let started = ContinuousClock.now
        // Backtracking (a+)+$ over 64 letters would take longer than the universe is old.
        let error = #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", regex: "(a+)+$")) }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(error?.code == .invalidQuery && error?.description.contains("nested quantifiers") == true)
        // The same pattern on entries it can decide quickly still works.
        try fixture.write([cloverLine("2025-03-05 02:00:01,114", "aaa")], to: "all.log")
        #expect(try catalogue.search(LogQuery(logID: "all", regex: "(a+)+$")).entries.count == 1)
    }

    @Test func filtersByTextCaseInsensitively() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)
        try fixture.write([cloverLine("2025-03-05 02:00:00,114", "Uživatel Žluťoučký přihlášen"),
                           cloverLine("2025-03-05 02:00:01,114", "nothing here")], to: "user-action.log")
        let catalogue = fixture.catalogue()

        #expect(try catalogue.search(LogQuery(logID: "all", text: "CONNECTION REFUSED")).entries.count == 1)
        #expect(try catalogue.search(LogQuery(logID: "all", text: "heap SPACE")).entries.map(\.line) == [10])
        #expect(try catalogue.search(LogQuery(logID: "all", text: "no such text")).entries.isEmpty)
        #expect(try catalogue.search(LogQuery(logID: "user-action", text: "žluťOUČKÝ")).entries.count == 1)
    }

    @Test func combinesFilters() throws {
        let fixture = try LogFixture()
        try Self.serverLog(fixture)

        let page = try fixture.catalogue().search(LogQuery(logID: "all", from: .at("2025-03-05 02:00:00"), to: .at("2025-03-05 03:00:00"),
                                                           levels: [.info, .warn], regex: "runId=\\d+", text: "retrying"))

        #expect(page.entries.map(\.message) == ["Retrying runId=18350 in 60 s"])
    }

    @Test func searchesAcrossRotatedAndCompressedFilesInOrder() throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-03 10:00:00", count: 3, first: 0), to: "all.log.1")
        try fixture.writeGzip(cloverLines(from: "2025-03-04 10:00:00", count: 3, first: 3), to: "all.2025-03-04.1.log.gz")
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 3, first: 6), to: "all.log")

        let page = try fixture.catalogue().search(LogQuery(logID: "all", text: "runId="))

        #expect(page.entries.map(\.message) == (0..<9).map { "Job runId=\($0) finished status=FINISHED_OK" })
        #expect(page.entries.map(\.file) == Array(repeating: "all.log.1", count: 3) + Array(repeating: "all.2025-03-04.1.log.gz", count: 3)
            + Array(repeating: "all.log", count: 3))
        #expect(page.nextCursor == nil)
        #expect(page.warnings.isEmpty)
    }

    @Test func timeRangeSkipsFilesOutsideIt() throws {
        let fixture = try LogFixture()
        var day4: URL?
        for (day, name) in [("2025-03-01", "all.2025-03-01.1.log.gz"), ("2025-03-02", "all.2025-03-02.1.log.gz"),
                            ("2025-03-03", "all.2025-03-03.1.log.gz"), ("2025-03-04", "all.2025-03-04.1.log.gz")] {
            let url = try fixture.writeGzip(cloverLines(from: "\(day) 00:00:00", count: 20_000), to: name)
            if day == "2025-03-04" { day4 = url }
        }
        try fixture.write(cloverLines(from: "2025-03-05 00:00:00", count: 20_000), to: "all.log")
        var processed: [Int64] = []

        let page = try fixture.catalogue().search(LogQuery(logID: "all", from: .at("2025-03-04 01:00:00"), to: .at("2025-03-04 01:00:09")),
                                                  progress: { processed.append($0.processedBytes) })

        #expect(page.entries.count == 10)
        #expect(page.scannedBytes == (try fixture.size(of: try #require(day4))))
        #expect(page.scannedBytes < page.totalBytes / 3)
        #expect(processed.last == page.totalBytes)
    }

    @Test func pagingReturnsEveryMatchExactlyOnce() throws {
        let fixture = try LogFixture()
        try fixture.writeGzip(cloverLines(from: "2025-03-04 10:00:00", count: 40, first: 0), to: "all.2025-03-04.1.log.gz")
        var live = cloverLines(from: "2025-03-05 10:00:00", count: 40, first: 40)
        live.insert(contentsOf: ["java.lang.IllegalStateException: boom", "\tat x.y(Z.java:1)"], at: 11)
        try fixture.write(live, to: "all.log")
        let catalogue = fixture.catalogue()
        let expected = try catalogue.search(LogQuery(logID: "all", text: "runId=", limit: 1_000)).entries.map(\.rawText)
        #expect(expected.count == 80)

        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try catalogue.search(LogQuery(logID: "all", text: "runId=", limit: 7, cursor: cursor))
            seen += page.entries.map(\.rawText)
            #expect(page.matchedSoFar == seen.count)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 100

        #expect(seen == expected)
        #expect(pages == 12)
    }

    @Test func pagesStopAtMaxBytesAndContinue() throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 30), to: "all.log")
        let catalogue = fixture.catalogue()
        let lineBytes = cloverLines(from: "2025-03-05 10:00:00", count: 1)[0].utf8.count

        let first = try catalogue.search(LogQuery(logID: "all", maxBytes: lineBytes * 4 + 10))
        #expect(first.entries.count == 4)
        #expect(first.truncated.pageBytes)
        let second = try catalogue.search(LogQuery(logID: "all", cursor: first.nextCursor, maxBytes: lineBytes * 100))
        #expect(second.entries.count == 26)
        #expect(second.entries.first?.message == "Job runId=4 finished status=FINISHED_OK")
        #expect(second.nextCursor == nil)
    }

    @Test func cutsEntriesOverTheCapWithAMarker() throws {
        let fixture = try LogFixture()
        let huge = String(repeating: "é", count: 1_500_000)
        try fixture.write([cloverLine("2025-03-05 10:00:00,000", "start " + huge), cloverLine("2025-03-05 10:00:01,000", "next")], to: "all.log")

        let page = try fixture.catalogue().search(LogQuery(logID: "all", maxEntryBytes: 1_001))

        #expect(page.entries.count == 2)
        let entry = page.entries[0]
        #expect(entry.isTruncated)
        #expect(page.truncated.entryText)
        #expect(entry.byteLength == cloverLine("2025-03-05 10:00:00,000", "start " + huge).utf8.count)
        #expect(entry.rawText.contains("[entry truncated: "))
        #expect(!entry.rawText.contains("\u{FFFD}"))
        #expect(page.entries[1].message == "next")
        #expect(page.entries[1].line == 2)
    }

    @Test func rejectsForgedCursors() throws {
        let fixture = try LogFixture()
        var lines = cloverLines(from: "2025-03-05 10:00:00", count: 10)
        lines.insert("\tat org.jetel.graph.Node.run(Node.java:465)", at: 2)
        let embedded = cloverLine("2025-03-05 10:00:09,000", "runId quoted")
        lines.append(cloverLine("2025-03-05 10:00:10,000", "echo " + embedded))
        try fixture.write(lines, to: "all.log")
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 10), to: "worker.log")
        let catalogue = fixture.catalogue()
        let query = LogQuery(logID: "all", text: "runId", limit: 3)
        let page = try catalogue.search(query)
        let cursor = try #require(page.nextCursor)
        let descriptor = try catalogue.descriptor(for: "all")

        func rejected(_ forged: String, log: String = "all", text: String = "runId") -> LogCatalogueError? {
            var next = query
            next.logID = log
            next.text = text
            next.cursor = forged
            return #expect(throws: LogCatalogueError.self) { try catalogue.search(next) }
        }
        // Garbage, a flipped character, a cursor of another log or another query.
        #expect(rejected("not-a-cursor")?.code == .invalidCursor)
        let flipped = String(cursor.dropLast(3)) + (cursor.suffix(3) == "AAA" ? "BBB" : "AAA")
        #expect(rejected(flipped)?.code == .invalidCursor)
        #expect(rejected(cursor, log: "worker")?.code == .invalidCursor)
        #expect(rejected(cursor, text: "other")?.code == .invalidCursor)
        // Correctly sealed but pointing into the middle of a line, past the end, or at a file not in the log.
        let midLine = SearchCursor.encode(ScanPosition(fileIndex: 0, offset: 5, line: 1), matched: 0, query: query, descriptor: descriptor)
        #expect(rejected(midLine)?.code == .invalidCursor)
        let continuationOffset = Int64(lines[0..<2].reduce(0) { $0 + $1.utf8.count + 1 })
        let continuation = SearchCursor.encode(ScanPosition(fileIndex: 0, offset: continuationOffset, line: 3), matched: 0, query: query, descriptor: descriptor)
        #expect(rejected(continuation)?.code == .invalidCursor)
        let embeddedOffset = Int64(lines.dropLast().reduce(0) { $0 + $1.utf8.count + 1 } + lines.last!.utf8.count - embedded.utf8.count)
        let inLine = SearchCursor.encode(ScanPosition(fileIndex: 0, offset: embeddedOffset, line: 12), matched: 0, query: query, descriptor: descriptor)
        #expect(rejected(inLine)?.code == .invalidCursor)
        let pastEnd = SearchCursor.encode(ScanPosition(fileIndex: 0, offset: descriptor.totalBytes + 1, line: 1), matched: 0, query: query, descriptor: descriptor)
        #expect(rejected(pastEnd)?.code == .invalidCursor)
        let payload = String(decoding: try #require(Data(base64Encoded: Self.padded(cursor))), as: UTF8.self)
        let otherFile = payload.replacingOccurrences(of: "\nall.log\n", with: "\n../../etc/passwd\n")
        #expect(rejected(Data(otherFile.utf8).base64EncodedString())?.code == .invalidCursor)
        // The genuine cursor still works.
        var next = query
        next.cursor = cursor
        #expect(try catalogue.search(next).entries.count == 3)
    }

    @Test func cursorOfRotatedLogIsRefused() throws {
        let fixture = try LogFixture()
        let live = try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 10), to: "all.log")
        let catalogue = fixture.catalogue()
        let page = try catalogue.search(LogQuery(logID: "all", limit: 3))
        // log4j renames the live file and starts a new one.
        try FileManager.default.moveItem(at: live, to: fixture.cloverLogs.appendingPathComponent("all.2025-03-05.1.log"))
        try fixture.write(cloverLines(from: "2025-03-05 11:00:00", count: 20), to: "all.log")

        let error = #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", limit: 3, cursor: page.nextCursor)) }
        #expect(error?.code == .invalidCursor)
        #expect(error?.description.contains("rotated") == true)
    }

    @Test func truncatedGzipYieldsEarlierEntriesAndAWarning() throws {
        let fixture = try LogFixture()
        let archived = cloverLines(from: "2025-03-04 10:00:00", count: 20_000)
        let archive = try fixture.writeGzip(archived, to: "all.2025-03-04.1.log.gz")
        let data = try Data(contentsOf: archive)
        try data.prefix(data.count / 2).write(to: archive)
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 5, first: 100_000), to: "all.log")

        let page = try fixture.catalogue().search(LogQuery(logID: "all", text: "runId=", limit: 1_000))
        let all = try Self.searchAll(fixture.catalogue(), LogQuery(logID: "all", text: "runId="))

        #expect(page.entries.count == 1_000)
        #expect(page.entries.prefix(1_000).map(\.rawText) == Array(archived.prefix(1_000)))
        let fromArchive = all.entries.filter { $0.file == "all.2025-03-04.1.log.gz" }
        #expect(fromArchive.count > 1_000 && fromArchive.count < 20_000)
        #expect(fromArchive.dropLast().map(\.rawText) == Array(archived.prefix(fromArchive.count - 1)))
        #expect(all.entries.filter { $0.file == "all.log" }.count == 5)
        #expect(all.warnings.count == 1)
        #expect(all.warnings.first?.contains("all.2025-03-04.1.log.gz is truncated") == true)
    }

    @Test func corruptGzipYieldsEarlierEntriesAndAWarning() throws {
        let fixture = try LogFixture()
        let archive = try fixture.writeGzip(cloverLines(from: "2025-03-04 10:00:00", count: 20_000), to: "all.2025-03-04.1.log.gz")
        var data = try Data(contentsOf: archive)
        for index in stride(from: data.count / 2, to: data.count / 2 + 64, by: 1) { data[index] ^= 0x5A }
        try data.write(to: archive)
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 5, first: 100_000), to: "all.log")

        let all = try Self.searchAll(fixture.catalogue(), LogQuery(logID: "all"))

        #expect(all.entries.filter { $0.file == "all.2025-03-04.1.log.gz" }.count > 1_000)
        #expect(all.entries.filter { $0.file == "all.log" }.count == 5)
        #expect(all.warnings.contains { $0.contains("all.2025-03-04.1.log.gz is corrupt") })
    }

    @Test func rejectsBadLimitsAndRanges() throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 1_200), to: "all.log")
        let catalogue = fixture.catalogue()

        #expect(try catalogue.search(LogQuery(logID: "all", limit: 5_000, maxBytes: 10_000_000)).entries.count == 1_000)
        #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", limit: 0)) }
        #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", from: .at("2025-03-06"), to: .at("2025-03-05"))) }
        #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", maxBytes: 0)) }
    }

    @Test func cancellationStopsASearch() throws {
        let fixture = try LogFixture()
        let chunk = Data(cloverLines(from: "2025-03-05 10:00:00", count: 8_000).map { $0 + "\n" }.joined().utf8)
        let url = fixture.cloverLogs.appendingPathComponent("all.log")
        try #require(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        for _ in 0..<30 { handle.write(chunk) }
        try handle.close()
        var progressCalls = 0
        var cancelled = false

        #expect(throws: CancellationError.self) {
            try fixture.catalogue().search(LogQuery(logID: "all", text: "never there"),
                                          progress: { _ in progressCalls += 1; if progressCalls == 3 { cancelled = true } },
                                          isCancelled: { cancelled })
        }
        #expect(progressCalls == 3)
    }

    /// Every page of a search, merged.
    static func searchAll(_ catalogue: LogCatalogue, _ query: LogQuery) throws -> LogSearchPage {
        var merged = LogSearchPage()
        var next = query
        next.limit = 1_000
        next.maxBytes = 100_000_000
        repeat {
            let page = try catalogue.search(next)
            merged.entries += page.entries
            merged.warnings += page.warnings
            next.cursor = page.nextCursor
        } while next.cursor != nil
        return merged
    }

    static func padded(_ base64url: String) -> String {
        let base64 = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
    }
}

@Suite struct RequiredLiteralsTests {
    func literals(_ pattern: String) -> [String]? {
        EntryFilter.requiredLiterals(of: pattern)?.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func alternativesEachNeedTheirOwnText() {
        #expect(literals("Too many open files|OutOfMemoryError") == ["Too many open files", "OutOfMemoryError"])
        #expect(literals(#"HTTP/1\.1 (401|403|404) "#) == ["HTTP/1.1 401 ", "HTTP/1.1 403 ", "HTTP/1.1 404 "])
        // The longest run of each choice: "runId=" for one, " ABORTED" for the other.
        #expect(literals(#"runId=\d+ (ERROR|ABORTED)"#) == ["runId=", " ABORTED"])
        #expect(literals("java\\.lang\\.OutOfMemoryError") == ["java.lang.OutOfMemoryError"])
    }

    @Test func whatCannotBeToldForSureGivesNoPrefilter() {
        #expect(literals("ERROR|") == nil)                    // the empty alternative matches anything
        #expect(literals("ab|cd") == nil)                     // too short to be worth a search
        #expect(literals("(?i)timeout|refused") == nil)       // inline flags change what letters match
        #expect(literals("(Timeout|refused)?x") == nil)        // an optional group
        #expect(literals("(a|b|c|d|e)(f|g|h|i|j)xyz") == nil) // 25 expansions: over the budget
        #expect(literals("[|]abc|def") == nil)                // a bar inside a class: not split wrongly, no prefilter
    }

    @Test func searchesWithAlternativesFindEveryMatch() throws {
        let fixture = try LogFixture()
        try fixture.write([cloverLine("2025-03-05 02:00:00,114", "GET /a HTTP/1.1 401 12"),
                           cloverLine("2025-03-05 02:00:01,114", "GET /b HTTP/1.1 200 12"),
                           cloverLine("2025-03-05 02:00:02,114", "GET /c HTTP/1.1 404 12"),
                           cloverLine("2025-03-05 02:00:03,114", "Too many open files"),
                           cloverLine("2025-03-05 02:00:04,114", "OutOfMemoryError")], to: "all.log")
        let catalogue = fixture.catalogue()
        #expect(try catalogue.search(LogQuery(logID: "all", regex: #"HTTP/1\.1 (401|403|404) "#)).entries.map(\.line) == [1, 3])
        #expect(try catalogue.search(LogQuery(logID: "all", regex: "Too many open files|OutOfMemoryError")).entries.map(\.line) == [4, 5])
    }
}

extension RequiredLiteralsTests {
    @Test func smallClassesAreExpandedLikeAlternatives() {
        #expect(literals("[45]0[134] [0-9]+$") == ["401 ", "403 ", "404 ", "501 ", "503 ", "504 "])
        #expect(EntryFilter.smallClassesAsGroups("[45]0[0-9][^ab]x[]a]") == "(4|5)0[0-9][^ab]x[]a]")
        #expect(EntryFilter.smallClassesAsGroups(#"\[45] [[:digit:]]"#) == #"\[45] [[:digit:]]"#)
        #expect(literals("[abcde]xy") == nil)  // five members: left a class, and "xy" is too short
        #expect(literals("[ab]+xyz") == ["xyz"])  // each choice needs the same text: searched once
    }
}
