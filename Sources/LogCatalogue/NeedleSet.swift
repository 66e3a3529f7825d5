import CByteSearch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Texts of which the first occurrence of any is wanted, found in one pass over the text: each
/// exact needle contributes the pair of its bytes ``ByteNeedle`` searches by and all pairs are
/// compared together (`byte_search_pairs`), so six alternatives (`[45]0[134] `) cost about what one
/// does. A set that cannot be searched so (a folded needle, one without a pair, more than
/// `BYTE_SEARCH_MAX_SPECS`) looks for each needle in turn.
struct NeedleSet {
    private let needles: [ByteNeedle]
    private let pairs: [byte_search_pair_spec]?

    init(_ needles: [ByteNeedle]) {
        self.needles = needles
        let pairs = needles.compactMap(\.pair)
        self.pairs = needles.count > 1 && pairs.count == needles.count && pairs.count <= Int(BYTE_SEARCH_MAX_SPECS) ? pairs : nil
    }

    var isEmpty: Bool { needles.isEmpty }

    /// Bytes of the longest needle.
    var longest: Int { needles.map(\.count).max() ?? 0 }

    /// The set with each needle searched by the pair of its bytes rarest in `sample`, see ``ByteNeedle/tuned(to:histogram:)``.
    func tuned(to sample: UnsafeRawBufferPointer) -> NeedleSet {
        var histogram = [Int](repeating: 0, count: 256)
        for byte in sample { histogram[Int(byte)] += 1 }
        return NeedleSet(needles.map { $0.tuned(to: sample, histogram: histogram) })
    }

    /// The index in `haystack` where one of the needles first occurs.
    func firstIndex(in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let pairs, let base = haystack.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return needles.compactMap { $0.firstIndex(in: haystack) }.min()
        }
        // Starts below `bulk` leave room for every pair's second byte.
        let bulk = haystack.count - (pairs.map(\.high).max() ?? 0)
        var from = 0
        while from < bulk {
            let found = pairs.withUnsafeBufferPointer { byte_search_pairs(base + from, bulk - from, $0.baseAddress, $0.count) }
            guard found < bulk - from else { break }
            let candidate = from + found
            if needles.contains(where: { $0.occurs(at: candidate, in: haystack) }) { return candidate }
            from = candidate + 1
        }
        // The last few starts: each needle on its own.
        let tail = max(from, bulk, 0)
        guard tail < haystack.count else { return nil }
        return needles.compactMap { $0.firstIndex(in: UnsafeRawBufferPointer(rebasing: haystack[tail...])) }.min().map { tail + $0 }
    }
}
