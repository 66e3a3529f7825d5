/// Deterministic pseudo-random numbers: xoshiro256** seeded through SplitMix64.
///
/// The generator never touches the system's random source, so one seed gives the same installation
/// on every run. Each concern draws from its own stream (`DemoRandom(seed:stream:)`), so adding a
/// draw in one log does not shift the numbers of another.
struct DemoRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var state = seed
        s0 = DemoRandom.splitMix(&state)
        s1 = DemoRandom.splitMix(&state)
        s2 = DemoRandom.splitMix(&state)
        s3 = DemoRandom.splitMix(&state)
    }

    /// A stream named `stream`, independent of the other streams of the same seed.
    init(seed: UInt64, stream: String) {
        self.init(seed: seed ^ DemoRandom.hash(stream))
    }

    /// A stream for one numbered item (a run, a day), independent of its neighbours.
    init(seed: UInt64, stream: String, item: Int) {
        var mixed = seed ^ DemoRandom.hash(stream) ^ (UInt64(bitPattern: Int64(item)) &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: DemoRandom.splitMix(&mixed))
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a, to turn a stream name into seed bits.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01B3
        }
        return h
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(bitPattern: UInt(next())) }
        return range.lowerBound + Int(next().multipliedFullWidth(by: span).high)
    }

    /// A uniform integer in `range`, for 64-bit quantities such as milliseconds.
    mutating func int64(_ range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        return range.lowerBound + Int64(next().multipliedFullWidth(by: span).high)
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    mutating func double(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

    /// Roughly normal (Irwin–Hall of four uniforms): no libm, so results match across platforms.
    mutating func bell(mean: Double, spread: Double) -> Double {
        let sum = unit() + unit() + unit() + unit()
        return mean + (sum - 2.0) * spread * 1.732
    }
}
