/// Reading the timestamp layouts of docs/CLOVERDX.md, "Log line layouts", straight from bytes: no String, no Foundation,
/// because every line of a scanned file goes through here.
extension LogTimestamp {
    /// `yyyy-MM-dd HH:mm:ss` (or `T` for the space) with `,SSS` or `.SSS`; the fraction may have any
    /// number of digits (the first three count) and is optional unless `fractionRequired`.
    /// Returns the time and the number of bytes it took.
    static func parseISO(_ bytes: UnsafeRawBufferPointer, at start: Int, fractionRequired: Bool) -> (LogTimestamp, Int)? {
        guard bytes.count - start >= 19,
              bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
              bytes[start + 10] == UInt8(ascii: " ") || bytes[start + 10] == UInt8(ascii: "T"),
              bytes[start + 13] == UInt8(ascii: ":"), bytes[start + 16] == UInt8(ascii: ":"),
              let year = bytes.decimal(at: start, count: 4), let month = bytes.decimal(at: start + 5, count: 2),
              let day = bytes.decimal(at: start + 8, count: 2), let hour = bytes.decimal(at: start + 11, count: 2),
              let minute = bytes.decimal(at: start + 14, count: 2), let second = bytes.decimal(at: start + 17, count: 2)
        else { return nil }
        var length = 19
        var millisecond = 0
        if bytes.count - start > 19, bytes[start + 19] == UInt8(ascii: ",") || bytes[start + 19] == UInt8(ascii: ".") {
            var digits = 0
            var index = start + 20
            while index < bytes.count, let digit = bytes.decimal(at: index, count: 1) {
                if digits < 3 { millisecond = millisecond * 10 + digit }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { millisecond *= 10 }
            length = index - start
        } else if fractionRequired {
            return nil
        }
        guard let stamp = LogTimestamp(year: year, month: month, day: day, hour: hour, minute: minute,
                                       second: second, millisecond: millisecond) else { return nil }
        return (stamp, length)
    }

    /// Tomcat JULI `OneLineFormatter`: `dd-MMM-yyyy HH:mm:ss.SSS` (24 bytes).
    static func parseJULI(_ bytes: UnsafeRawBufferPointer, at start: Int) -> LogTimestamp? {
        guard bytes.count - start >= 24,
              bytes[start + 2] == UInt8(ascii: "-"), bytes[start + 6] == UInt8(ascii: "-"),
              bytes[start + 11] == UInt8(ascii: " "), bytes[start + 14] == UInt8(ascii: ":"),
              bytes[start + 17] == UInt8(ascii: ":"), bytes[start + 20] == UInt8(ascii: "."),
              let day = bytes.decimal(at: start, count: 2), let month = bytes.monthName(at: start + 3),
              let year = bytes.decimal(at: start + 7, count: 4), let hour = bytes.decimal(at: start + 12, count: 2),
              let minute = bytes.decimal(at: start + 15, count: 2), let second = bytes.decimal(at: start + 18, count: 2),
              let millisecond = bytes.decimal(at: start + 21, count: 3)
        else { return nil }
        return LogTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
    }

    /// Tomcat access log `%t` without its brackets: `dd/MMM/yyyy:HH:mm:ss +hhmm` (26 bytes).
    /// Returns the wall-clock time as written and the offset, in seconds east of UTC.
    static func parseAccess(_ bytes: UnsafeRawBufferPointer, at start: Int) -> (LogTimestamp, offsetSeconds: Int)? {
        guard bytes.count - start >= 26,
              bytes[start + 2] == UInt8(ascii: "/"), bytes[start + 6] == UInt8(ascii: "/"),
              bytes[start + 11] == UInt8(ascii: ":"), bytes[start + 14] == UInt8(ascii: ":"),
              bytes[start + 17] == UInt8(ascii: ":"), bytes[start + 20] == UInt8(ascii: " "),
              bytes[start + 21] == UInt8(ascii: "+") || bytes[start + 21] == UInt8(ascii: "-"),
              let day = bytes.decimal(at: start, count: 2), let month = bytes.monthName(at: start + 3),
              let year = bytes.decimal(at: start + 7, count: 4), let hour = bytes.decimal(at: start + 12, count: 2),
              let minute = bytes.decimal(at: start + 15, count: 2), let second = bytes.decimal(at: start + 18, count: 2),
              let offsetHours = bytes.decimal(at: start + 22, count: 2), let offsetMinutes = bytes.decimal(at: start + 24, count: 2),
              let stamp = LogTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let offset = (offsetHours * 3_600 + offsetMinutes * 60) * (bytes[start + 21] == UInt8(ascii: "-") ? -1 : 1)
        return (stamp, offset)
    }
}

extension UnsafeRawBufferPointer {
    /// The unsigned decimal number in `count` bytes at `index`, or nil if one of them is not a digit.
    @inline(__always)
    func decimal(at index: Int, count: Int) -> Int? {
        guard index >= 0, index + count <= self.count else { return nil }
        var value = 0
        for offset in index..<(index + count) {
            let digit = self[offset] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    /// `Jan`…`Dec` (any case) at `index` as 1…12.
    func monthName(at index: Int) -> Int? {
        guard index + 3 <= count else { return nil }
        let key = (UInt32(self[index] | 0x20) << 16) | (UInt32(self[index + 1] | 0x20) << 8) | UInt32(self[index + 2] | 0x20)
        switch key {
        case 0x6A_61_6E: return 1   // jan
        case 0x66_65_62: return 2   // feb
        case 0x6D_61_72: return 3   // mar
        case 0x61_70_72: return 4   // apr
        case 0x6D_61_79: return 5   // may
        case 0x6A_75_6E: return 6   // jun
        case 0x6A_75_6C: return 7   // jul
        case 0x61_75_67: return 8   // aug
        case 0x73_65_70: return 9   // sep
        case 0x6F_63_74: return 10  // oct
        case 0x6E_6F_76: return 11  // nov
        case 0x64_65_63: return 12  // dec
        default: return nil
        }
    }
}
