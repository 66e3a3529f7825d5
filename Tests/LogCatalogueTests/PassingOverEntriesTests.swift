import Foundation
import Testing
@testable import LogCatalogue

/// A search with text every match must contain passes over the entries without it (block by block,
/// see ``EntryScanner``); these pin that it finds exactly what splitting every entry finds, wherever
/// the text falls: across the 64 KiB reads, deep in a stack trace, on the first or the last line.
@Suite struct PassingOverEntriesTests {
    /// A log of about 1 MB whose matching entries (`NEEDLE` and a digit) are known.
    struct GeneratedLog {
        var data = Data()
        var matchingLines: [Int] = []
        private var nextLine = 1
        private var state: UInt64

        init(seed: UInt64) {
            state = seed
            generate()
        }

        private mutating func random(_ bound: Int) -> Int {
            // SplitMix64: the same log on every run.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }

        private mutating func append(_ lines: [String], matching: Bool, lineBreak: String = "\n", lastBreak: Bool = true) {
            if matching { matchingLines.append(nextLine) }
            for (index, line) in lines.enumerated() {
                data.append(contentsOf: line.utf8)
                if lastBreak || index < lines.count - 1 { data.append(contentsOf: lineBreak.utf8) }
                nextLine += 1
            }
        }

        private mutating func generate() {
            let time = "2025-03-05 02:00:00,114"
            let prefixLength = cloverLine(time, "").utf8.count
            // The first line starts an entry even without a timestamp.
            append(["orphan line NEEDLE1 before any entry", "\tat its.continuation(Line.java:1)"], matching: true)
            var boundary = 0
            while data.count < 1_000_000 {
                let nextBoundary = (data.count / 65_536 + 1) * 65_536
                let room = nextBoundary - data.count
                if nextBoundary > boundary, (prefixLength + 40..<prefixLength + 400).contains(room) {
                    // NEEDLE straddles the end of a 64 KiB read: on an entry's first line or in its stack trace.
                    boundary = nextBoundary
                    if boundary / 65_536 % 2 == 0 {
                        let filler = String(repeating: "f", count: room - 3 - prefixLength)
                        append([cloverLine(time, level: "ERROR", filler + "NEEDLE2 straddles")], matching: true)
                    } else {
                        let first = cloverLine(time, level: "ERROR", "Job failed")
                        let filler = String(repeating: "g", count: room - 3 - first.utf8.count - 1 - 4)
                        append([first, "\tat " + filler + "NEEDLE3 straddles", "\tat after.it(Line.java:2)"], matching: true)
                    }
                    continue
                }
                let message = String(repeating: "m", count: random(300))
                switch random(12) {
                case 0:
                    append([cloverLine(time, "starting \(message) NEEDLE\(random(10)) here")], matching: true)
                case 1:
                    // Deep in a long stack trace, whose first line lies reads earlier.
                    let depth = 1 + random(random(4) == 0 ? 900 : 8)
                    let frames = (0..<depth).map { "\tat com.example.Job.step\($0)(Job.java:\($0))" }
                    append([cloverLine(time, level: "ERROR", "failed \(message)")] + frames + ["Caused by: x.NEEDLE\(random(10))Exception"],
                           matching: true)
                case 2:
                    // The text without a digit after it: a candidate the regex turns down.
                    append([cloverLine(time, "NEEDLEx \(message)"), "\tat not.a(Match.java:3)"], matching: false)
                case 3:
                    append([cloverLine(time, "windows \(message)"), "\tat NEEDLE\(random(10)).crlf(Line.java:4)"], matching: true, lineBreak: "\r\n")
                case 4:
                    // A byte that is not UTF-8 before the text.
                    data.append(contentsOf: cloverLine(time, "invalid ").utf8)
                    data.append(0xFF)
                    append([" byte then NEEDLE4"], matching: true)
                default:
                    append([cloverLine(time, "plain \(message)")] + (0..<random(3)).map { "\tat ordinary.frame(Line.java:\($0))" }, matching: false)
                }
            }
            append([cloverLine(time, level: "ERROR", "last entry NEEDLE9 without a final line break")], matching: true, lastBreak: false)
        }
    }

