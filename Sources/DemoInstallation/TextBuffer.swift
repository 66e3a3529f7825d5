import Foundation

/// A growable byte buffer for writing log text fast: no per-line allocation, numbers and
/// timestamps formatted in place.
///
/// Logs of the `.large` demo run to gigabytes; building them from `String`s would spend most of
/// the time in allocation.
final class TextBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    private let clock: DemoClock
    // The date part of the last timestamp written, reused while the day stays the same.
    private var cachedDay: Int64 = .min
    private var cachedDate: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var cachedCivil = DemoClock.Civil(year: 1970, month: 1, day: 1)

    init(clock: DemoClock, capacity: Int = 1 << 16) {
        self.clock = clock
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    func removeAll() {
        count = 0
    }

    /// Drops everything from `length` on.
    func truncate(to length: Int) {
        count = min(count, length)
    }

    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity {
            grow(count + extra)
        }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    func newline() {
        byte(10)
    }

    func write(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        reserve(n)
        (base + count).update(from: text.utf8Start, count: n)
        count += n
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { raw in
            guard let start = raw.baseAddress else { return }
            reserve(raw.count)
            (base + count).update(from: start, count: raw.count)
            count += raw.count
        }
    }

    func write(_ raw: UnsafeRawBufferPointer) {
        guard let start = raw.baseAddress, raw.count > 0 else { return }
        reserve(raw.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: start, byteCount: raw.count)
        count += raw.count
    }

    func write(_ other: TextBuffer, from start: Int, length: Int) {
        reserve(length)
        (base + count).update(from: other.base + start, count: length)
        count += length
    }

    func spaces(_ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(repeating: 32, count: n)
        count += n
    }

    func repeated(_ b: UInt8, _ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(repeating: b, count: n)
        count += n
    }

    /// A decimal integer.
    func int(_ value: Int) {
        reserve(21)
        var v = value
        if v < 0 {
            base[count] = 45
            count += 1
            v = -v
        }
        if v < 10 {
            base[count] = UInt8(48 + v)
            count += 1
            return
        }
        var digits = 0
        var probe = v
        while probe > 0 { digits += 1; probe /= 10 }
        var index = count + digits - 1
        while v > 0 {
            base[index] = UInt8(48 + v % 10)
            v /= 10
            index -= 1
        }
        count += digits
    }

    func int64(_ value: Int64) {
        int(Int(value))
    }

    /// Number of characters `int(value)` writes.
    static func width(of value: Int) -> Int {
        var v = value
        var n = v < 0 ? 1 : 0
        if v < 0 { v = -v }
        repeat { n += 1; v /= 10 } while v > 0
        return n
    }

    /// A fixed-point number with `decimals` digits after the point, from `value` already scaled
    /// by 10^decimals (so 123 with 1 decimal is "12.3").
    func scaled(_ value: Int, decimals: Int) {
        var v = value
        if v < 0 { byte(45); v = -v }
        var divisor = 1
        for _ in 0..<decimals { divisor *= 10 }
        int(v / divisor)
        if decimals > 0 {
            byte(46)
            var rest = v % divisor
            var d = divisor / 10
            while d > 0 {
                byte(UInt8(48 + rest / d))
                rest %= d
                d /= 10
            }
        }
    }

    /// `value` rounded to `decimals` digits after the point.
    func fixed(_ value: Double, decimals: Int) {
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        scaled(Int((value * factor).rounded()), decimals: decimals)
    }

    /// `text` in a field of `width` characters, as the engine's `StringUtils.formatString` does it:
    /// negative width left-justifies, positive right-justifies, and a longer value is cut to its
    /// first `width` characters.
    func field(_ text: String, _ width: Int) {
        let size = abs(width)
        let utf8Count = text.utf8.count
        if utf8Count >= size {
            var text = text
            text.withUTF8 { raw in
                write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: raw[0..<size])))
            }
        } else if width < 0 {
            write(text)
            spaces(size - utf8Count)
        } else {
            spaces(size - utf8Count)
            write(text)
        }
    }

    func field(_ value: Int, _ width: Int) {
        let w = TextBuffer.width(of: value)
        let size = abs(width)
        if w >= size {
            field(String(value), width)
        } else if width < 0 {
            int(value)
            spaces(size - w)
        } else {
            spaces(size - w)
            int(value)
        }
    }

    @inline(__always)
    private func two(_ v: Int) {
        base[count] = UInt8(48 + v / 10)
        base[count + 1] = UInt8(48 + v % 10)
        count += 2
    }

    private func date(day: Int64) {
        if day != cachedDay {
            cachedDay = day
            let c = DemoClock.civil(day: day)
            cachedCivil = c
            let y = c.year
            cachedDate = (
                UInt8(48 + y / 1000 % 10), UInt8(48 + y / 100 % 10), UInt8(48 + y / 10 % 10), UInt8(48 + y % 10), 45,
                UInt8(48 + c.month / 10), UInt8(48 + c.month % 10), 45, UInt8(48 + c.day / 10), UInt8(48 + c.day % 10)
            )
        }
    }

    private func clockTime(_ t: Int, separator: UInt8, millis: Bool) {
        two(t / 3_600_000)
        base[count] = 58; count += 1
        two(t / 60000 % 60)
        base[count] = 58; count += 1
        two(t / 1000 % 60)
        if millis {
            base[count] = separator
            let ms = t % 1000
            base[count + 1] = UInt8(48 + ms / 100)
            base[count + 2] = UInt8(48 + ms / 10 % 10)
            base[count + 3] = UInt8(48 + ms % 10)
            count += 4
        }
    }

    /// `yyyy-MM-dd HH:mm:ss,SSS` (log4j `%d`), or with `.` before the milliseconds.
    func timestamp(_ ms: Int64, millisSeparator: UInt8 = 44) {
        reserve(23)
        let day = clock.localDay(ms)
        date(day: day)
        let d = cachedDate
        base[count] = d.0; base[count + 1] = d.1; base[count + 2] = d.2; base[count + 3] = d.3; base[count + 4] = d.4
        base[count + 5] = d.5; base[count + 6] = d.6; base[count + 7] = d.7; base[count + 8] = d.8; base[count + 9] = d.9
        base[count + 10] = 32
        count += 11
        clockTime(Int(clock.msOfDay(ms)), separator: millisSeparator, millis: true)
    }

    /// `dd/MM/yyyy HH:mm:ss`: the engine's `Time:` line (French short date, JDK 17+).
    func trackingTime(_ ms: Int64) {
        reserve(19)
        date(day: clock.localDay(ms))
        let c = cachedCivil
        two(c.day); base[count] = 47; count += 1
        two(c.month); base[count] = 47; count += 1
        int(c.year)
        byte(32)
        reserve(8)
        clockTime(Int(clock.msOfDay(ms)), separator: 0, millis: false)
    }

    /// `dd<sep>MMM<sep>yyyy`, the date part of Tomcat's access and catalina logs.
    private func dayMonthYear(_ day: Int64, separator: UInt8) {
        date(day: day)
        let c = cachedCivil
        two(c.day)
        byte(separator)
        write(DemoClock.monthNames[c.month - 1])
        byte(separator)
        int(c.year)
    }

    /// `dd/MMM/yyyy:HH:mm:ss +0100`: Tomcat's `%t` without the brackets.
    func accessTime(_ ms: Int64, zone: String) {
        reserve(21)
        dayMonthYear(clock.localDay(ms), separator: 47)
        byte(58)
        reserve(8)
        clockTime(Int(clock.msOfDay(ms)), separator: 0, millis: false)
        byte(32)
        write(zone)
    }

    /// `dd-MMM-yyyy HH:mm:ss.SSS`: Tomcat's JULI OneLineFormatter.
    func catalinaTime(_ ms: Int64) {
        reserve(24)
        dayMonthYear(clock.localDay(ms), separator: 45)
        byte(32)
        reserve(12)
        clockTime(Int(clock.msOfDay(ms)), separator: 46, millis: true)
    }
}
