import Foundation
import Testing
@testable import LogCatalogue

@Suite("Tail and window")
struct TailAndWindowTests {
    @Test func tailReturnsTheLastEntriesOldestFirst() throws {
        let fixture = try LogFixture()
        var lines = cloverLines(from: "2025-03-05 10:00:00", count: 5_000)
        lines.insert(contentsOf: ["java.lang.OutOfMemoryError: Java heap space", "\tat a.b(C.java:1)"], at: 4_998)
        try fixture.write(lines, to: "all.log")

        let page = try fixture.catalogue().tail("all", entries: 3)

        #expect(page.entries.map(\.message) == ["Job runId=4997 finished status=FINISHED_OK\njava.lang.OutOfMemoryError: Java heap space\n\tat a.b(C.java:1)",
                                                "Job runId=4998 finished status=FINISHED_OK", "Job runId=4999 finished status=FINISHED_OK"])
        #expect(page.entries.allSatisfy { $0.line == nil })
        // Read backwards: far less than the file.
        #expect(page.scannedBytes < page.totalBytes / 4)
    }

    @Test func tailContinuesIntoOlderFilesIncludingCompressedOnes() throws {
        let fixture = try LogFixture()
        try fixture.writeGzip(cloverLines(from: "2025-03-04 10:00:00", count: 10, first: 0), to: "all.2025-03-04.1.log.gz")
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 3, first: 10), to: "all.log")

        let page = try fixture.catalogue().tail("all", entries: 5)

        #expect(page.entries.map(\.message) == (8..<13).map { "Job runId=\($0) finished status=FINISHED_OK" })
        #expect(page.entries.map(\.file) == ["all.2025-03-04.1.log.gz", "all.2025-03-04.1.log.gz", "all.log", "all.log", "all.log"])
        #expect(page.entries.map(\.line) == [9, 10, 1, 2, 3])
    }

    @Test func tailOfAFileWithoutTrailingLineBreakAndWithCRLF() throws {
        let fixture = try LogFixture()
        let text = cloverLines(from: "2025-03-05 10:00:00", count: 3).joined(separator: "\r\n")
        try Data(text.utf8).write(to: fixture.cloverLogs.appendingPathComponent("all.log"))

        let page = try fixture.catalogue().tail("all", entries: 2)

        #expect(page.entries.map(\.message) == ["Job runId=1 finished status=FINISHED_OK", "Job runId=2 finished status=FINISHED_OK"])
    }

    @Test func tailOfAJobRunLog() throws {
        let fixture = try LogFixture()
        try fixture.write([
            jobLine("2025-03-05 02:00:01,251", "Successfully started all nodes in phase!"),
            jobLine("2025-03-05 02:00:04,262", level: "ERROR", "Execution of phase [0] finished with error - elapsed time(sec): 3"),
            "org.jetel.exception.JetelRuntimeException: Component DB_OUTPUT_TABLE0 finished with status ERROR.",
        ], to: "18350.log", in: fixture.jobLogs)

        let page = try fixture.catalogue().tail("job/18350", entries: 1)

        #expect(page.entries.count == 1)
        #expect(page.entries[0].level == .error)
        #expect(page.entries[0].rawText.hasSuffix("finished with status ERROR."))
    }

    @Test func windowReturnsEntriesAroundATime() throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 600), to: "all.log")
        let catalogue = fixture.catalogue()

        let wide = try catalogue.window("all", around: .at("2025-03-05 10:05:00"), before: 30, after: 30, limit: 1_000)
        #expect(wide.entries.count == 61)
        #expect(wide.entries.first?.timestamp == .at("2025-03-05 10:04:30"))
        #expect(wide.entries.last?.timestamp == .at("2025-03-05 10:05:30"))
        #expect(!wide.truncated.limit)

        let narrow = try catalogue.window("all", around: .at("2025-03-05 10:05:00"), before: 30, after: 30, limit: 10)
        #expect(narrow.entries.map(\.timestamp) == (-5..<5).map { LogTimestamp.at("2025-03-05 10:05:00").adding(seconds: Double($0)) })
        #expect(narrow.truncated.limit)
    }

    @Test func windowGivesTheOtherSideItsShareWhenOneSideIsShort() throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 600), to: "all.log")

        let page = try fixture.catalogue().window("all", around: .at("2025-03-05 10:00:02"), before: 60, after: 60, limit: 10)

        #expect(page.entries.map(\.timestamp) == (0..<10).map { LogTimestamp.at("2025-03-05 10:00:00").adding(seconds: Double($0)) })
    }
}