    /// Every page of `query`, following cursors.
    func allPages(_ catalogue: LogCatalogue, _ query: LogQuery) throws -> (lines: [Int?], texts: [String], matched: Int) {
        var query = query
        var lines: [Int?] = [], texts: [String] = []
        var matched = 0
        repeat {
            let page = try catalogue.search(query)
            lines += page.entries.map(\.line)
            texts += page.entries.map(\.rawText)
            matched = page.matchedSoFar
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return (lines, texts, matched)
    }

    @Test(arguments: [false, true])
    func findsWhatSplittingEveryEntryFinds(compressed: Bool) throws {
        let log = GeneratedLog(seed: 7)
        let fixture = try LogFixture()
        let plain = fixture.cloverLogs.appendingPathComponent("all.log")
        try log.data.write(to: plain)
        if compressed {
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gzip.arguments = ["gzip", "-n", "-f", plain.path]
            try gzip.run()
            gzip.waitUntilExit()
            try FileManager.default.moveItem(at: fixture.cloverLogs.appendingPathComponent("all.log.gz"),
                                             to: fixture.cloverLogs.appendingPathComponent("all.2025-03-04.1.log.gz"))
        }
        let catalogue = fixture.catalogue()
        let logID = "all"
        // "NEEDLE" is text every match holds; the (?:) group hides it, so that search splits every entry.
        let passing = try allPages(catalogue, LogQuery(logID: logID, regex: "NEEDLE[0-9]", limit: 7))
        let splitting = try allPages(catalogue, LogQuery(logID: logID, regex: "(?:NEEDLE)[0-9]", limit: 7))

        #expect(passing.lines.compactMap { $0 } == log.matchingLines)
        #expect(passing.lines == splitting.lines)
        #expect(passing.texts == splitting.texts)
        #expect(passing.matched == log.matchingLines.count)
        #expect(splitting.matched == log.matchingLines.count)
        #expect(log.matchingLines.count > 100)
        // Four texts (NEEDLE1 … NEEDLE4) searched in one pass.
        let several = try allPages(catalogue, LogQuery(logID: logID, regex: "NEEDLE[1234]", limit: 7))
        #expect(several.lines == (try allPages(catalogue, LogQuery(logID: logID, regex: "(?:NEEDLE)[1234]", limit: 7))).lines)
        #expect(several.lines.count > 30)
    }

    @Test func severalNeedlesInOnePassFindTheFirstOfAny() {
        var state: UInt64 = 3
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("ab1 \n".utf8)
        for _ in 0..<2_000 {
            let haystack = (0..<random(300)).map { _ in alphabet[random(alphabet.count)] }
            let needles = (0..<1 + random(6)).map { _ in (0..<2 + random(6)).map { _ in alphabet[random(alphabet.count)] } }
            let expected = needles.compactMap { needle in
                haystack.count < needle.count ? nil : (0...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
            }.min()
            let set = NeedleSet(needles.map { ByteNeedle($0, caseInsensitive: false) })
            haystack.withUnsafeBytes { bytes in
                #expect(set.firstIndex(in: bytes) == expected)
                #expect(set.tuned(to: bytes).firstIndex(in: bytes) == expected)
            }
        }
    }

    @Test func textSearchPassesOverEntriesToo() throws {
        let log = GeneratedLog(seed: 11)
        let fixture = try LogFixture()
        try log.data.write(to: fixture.cloverLogs.appendingPathComponent("all.log"))
        let catalogue = fixture.catalogue()

        // Case-insensitive text: the decoys without a digit match too.
        let byText = try allPages(catalogue, LogQuery(logID: "all", text: "needle", limit: 50))
        let byRegex = try allPages(catalogue, LogQuery(logID: "all", regex: "(?:NEEDLE)", limit: 50))
        #expect(byText.lines == byRegex.lines)
        #expect(byText.lines.count > log.matchingLines.count)
    }
}
