import Foundation

/// The line layouts of docs/CLOVERDX.md, "Log line layouts". A line that starts an entry is recognised by its timestamp
/// prefix; every other line continues the entry before it.
enum LogFormat: Sendable, Hashable {
    /// cloverlogs text logs: `yyyy-MM-dd HH:mm:ss,SSS[thread15] logger level message`.
    case cloverServer
    /// Job run log: `yyyy-MM-dd HH:mm:ss,SSS LEVEL runId [thread] message`.
    case jobRun
    /// `server-integration.log`: `yyyy-MM-dd HH:mm:ss,SSS ip user=…`.
    case serverIntegration
    /// `performance.log`, `job-queue.log`: one JSON object per line with `"time":"yyyy-MM-dd HH:mm:ss.SSS"`.
    case jsonLines
    /// Tomcat access log, `%h %l %u %t %D %r %s %b` or `%h %l %u %t "%r" %s %b`.
    case tomcatAccess
    /// Tomcat JULI `dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] source message`; `catalina.out` may also
    /// carry lines in the cloverlogs layout, which are recognised too.
    case catalina

    /// How far into a line a start is looked for (the access log's `[` after host and user, the
    /// JSON `time` key): the same in forward and backward reading, so both agree on entry boundaries.
    static let probeBytes = 512

    /// The timestamp of an entry's first line, when the line starts one.
    struct EntryStart {
        var timestamp: LogTimestamp?
    }

    /// Where the parts of an entry's first line are, as byte ranges of that line.
    struct Header {
        var level: LogEntryLevel?
        var thread: Range<Int>?
        var logger: Range<Int>?
        var messageStart = 0
    }

    /// Whether `line` starts a new entry, and its time.
    func entryStart(_ line: UnsafeRawBufferPointer, clock: ServerClock?) -> EntryStart? {
        guard let first = line.first else { return nil }
        switch self {
        case .cloverServer, .serverIntegration, .jobRun:
            guard first &- 0x30 < 10, let (stamp, _) = LogTimestamp.parseISO(line, at: 0, fractionRequired: true) else { return nil }
            return EntryStart(timestamp: stamp)
        case .catalina:
            guard first &- 0x30 < 10 else { return nil }
            if let stamp = LogTimestamp.parseJULI(line, at: 0) { return EntryStart(timestamp: stamp) }
            guard let (stamp, _) = LogTimestamp.parseISO(line, at: 0, fractionRequired: true) else { return nil }
            return EntryStart(timestamp: stamp)
        case .jsonLines:
            var index = 0
            while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
            guard index < line.count, line[index] == UInt8(ascii: "{") else { return nil }
            return EntryStart(timestamp: Self.jsonTime(line))
        case .tomcatAccess:
            let probe = min(line.count, Self.probeBytes)
            guard let open = memchr(line.baseAddress!, Int32(UInt8(ascii: "[")), probe) else { return nil }
            let at = line.baseAddress!.distance(to: UnsafeRawPointer(open)) + 1
            guard at + 26 < line.count, line[at + 26] == UInt8(ascii: "]"),
                  let (wall, offset) = LogTimestamp.parseAccess(line, at: at) else { return nil }
            return EntryStart(timestamp: clock?.serverWallClock(wall, offsetSeconds: offset) ?? wall)
        }
    }

    private static let timeKey = ByteNeedle("\"time\"".utf8, caseInsensitive: false)

    /// The `"time":"…"` value of a JSON line, looked for within ``probeBytes``.
    private static func jsonTime(_ line: UnsafeRawBufferPointer) -> LogTimestamp? {
        let probe = UnsafeRawBufferPointer(rebasing: line[0..<min(line.count, probeBytes)])
        guard let found = timeKey.firstIndex(in: probe) else { return nil }
        var index = line.skippingSpaces(from: found + 6)
        guard index < line.count, line[index] == UInt8(ascii: ":") else { return nil }
        index = line.skippingSpaces(from: index + 1)
        guard index < line.count, line[index] == UInt8(ascii: "\"") else { return nil }
        return LogTimestamp.parseISO(line, at: index + 1, fractionRequired: false)?.0
    }

    /// Splits an entry's first line into level, thread, logger and where the message starts.
    /// A line that does not have the layout's shape gets a header with only `messageStart == 0`.
    func header(_ line: UnsafeRawBufferPointer) -> Header {
        switch self {
        case .cloverServer:
            return Self.cloverServerHeader(line)
        case .jobRun:
            return Self.jobRunHeader(line)
        case .serverIntegration:
            guard let (_, length) = LogTimestamp.parseISO(line, at: 0, fractionRequired: true) else { return Header() }
            return Header(messageStart: length < line.count && line[length] == 0x20 ? length + 1 : length)
        case .jsonLines, .tomcatAccess:
            return Header()
        case .catalina:
            return LogTimestamp.parseJULI(line, at: 0) != nil ? Self.juliHeader(line) : Self.cloverServerHeader(line)
        }
    }

