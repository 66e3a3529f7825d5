import CivilCalendar
import Foundation
import PluginKit

/// A wall-clock time on the CloverDX server: how its logs and system database write time (local, no
/// zone). Compares and sorts; `text` is the form the host's log services take.
public struct WallClock: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01 00:00:00.000 read on the server's wall clock.
    public let milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func < (lhs: WallClock, rhs: WallClock) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// `yyyy-MM-dd HH:mm:ss.SSS`, as the log services and performance samples write it.
    public var text: String { format(separator: " ") }

    /// `yyyy-MM-ddTHH:mm:ss.SSS`, the prefix of the system database's ISO times (compares as text).
    public var isoText: String { format(separator: "T") }

    public var description: String { text }

    public func adding(seconds: Double) -> WallClock {
        WallClock(milliseconds: milliseconds + Int64((seconds * 1_000).rounded()))
    }

    private func format(separator: String) -> String {
        let days = Int64((Double(milliseconds) / 86_400_000).rounded(.down))
        let ofDay = milliseconds - days * 86_400_000
        let (year, month, day) = CivilCalendar.date(days: Int(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))\(separator)"
            + "\(pad(ofDay / 3_600_000, 2)):\(pad(ofDay / 60_000 % 60, 2)):\(pad(ofDay / 1_000 % 60, 2)).\(pad(ofDay % 1_000, 3))"
    }
}

/// The server's clock: its time zone, and how the times an agent types become server wall-clock times.
public struct ServerTime: Sendable {
    public let timeZone: TimeZone
    /// The current instant; injectable so relative times ("-2h") can be tested.
    public let now: @Sendable () -> Date

    public init(timeZone: TimeZone, now: @escaping @Sendable () -> Date = Date.init) {
        self.timeZone = timeZone
        self.now = now
    }

    /// The server's zone from the host's `installation.info` (grant `installation.read`); this
    /// machine's zone when the host cannot say, since a sidecar runs next to its server.
    public static func of(_ call: CallContext) -> ServerTime {
        let info = try? call.installation.info()
        if let id = info?.timeZone.id, let zone = TimeZone(identifier: id) {
            return ServerTime(timeZone: zone)
        }
        if let offset = info?.timeZone.utcOffsetSeconds, let zone = TimeZone(secondsFromGMT: offset) {
            return ServerTime(timeZone: zone)
        }
        return ServerTime(timeZone: .current)
    }

    /// What `parse` accepts, for error messages and tool descriptions.
    public static let acceptedFormats = "server local time as yyyy-MM-dd, yyyy-MM-dd HH:mm[:ss[.SSS]] ('T' may replace the space); "
        + "an ISO 8601 time with a zone (2025-03-05T01:10:00Z, 2025-03-05T02:10:00+01:00), converted to server time; "
        + "or relative to now: now, -30m, -2h, -7d"

    /// The wall-clock time on the server for `text`, one of ``acceptedFormats``.
    /// - Throws: `ToolError.invalidArguments` naming `argument` and the accepted formats.
    public func parse(_ text: String, argument: String) throws -> WallClock {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let relative = relative(trimmed) { return relative }
        guard let (local, offsetSeconds) = Self.parseISO(trimmed) else {
            throw ToolError.invalidArguments("\"\(argument)\": cannot read \"\(text)\" as a time. Accepted: \(Self.acceptedFormats)")
        }
        guard let offsetSeconds else { return local }
        let instant = Date(timeIntervalSince1970: Double(local.milliseconds) / 1_000 - Double(offsetSeconds))
        return wallClock(of: instant)
    }

    /// The server's wall-clock reading at `instant`.
    public func wallClock(of instant: Date) -> WallClock {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return WallClock(milliseconds: Int64((local * 1_000).rounded(.down)))
    }

    /// The server's UTC offset at a wall-clock time, as `+01:00`, for rendering times with their zone.
    public func offsetText(at time: WallClock) -> String {
        let guess = Date(timeIntervalSince1970: Double(time.milliseconds) / 1_000)
        let seconds = timeZone.secondsFromGMT(for: guess)
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return sign + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    private func relative(_ text: String) -> WallClock? {
        let current = wallClock(of: now())
        if text.lowercased() == "now" { return current }
        guard text.hasPrefix("-"), let unit = text.last, let amount = Double(text.dropFirst().dropLast()), amount >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3_600
        case "d": seconds = amount * 86_400
        default: return nil
        }
        return current.adding(seconds: -seconds)
    }

    /// `yyyy-MM-dd[( |T)HH:mm[:ss[(.|,)fraction]]][Z|±HH:mm|±HHmm]` → wall-clock time and the zone
    /// offset it was written in (nil when it had none).
    static func parseISO(_ text: String) -> (WallClock, Int?)? {
        let chars = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= chars.count else { return nil }
            var value = 0
            for byte in chars[index..<index + width] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < chars.count, chars[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millisecond = 0
        if index < chars.count, chars[index] == 0x20 || chars[index] == 0x54 {
            index += 1
            guard let h = number(2), expect(0x3A), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(0x3A) {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if index < chars.count, chars[index] == 0x2E || chars[index] == 0x2C {
                    index += 1
                    var digits = 0
                    while index < chars.count, chars[index] >= 0x30, chars[index] <= 0x39 {
                        if digits < 3 { millisecond = millisecond * 10 + Int(chars[index] - 0x30) }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    if digits < 3 { for _ in digits..<3 { millisecond *= 10 } }
                }
            }
        }
        var offset: Int?
        if index < chars.count {
            if chars[index] == 0x5A || chars[index] == 0x7A {
                index += 1
                offset = 0
            } else if chars[index] == 0x2B || chars[index] == 0x2D {
                let negative = chars[index] == 0x2D
                index += 1
                guard let h = number(2) else { return nil }
                _ = expect(0x3A)
                guard let m = number(2), h <= 18, m < 60 else { return nil }
                offset = (negative ? -1 : 1) * (h * 3_600 + m * 60)
            } else {
                return nil
            }
        }
        guard index == chars.count else { return nil }
        let daysInMonth = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= daysInMonth[month - 1] else { return nil }
        let millis = Int64(CivilCalendar.days(year: year, month: month, day: day)) * 86_400_000
            + Int64(hour * 3_600_000 + minute * 60_000 + second * 1_000 + millisecond)
        return (WallClock(milliseconds: millis), offset)
    }
}

/// A time window of a tool's arguments, both ends optional, checked the right way round.
public struct TimeWindow: Sendable, Equatable {
    public var from: WallClock?
    public var to: WallClock?

    public init(from: WallClock? = nil, to: WallClock? = nil) {
        self.from = from
        self.to = to
    }

    /// Parses `from`/`to` arguments.
    /// - Throws: `ToolError.invalidArguments` for an unreadable time or `from` after `to`.
    public static func parse(from: String?, to: String?, clock: ServerTime) throws -> TimeWindow {
        let start = try from.map { try clock.parse($0, argument: "from") }
        let end = try to.map { try clock.parse($0, argument: "to") }
        if let start, let end, start > end {
            throw ToolError.invalidArguments("\"from\" (\(start)) is after \"to\" (\(end)): the time range is upside down")
        }
        return TimeWindow(from: start, to: end)
    }
}
