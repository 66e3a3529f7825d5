import CByteSearch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Text to find in raw bytes, ASCII case folded or exact, without building a String per entry.
///
/// An exact needle of two bytes or more is looked for by a pair of its bytes with SIMD
/// (`byte_search_pair`) and compared only where both sit. The pair is first guessed from how common
/// bytes are in logs (the rarest, and a rare one in its far half), then, by ``tuned(to:histogram:)``, chosen
/// as the pair that occurs least in the text about to be searched: a fixed prefix every line has
/// (`HTTP/1.1 ` in an access log) then yields no candidates of its own. A folded needle jumps with
/// `memchr` to occurrences of its rarest byte (both cases of it).
struct ByteNeedle: Sendable {
    /// The needle, lower-cased (ASCII) when folding.
    private let bytes: [UInt8]
    private let caseInsensitive: Bool
    private var anchor: Int
    private var anchorBytes: (UInt8, UInt8)
    /// The second byte of the pair an exact needle is searched by (after ``anchor``'s, or before it).
    private var partner: Int?

    init(_ text: some Sequence<UInt8>, caseInsensitive: Bool) {
        let raw = Array(text)
        let folded = caseInsensitive ? raw.map(\.asciiLowercased) : raw
        bytes = folded
        self.caseInsensitive = caseInsensitive
        let anchor = folded.indices.min { Self.commonness(folded[$0]) < Self.commonness(folded[$1]) } ?? 0
        self.anchor = anchor
        let byte = folded.isEmpty ? 0 : folded[anchor]
        anchorBytes = caseInsensitive ? (byte, byte.asciiUppercased) : (byte, byte)
        // Bytes next to each other often come together in every line (`HTTP`); one at least half the
        // needle away seldom does. Among the rarest there, the farthest.
        let far = folded.indices.filter { abs($0 - anchor) * 2 >= folded.count && folded[$0] != byte }
        partner = caseInsensitive ? nil : far.min { first, second in
            let (a, b) = (Self.commonness(folded[first]), Self.commonness(folded[second]))
            return a != b ? a < b : abs(first - anchor) > abs(second - anchor)
        }
    }

    var isEmpty: Bool { bytes.isEmpty }

    /// The needle searched by the pair of its bytes found least often in `sample`: the rarest byte
    /// there (by `histogram`, the sample's count of each byte value), and whichever other byte makes
    /// the fewest pairs with it.
    func tuned(to sample: UnsafeRawBufferPointer, histogram: [Int]) -> ByteNeedle {
        guard !caseInsensitive, bytes.count >= 2, let base = sample.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return self }
        let anchor = bytes.indices.min { histogram[Int(bytes[$0])] < histogram[Int(bytes[$1])] }!
        var best: (partner: Int, pairs: Int)?
        for partner in bytes.indices where bytes[partner] != bytes[anchor] {
            let (low, high) = (min(anchor, partner), max(anchor, partner))
            // Count in the sample, giving up on a pair once it is worse than the best one.
            let bound = best?.pairs ?? .max - 1
            var pairs = 0
            var from = 0
            while pairs <= bound, from + high < sample.count {
                let found = byte_search_pair(base + from, sample.count - from, bytes[low], bytes[high], high - low)
                guard found < sample.count - from else { break }
                pairs += 1
                from += found + 1
            }
            if pairs < (best?.pairs ?? .max) || (pairs == best?.pairs && abs(partner - anchor) > abs(best!.partner - anchor)) {
                best = (partner, pairs)
            }
        }
        guard let best else { return self }
        var tuned = self
        tuned.anchor = anchor
        tuned.anchorBytes = (bytes[anchor], bytes[anchor])
        tuned.partner = best.partner
        return tuned
    }

    /// Bytes needed: a match starts at least this far before the end of a text.
    var count: Int { bytes.count }

    /// The pair an exact needle is searched by: its bytes at offsets `low` and `high`.
    var pair: byte_search_pair_spec? {
        partner.map { partner in
            let (low, high) = (min(anchor, partner), max(anchor, partner))
            return byte_search_pair_spec(low: low, high: high, first: bytes[low], second: bytes[high])
        }
    }

    /// Whether an exact needle occurs at `index` of `haystack`.
    func occurs(at index: Int, in haystack: UnsafeRawBufferPointer) -> Bool {
        index + bytes.count <= haystack.count
            && bytes.withUnsafeBytes { memcmp($0.baseAddress!, haystack.baseAddress! + index, bytes.count) == 0 }
    }

    /// Whether the needle holds a line break: line-based searches cannot find such a needle.
    var spansLines: Bool { bytes.contains(UInt8(ascii: "\n")) || bytes.contains(UInt8(ascii: "\r")) }

    /// The index in `haystack` where the needle first occurs.
    func firstIndex(in haystack: UnsafeRawBufferPointer) -> Int? {
        let length = bytes.count
        guard length > 0 else { return 0 }
        guard haystack.count >= length, let base = haystack.baseAddress else { return nil }
        if let partner { return pairSearch(base, haystack.count, partner: partner) }
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

    /// Candidates where the anchor byte and the partner byte both sit, compared in full.
    private func pairSearch(_ base: UnsafeRawPointer, _ count: Int, partner: Int) -> Int? {
        let (low, high) = (min(anchor, partner), max(anchor, partner))
        let lastStart = count - bytes.count
        return bytes.withUnsafeBufferPointer { needle -> Int? in
            let (lowByte, highByte) = (needle[low], needle[high])
            var start = 0
            while start <= lastStart {
                let text = (base + start + low).assumingMemoryBound(to: UInt8.self)
                let span = lastStart - start + 1 + (high - low)
                let found = byte_search_pair(text, span, lowByte, highByte, high - low)
                guard found < span - (high - low) else { return nil }
                let candidate = start + found
                if memcmp(needle.baseAddress!, base + candidate, needle.count) == 0 { return candidate }
                start = candidate + 1
            }
            return nil
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