    /// `%d[%-15.15t] %-16c{1} %-9p %m`: the thread is cut or padded to 15 characters, so its `]` is
    /// found at a fixed place; a thread name with non-ASCII characters falls back to the first `]`.
    private static func cloverServerHeader(_ line: UnsafeRawBufferPointer) -> Header {
        guard let (_, length) = LogTimestamp.parseISO(line, at: 0, fractionRequired: true) else { return Header() }
        var header = Header(messageStart: length)
        var index = length
        if index < line.count, line[index] == UInt8(ascii: "[") {
            let close: Int
            if index + 16 < line.count, line[index + 16] == UInt8(ascii: "]") {
                close = index + 16
            } else if let found = line.firstIndex(of: UInt8(ascii: "]"), from: index + 1) {
                close = found
            } else {
                return header
            }
            header.thread = line.trimmingSpaces(index + 1..<close)
            index = close + 1
            header.messageStart = index < line.count && line[index] == 0x20 ? index + 1 : index
        }
        let loggerStart = line.skippingSpaces(from: index)
        let loggerEnd = line.tokenEnd(from: loggerStart)
        let levelStart = line.skippingSpaces(from: loggerEnd)
        let levelEnd = line.tokenEnd(from: levelStart)
        guard loggerEnd > loggerStart,
              let level = LogEntryLevel(token: UnsafeRawBufferPointer(rebasing: line[levelStart..<levelEnd])) else { return header }
        header.logger = loggerStart..<loggerEnd
        header.level = level
        // `%-9p ` pads the level to 9 and adds one space; the message may itself start with spaces.
        header.messageStart = line.skippingSpaces(from: levelEnd, atMost: max(0, 9 - (levelEnd - levelStart)) + 1)
        return header
    }

    /// `%d %-5p %-3X{runId} [%t] %m`.
    private static func jobRunHeader(_ line: UnsafeRawBufferPointer) -> Header {
        guard let (_, length) = LogTimestamp.parseISO(line, at: 0, fractionRequired: true) else { return Header() }
        var header = Header(messageStart: length)
        let levelStart = line.skippingSpaces(from: length)
        let levelEnd = line.tokenEnd(from: levelStart)
        guard let level = LogEntryLevel(token: UnsafeRawBufferPointer(rebasing: line[levelStart..<levelEnd])) else { return header }
        header.level = level
        var index = line.skippingSpaces(from: levelEnd)
        header.messageStart = index
        if index < line.count, line[index] != UInt8(ascii: "[") {
            index = line.skippingSpaces(from: line.tokenEnd(from: index))
            header.messageStart = index
        }
        guard index < line.count, line[index] == UInt8(ascii: "["),
              let close = line.threadClose(from: index + 1) else { return header }
        header.thread = index + 1..<close
        header.messageStart = min(line.count, close + 2)
        return header
    }

    /// JULI `OneLineFormatter`: `dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] source message`.
    private static func juliHeader(_ line: UnsafeRawBufferPointer) -> Header {
        var header = Header(messageStart: min(line.count, 25))
        let levelStart = line.skippingSpaces(from: 24)
        let levelEnd = line.tokenEnd(from: levelStart)
        guard let level = LogEntryLevel(token: UnsafeRawBufferPointer(rebasing: line[levelStart..<levelEnd])) else { return header }
        header.level = level
        let open = line.skippingSpaces(from: levelEnd)
        header.messageStart = open
        guard open < line.count, line[open] == UInt8(ascii: "["), let close = line.threadClose(from: open + 1) else { return header }
        header.thread = open + 1..<close
        let loggerStart = min(line.count, close + 2)
        let loggerEnd = line.tokenEnd(from: loggerStart)
        if loggerEnd > loggerStart { header.logger = loggerStart..<loggerEnd }
        header.messageStart = min(line.count, loggerEnd + 1)
        return header
    }
}

/// Converts access-log times (wall clock plus offset) to the server zone's wall clock.
/// Caches the zone's offset per quarter hour: lines come in time order, so almost every lookup hits.
final class ServerClock {
    private let timeZone: TimeZone
    private var cachedQuarter = Int64.min
    private var cachedOffsetMilliseconds: Int64 = 0

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    func serverWallClock(_ wall: LogTimestamp, offsetSeconds: Int) -> LogTimestamp {
        let instant = wall.millisecondsSinceEpoch - Int64(offsetSeconds) * 1_000
        let quarter = instant.floorDividedBy(900_000).quotient
        if quarter != cachedQuarter {
            cachedQuarter = quarter
            let date = Date(timeIntervalSince1970: Double(quarter) * 900)
            cachedOffsetMilliseconds = Int64(timeZone.secondsFromGMT(for: date)) * 1_000
        }
        return LogTimestamp(millisecondsSinceEpoch: instant + cachedOffsetMilliseconds)
    }
}

extension UnsafeRawBufferPointer {
    func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let found = memchr(baseAddress! + start, Int32(byte), count - start) else { return nil }
        return baseAddress!.distance(to: UnsafeRawPointer(found))
    }

    /// The index after at most `atMost` spaces from `start`.
    func skippingSpaces(from start: Int, atMost: Int = .max) -> Int {
        var index = start
        while index < count, index - start < atMost, self[index] == 0x20 { index += 1 }
        return index
    }

    /// The index of the first space (or the end) from `start`.
    func tokenEnd(from start: Int) -> Int {
        var index = start
        while index < count, self[index] != 0x20 { index += 1 }
        return index
    }

    /// The `]` closing a `[thread]`: the first one followed by a space, else the last one on the line.
    func threadClose(from start: Int) -> Int? {
        var index = start
        var last: Int?
        while let close = firstIndex(of: UInt8(ascii: "]"), from: index) {
            if close + 1 >= count || self[close + 1] == 0x20 { return close }
            last = close
            index = close + 1
        }
        return last
    }

    func trimmingSpaces(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, self[lower] == 0x20 { lower += 1 }
        while upper > lower, self[upper - 1] == 0x20 { upper -= 1 }
        return lower..<upper
    }
}
