#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Text to find in raw bytes, ASCII case folded or exact, without building a String per entry.
///
/// The search jumps with `memchr` to occurrences of the needle's rarest byte (both cases of it when
/// folding) and compares only there: log text is mostly common letters, digits and spaces, so few
/// places are compared.
struct ByteNeedle: Sendable {
    /// The needle, lower-cased (ASCII) when folding.
    private let bytes: [UInt8]
    private let caseInsensitive: Bool
    private let anchor: Int
    private let anchorBytes: (UInt8, UInt8)

    init(_ text: some Sequence<UInt8>, caseInsensitive: Bool) {
        let raw = Array(text)
        let folded = caseInsensitive ? raw.map(\.asciiLowercased) : raw
        bytes = folded
        self.caseInsensitive = caseInsensitive
        let anchor = folded.indices.min { Self.commonness(folded[$0]) < Self.commonness(folded[$1]) } ?? 0
        self.anchor = anchor
        let byte = folded.isEmpty ? 0 : folded[anchor]
        anchorBytes = caseInsensitive ? (byte, byte.asciiUppercased) : (byte, byte)
    }

    var isEmpty: Bool { bytes.isEmpty }

    /// The index in `haystack` where the needle first occurs.
    func firstIndex(in haystack: UnsafeRawBufferPointer) -> Int? {
        let length = bytes.count
        guard length > 0 else { return 0 }
        guard haystack.count >= length, let base = haystack.baseAddress else { return nil }
        // Anchor positions beyond this leave no room for the rest of the needle.
        let anchorLimit = haystack.count - length + anchor + 1
        func find(_ byte: UInt8, from index: Int) -> Int? {
            guard index < anchorLimit, let found = memchr(base + index, Int32(byte), anchorLimit - index) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        let twoBytes = anchorBytes.0 != anchorBytes.1
        var nextFirst = find(anchorBytes.0, from: anchor)
        var nextSecond = twoBytes ? find(anchorBytes.1, from: anchor) : nil
        return bytes.withUnsafeBufferPointer { needle -> Int? in
            while true {
                let candidate: Int
                switch (nextFirst, nextSecond) {
                case (nil, nil): return nil
                case let (first?, nil): candidate = first
                case let (nil, second?): candidate = second
                case let (first?, second?): candidate = min(first, second)
                }
                let start = candidate - anchor
                if matches(needle, base + start) { return start }
                if nextFirst == candidate { nextFirst = find(anchorBytes.0, from: candidate + 1) }
                if nextSecond == candidate { nextSecond = find(anchorBytes.1, from: candidate + 1) }
            }
        }
    }

    private func matches(_ needle: UnsafeBufferPointer<UInt8>, _ text: UnsafeRawPointer) -> Bool {
        if !caseInsensitive { return memcmp(needle.baseAddress!, text, needle.count) == 0 }
        for index in 0..<needle.count where text.load(fromByteOffset: index, as: UInt8.self).asciiLowercased != needle[index] {
            return false
        }
        return true
    }

    /// How often a byte turns up in log text, roughly: the anchor is the needle's least common byte.
    private static func commonness(_ byte: UInt8) -> Int {
        switch byte {
        case 0x20: return 40
        case 0x30...0x39: return 28
        case 0x61...0x7A:
            let order: [UInt8] = Array("etaoinsrhldcumfpgwybvkxjqz".utf8)
            return 27 - (order.firstIndex(of: byte) ?? 26)
        case 0x80...: return 3
        default: return 8
        }
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 { self &- 0x41 < 26 ? self | 0x20 : self }
    var asciiUppercased: UInt8 { self &- 0x61 < 26 ? self & ~0x20 : self }
}
