import CloverPluginSupport
import Foundation
import PluginKit
import Testing

@Suite struct ServerTimeTests {
    /// The demo server's zone, and an instant on its clock: 2025-03-05 12:00:00 +01:00.
    let clock = ServerTime(timeZone: TimeZone(secondsFromGMT: 3_600)!, now: { Date(timeIntervalSince1970: 1_741_172_400) })

    @Test func localTimesAreTakenAsWritten() throws {
        #expect(try clock.parse("2025-03-05 02:10:07", argument: "from").text == "2025-03-05 02:10:07.000")
        #expect(try clock.parse("2025-03-05T02:10", argument: "from").text == "2025-03-05 02:10:00.000")
        #expect(try clock.parse("2025-03-05", argument: "from").text == "2025-03-05 00:00:00.000")
        #expect(try clock.parse("2025-03-05 02:10:07,5", argument: "from").text == "2025-03-05 02:10:07.500")
        #expect(try clock.parse("2025-03-05 02:10:07.123456", argument: "from").text == "2025-03-05 02:10:07.123")
    }

    @Test func zonedTimesBecomeServerTime() throws {
        #expect(try clock.parse("2025-03-05T01:10:07Z", argument: "from").text == "2025-03-05 02:10:07.000")
        #expect(try clock.parse("2025-03-05T03:10:07+02:00", argument: "from").text == "2025-03-05 02:10:07.000")
        #expect(try clock.parse("2025-03-04T20:10:07-0500", argument: "from").text == "2025-03-05 02:10:07.000")
    }

    @Test func relativeTimesCountBackFromNow() throws {
        #expect(try clock.parse("now", argument: "to").text == "2025-03-05 12:00:00.000")
        #expect(try clock.parse("-2h", argument: "from").text == "2025-03-05 10:00:00.000")
        #expect(try clock.parse("-30m", argument: "from").text == "2025-03-05 11:30:00.000")
        #expect(try clock.parse("-7d", argument: "from").text == "2025-02-26 12:00:00.000")
    }

    @Test(arguments: ["yesterday", "2025-13-01", "2025-02-30 10:00", "2025-03-05 24:00", "2025-03-05T10:00+25:00", "-2w", ""])
    func unreadableTimesNameTheAcceptedFormats(text: String) {
        #expect {
            try clock.parse(text, argument: "from")
        } throws: { error in
            "\(error)".contains("\"from\"") && "\(error)".contains("yyyy-MM-dd HH:mm")
        }
    }

    @Test func anUpsideDownWindowIsRefused() throws {
        #expect(throws: ToolError.self) { try TimeWindow.parse(from: "2025-03-05 10:00", to: "2025-03-05 09:00", clock: clock) }
        let window = try TimeWindow.parse(from: "2025-03-05 09:00", to: nil, clock: clock)
        #expect(window.from?.isoText == "2025-03-05T09:00:00.000" && window.to == nil)
    }

    @Test func offsetTextFollowsTheZone() throws {
        let prague = ServerTime(timeZone: TimeZone(identifier: "Europe/Prague")!)
        #expect(prague.offsetText(at: try prague.parse("2025-01-15 12:00", argument: "t")) == "+01:00")
        #expect(prague.offsetText(at: try prague.parse("2025-07-15 12:00", argument: "t")) == "+02:00")
    }
}

@Suite struct SupportHelperTests {
    @Test func limitsAreLoweredWithANoteOrRefused() throws {
        let big = try ResultLimit(10_000_000, default: 50, maximum: 1_000)
        #expect(big.value == 1_000 && big.note?.contains("10000000") == true)
        #expect(try ResultLimit(nil, default: 50, maximum: 1_000).value == 50)
        #expect(try ResultLimit(7, default: 50, maximum: 1_000) == ResultLimit(7, default: 1, maximum: 10))
        #expect(throws: ToolError.self) { try ResultLimit(0, default: 50, maximum: 1_000) }
        #expect(try ResultLimit(20, default: 5, maximum: 10, argument: "top", more: nil).note == "\"top\" 20 was lowered to the maximum of 10")
        #expect(try ResultLimit(20, default: 5, maximum: 10, more: "page with OFFSET").note?.hasSuffix("; page with OFFSET") == true)
    }

    @Test func sqlLiteralsDoubleQuotesAndEscapeLikeWildcards() {
        #expect(SQLText.literal("it's") == "'it''s'")
        #expect(SQLText.literal("a\u{0}'; DROP TABLE x; --") == "'a''; DROP TABLE x; --'")
        #expect(SQLText.likeLiteral("50%_off", contains: true) == #"'%50\%\_off%' ESCAPE '\'"#)
    }

    @Test func tablesAlignAndClipCells() {
        let text = TextTable.render(header: ["runId", "status"], rows: [["18350", "ERROR"], ["7", String(repeating: "x", count: 80)]], maxCellWidth: 10)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "runId  status")
        #expect(lines[1] == "-----  ----------")
        #expect(lines[2] == "18350  ERROR")
        #expect(lines[3] == "7      xxxxxxxxx…")
    }
}
