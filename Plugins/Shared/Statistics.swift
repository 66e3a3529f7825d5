/// Order statistics for summaries (durations, latencies, metrics).
public enum Statistics {
    /// The `fraction` percentile (0…1) by nearest rank, or nil for no values.
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
