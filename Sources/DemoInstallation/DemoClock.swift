import CivilCalendar
/// Wall-clock arithmetic for the demo server: epoch milliseconds (UTC) shown in one fixed offset.
///
/// A fixed offset (no daylight saving) keeps every local time unambiguous and the output identical on
/// every machine, whatever its own time zone.
struct DemoClock: Sendable {
    static let msPerDay: Int64 = 86_400_000
    /// Offset of the server's local time from UTC.
    let offsetMs: Int64

    init(utcOffsetSeconds: Int) {
        offsetMs = Int64(utcOffsetSeconds) * 1000
    }

    /// Days since 1970-01-01 of the local date at `ms`.
    func localDay(_ ms: Int64) -> Int64 {
        floorDiv(ms + offsetMs, DemoClock.msPerDay)
    }

    /// Milliseconds since local midnight at `ms`.
    func msOfDay(_ ms: Int64) -> Int64 {
        (ms + offsetMs) - localDay(ms) * DemoClock.msPerDay
    }

    /// The UTC instant of local midnight starting `day`.
    func midnight(ofDay day: Int64) -> Int64 {
        day * DemoClock.msPerDay - offsetMs
    }

    /// The UTC instant of a local time on `day`.
    func at(day: Int64, hour: Int, minute: Int, second: Int = 0, ms: Int = 0) -> Int64 {
        midnight(ofDay: day) + Int64(((hour * 60 + minute) * 60 + second) * 1000 + ms)
    }

    /// 0 = Sunday … 6 = Saturday.
    static func weekday(ofDay day: Int64) -> Int {
        Int(((day % 7) + 11) % 7)
    }

    static func isWeekend(day: Int64) -> Bool {
        let w = weekday(ofDay: day)
        return w == 0 || w == 6
    }

    struct Civil: Equatable {
        var year: Int
        var month: Int
        var day: Int
    }

    /// The proleptic Gregorian date of a day number.
    static func civil(day: Int64) -> Civil {
        let date = CivilCalendar.date(days: Int(day))
        return Civil(year: date.year, month: date.month, day: date.day)
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `yyyy-MM-dd` of a local day.
    static func dateString(day: Int64) -> String {
        let c = civil(day: day)
        return pad4(c.year) + "-" + pad2(c.month) + "-" + pad2(c.day)
    }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSS±HH:mm`, the form the system database stores.
    func iso(_ ms: Int64) -> String {
        let day = localDay(ms)
        let t = Int(msOfDay(ms))
        let offsetMinutes = Int(offsetMs / 60_000)
        let sign = offsetMinutes < 0 ? "-" : "+"
        let off = abs(offsetMinutes)
        return DemoClock.dateString(day: day) + "T" + DemoClock.pad2(t / 3_600_000) + ":" + DemoClock.pad2(t / 60000 % 60) + ":"
            + DemoClock.pad2(t / 1000 % 60) + "." + DemoClock.pad3(t % 1000) + sign + DemoClock.pad2(off / 60) + ":" + DemoClock.pad2(off % 60)
    }

    /// `yyyy-MM-dd HH:mm:ss,SSS`, the log4j timestamp.
    func log4j(_ ms: Int64) -> String {
        let t = Int(msOfDay(ms))
        return DemoClock.dateString(day: localDay(ms)) + " " + DemoClock.pad2(t / 3_600_000) + ":" + DemoClock.pad2(t / 60000 % 60) + ":"
            + DemoClock.pad2(t / 1000 % 60) + "," + DemoClock.pad3(t % 1000)
    }

    /// `+0100`, as Tomcat's access log writes the zone.
    var compactOffset: String {
        let offsetMinutes = Int(offsetMs / 60_000)
        let off = abs(offsetMinutes)
        return (offsetMinutes < 0 ? "-" : "+") + DemoClock.pad2(off / 60) + DemoClock.pad2(off % 60)
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    static func pad3(_ v: Int) -> String { v < 10 ? "00\(v)" : (v < 100 ? "0\(v)" : "\(v)") }
    static func pad4(_ v: Int) -> String { String(repeating: "0", count: max(0, 4 - "\(v)".count)) + "\(v)" }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
