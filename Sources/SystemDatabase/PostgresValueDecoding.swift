import CivilCalendar
import Foundation
import JSON
import PostgresNIO

/// Turns PostgreSQL's binary result format into JSON values for the types the system database
/// uses; every other type is converted to JSON by the server (`to_json`) before it is sent.
enum PostgresValueDecoding {
    /// Type OIDs decoded here. A column of any other type is wrapped in `to_json(…)`.
    static let nativeTypes: Set<PostgresDataType> = [
        .bool, .bytea, .char, .name, .int8, .int2, .int4, .text, .oid, .json, .float4, .float8, .unknown, .bpchar,
        .varchar, .date, .timestamp, .timestamptz, .numeric, .uuid, .jsonb,
    ]

    /// The value of one cell, or nil when the bytes do not match the type (then the caller reports it).
    static func json(_ cell: PostgresCell) -> JSONValue? {
        guard var buffer = cell.bytes else { return .null }
        guard cell.format == .binary else {
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        }
        switch cell.dataType {
        case .bool:
            return buffer.readInteger(as: UInt8.self).map { .bool($0 != 0) }
        case .int2:
            return buffer.readInteger(as: Int16.self).map { .int(Int64($0)) }
        case .int4:
            return buffer.readInteger(as: Int32.self).map { .int(Int64($0)) }
        case .int8:
            return buffer.readInteger(as: Int64.self).map { .int($0) }
        case .oid:
            return buffer.readInteger(as: UInt32.self).map { .int(Int64($0)) }
        case .float4:
            return buffer.readInteger(as: UInt32.self).map { double(Double(Float(bitPattern: $0))) }
        case .float8:
            return buffer.readInteger(as: UInt64.self).map { double(Double(bitPattern: $0)) }
        case .numeric:
            return numeric(&buffer)
        case .text, .varchar, .bpchar, .name, .char, .unknown:
            return buffer.readString(length: buffer.readableBytes).map { .string($0) }
        case .json:
            return buffer.readString(length: buffer.readableBytes).map(parsedJSON)
        case .jsonb:
            guard buffer.readInteger(as: UInt8.self) == 1 else { return nil }
            return buffer.readString(length: buffer.readableBytes).map(parsedJSON)
        case .uuid:
            guard let bytes = buffer.readBytes(length: 16) else { return nil }
            return .string(uuidString(bytes))
        case .bytea:
            return .string(Data(buffer.readableBytesView).base64EncodedString())
        case .timestamp, .timestamptz:
            guard let microseconds = buffer.readInteger(as: Int64.self) else { return nil }
            return .string(timestamp(microseconds, utc: cell.dataType == .timestamptz))
        case .date:
            guard let days = buffer.readInteger(as: Int32.self) else { return nil }
            return .string(date(days))
        default:
            return buffer.readString(length: buffer.readableBytes).map { .string($0) }
        }
    }

    private static func double(_ value: Double) -> JSONValue {
        if value.isFinite { return .double(value) }
        return .string(value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
    }

    private static func parsedJSON(_ text: String) -> JSONValue {
        (try? JSONValue.parse(text)) ?? .string(text)
    }

    private static func uuidString(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    // MARK: numeric

    /// Binary numeric: digit count, weight, sign, display scale, then base-10 000 digits. Exact
    /// integers become `.int`, values with at most 15 significant digits `.double` (they survive the
    /// round trip), anything longer stays text so no digit is lost.
    static func numeric(_ buffer: inout ByteBuffer) -> JSONValue? {
        guard let count = buffer.readInteger(as: Int16.self), let weight = buffer.readInteger(as: Int16.self),
            let sign = buffer.readInteger(as: UInt16.self), let scale = buffer.readInteger(as: Int16.self), count >= 0
        else { return nil }
        switch sign {
        case 0xC000: return .string("NaN")
        case 0xD000: return .string("Infinity")
        case 0xF000: return .string("-Infinity")
        default: break
        }
        var digits: [Int16] = []
        for _ in 0..<count {
            guard let digit = buffer.readInteger(as: Int16.self) else { return nil }
            digits.append(digit)
        }
        func group(_ index: Int) -> Int16 { index >= 0 && index < digits.count ? digits[index] : 0 }

        var integerPart = ""
        if weight >= 0 {
            for index in 0...Int(weight) {
                let text = String(group(index))
                integerPart += index == 0 ? text : text.leftPadded(to: 4)
            }
        } else {
            integerPart = "0"
        }
        var fraction = ""
        let fractionGroups = (Int(scale) + 3) / 4
        for offset in 0..<fractionGroups {
            fraction += String(group(Int(weight) + 1 + offset)).leftPadded(to: 4)
        }
        fraction = String(fraction.prefix(Int(scale)))

        let negative = sign == 0x4000
        let text = (negative ? "-" : "") + integerPart + (fraction.isEmpty ? "" : "." + fraction)
        let trimmedFraction = fraction.reversed().drop(while: { $0 == "0" })
        if trimmedFraction.isEmpty, let integer = Int64(integerPart) {
            return .int(negative ? -integer : integer)
        }
        let significant = (integerPart == "0" ? "" : integerPart) + String(trimmedFraction.reversed())
        let significantDigits = significant.drop(while: { $0 == "0" }).count
        if significantDigits <= 15, let value = Double(text) {
            return .double(value)
        }
        return .string(text)
    }

    // MARK: dates

    private static let infinity = Int64.max
    private static let minusInfinity = Int64.min
    /// 2000-01-01, PostgreSQL's epoch, as days since 1970-01-01.
    private static let postgresEpochDays: Int64 = 10_957

    /// Microseconds since 2000-01-01 as ISO 8601: `2024-05-06T07:08:09.123456`, with `Z` for timestamptz
    /// (the server sends UTC).
    static func timestamp(_ microseconds: Int64, utc: Bool) -> String {
        if microseconds == infinity { return "infinity" }
        if microseconds == minusInfinity { return "-infinity" }
        let perDay: Int64 = 86_400_000_000
        var days = microseconds / perDay
        var rest = microseconds % perDay
        if rest < 0 {
            days -= 1
            rest += perDay
        }
        let (year, month, day) = civil(fromDays: days + postgresEpochDays)
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        let time = "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        var text = "\(yearText(year))-\(two(month))-\(two(day))T\(time)"
        if fraction != 0 {
            text += fraction % 1000 == 0
                ? "." + String(fraction / 1000).leftPadded(to: 3)
                : "." + String(fraction).leftPadded(to: 6)
        }
        return utc ? text + "Z" : text
    }

    /// Days since 2000-01-01 as `2024-05-06`.
    static func date(_ days: Int32) -> String {
        if days == Int32.max { return "infinity" }
        if days == Int32.min { return "-infinity" }
        let (year, month, day) = civil(fromDays: Int64(days) + postgresEpochDays)
        return "\(yearText(year))-\(two(month))-\(two(day))"
    }

    /// Proleptic Gregorian year, month, day for days since 1970-01-01.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let date = CivilCalendar.date(days: Int(days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
    }

    private static func yearText(_ year: Int64) -> String {
        (0...9999).contains(year) ? String(year).leftPadded(to: 4) : (year < 0 ? "-" : "+") + String(abs(year)).leftPadded(to: 6)
    }

    private static func two(_ value: Int64) -> String { String(value).leftPadded(to: 2) }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
