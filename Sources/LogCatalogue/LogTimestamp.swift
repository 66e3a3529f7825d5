import CivilCalendar
import Foundation

/// A point in time as CloverDX writes it: the server's local wall-clock time, without a zone.
///
/// Stored as milliseconds since 1970-01-01 00:00:00 *on the wall clock*: the local date and time read
/// as if they were UTC. Timestamps of all logs compare on that one scale without knowing the server's
/// zone; ``date(in:)`` turns one into a real instant once the zone is known. Access-log times carry an
/// offset; they are put on the same scale (see ``LogRoots/serverTimeZone``).
public struct LogTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01 00:00:00.000 of the server's wall clock.
    public var millisecondsSinceEpoch: Int64

    /// The wall-clock time `millisecondsSinceEpoch` after 1970-01-01 00:00:00.000.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// A wall-clock time; nil when a field is out of range (month 13, 31 April, hour 24, …).
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year, month),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (0...999).contains(millisecond) else { return nil }
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
        millisecondsSinceEpoch = seconds * 1_000 + Int64(millisecond)
    }

    /// Parses `yyyy-MM-dd`, `yyyy-MM-dd HH:mm`, `yyyy-MM-dd HH:mm:ss` with an optional `.SSS` or `,SSS`;
    /// `T` may stand for the space. A zone suffix is refused: use ``init(_:in:)`` for instants.
    public init?(_ text: String) {
        var utf8 = Array(text.utf8)
        if utf8.count == 10 { utf8 += Array(" 00:00:00".utf8) }
        if utf8.count == 16 { utf8 += Array(":00".utf8) }
        let parsed = utf8.withUnsafeBytes { bytes -> LogTimestamp? in
            guard let (stamp, length) = LogTimestamp.parseISO(bytes, at: 0, fractionRequired: false),
                  length == bytes.count else { return nil }
            return stamp
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The wall-clock time an instant has in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        millisecondsSinceEpoch = Int64((local * 1_000).rounded(.down))
    }

    /// The instant this wall-clock time denotes in `timeZone`; in the hour repeated when clocks go back
    /// it is the later of the two.
    public func date(in timeZone: TimeZone) -> Date {
        let wall = Double(millisecondsSinceEpoch) / 1_000
        let guess = Date(timeIntervalSince1970: wall - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall))))
        return Date(timeIntervalSince1970: wall - Double(timeZone.secondsFromGMT(for: guess)))
    }

    /// This time moved by `seconds` (negative moves back).
    public func adding(seconds: Double) -> LogTimestamp {
        LogTimestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64((seconds * 1_000).rounded()))
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS`.
    public var description: String {
        let (days, dayMillis) = millisecondsSinceEpoch.floorDividedBy(86_400_000)
        let (year, month, day) = CivilCalendar.date(days: Int(days))
        let ms = Int(dayMillis)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = ms % 1_000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        let yearText = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - "\(year)".count) + "\(year)" : "\(year)"
        return "\(yearText)-\(two(month))-\(two(day)) \(two(ms / 3_600_000)):\(two(ms / 60_000 % 60)):\(two(ms / 1_000 % 60)).\(millisText)"
    }

    public static func < (lhs: LogTimestamp, rhs: LogTimestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The start of the day (00:00:00.000) this time falls on.
    var startOfDay: LogTimestamp {
        LogTimestamp(millisecondsSinceEpoch: millisecondsSinceEpoch.floorDividedBy(86_400_000).quotient * 86_400_000)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    /// Division rounding towards minus infinity, so times before 1970 land on the right day.
    func floorDividedBy(_ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = self / divisor
        var remainder = self % divisor
        if remainder < 0 { quotient -= 1; remainder += divisor }
        return (quotient, remainder)
    }
}
