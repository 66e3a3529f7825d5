import CloverPluginSupport
import Foundation
import PluginKit

/// Incidents found in performance samples by one SQL query over the host's `performance` table: the
/// patterns of docs/CLOVERDX.md, "Performance log" (heap exhaustion, late heartbeats and Worker restarts, swap, descriptor
/// leaks) plus job-queue build-up, Core restarts and gaps in sampling.
struct PerfIncident: Encodable, Equatable {
    /// `heapPressure`, `heartbeat`, `workerRestart`, `coreRestart`, `swap`, `queue`, `samplingGap`, `fdLeak`.
    let kind: String
    /// The metric the incident is about.
    let metric: String
    /// First and last sample of the episode (for a restart or gap: the last sample before and the first after).
    let start: String
    let end: String
    /// Samples in the episode (rising 30-minute steps for fdLeak).
    let samples: Int
    /// The worst value of `metric` in the episode.
    let peak: Double?
    let description: String
}

/// The rules, written so the same numbers appear in the query, the descriptions and the tool's documentation.
struct PerfIncidentRules: Sendable {
    /// Worker heap this high counts as near its maximum (GB): 90% of the Worker's max heap when known,
    /// else nil and 90% of the highest wHeap in the window is used.
    let heapThreshold: Double?
    /// The Worker's configured max heap (GB), when known.
    let workerMaxHeap: Double?
    static let heapFraction = 0.9
    static let gcPercent = 20.0
    static let heartbeatSeconds = 45.0
    static let swapGB = 0.5
    static let queuedJobs = 10
    static let gapSeconds = 60
    /// Flagged samples further apart than this belong to different episodes.
    static let episodeGapSeconds = 300
    /// A descriptor leak: this many consecutive 30-minute averages each up by 2% (and 3 descriptors), 25% in all.
    static let fdRisingSteps = 4
    static let fdBucketSeconds = 1_800

    init(workerMaxHeap: Double?) {
        self.workerMaxHeap = workerMaxHeap
        heapThreshold = workerMaxHeap.map { $0 * Self.heapFraction }
    }

    /// `worker.maxHeapSize` (CloverDX: megabytes; a Java-style `4g`/`4096m` is read too) in GB.
    static func gigabytes(maxHeapSize text: String?) -> Double? {
        guard var value = text?.trimmingCharacters(in: .whitespaces).lowercased(), !value.isEmpty else { return nil }
        var scale = 1.0 / 1_024
        switch value.last {
        case "g": scale = 1; value.removeLast()
        case "m": value.removeLast()
        case "k": scale = 1.0 / 1_048_576; value.removeLast()
        default: break
        }
        guard let number = Double(value), number > 0 else { return nil }
        return number * scale
    }

    var sql: String {
        let heap = heapThreshold.map { "\($0)" } ?? "\(Self.heapFraction) * (SELECT max(wHeap) FROM performance)"
        return """
            WITH s AS (SELECT time, (julianday(time) - 2440587.5) * 86400.0 AS t, hbAge, wGC, wHeap, swap, jobQueue, cUptime, wUptime, cFD, wFD
                       FROM performance),
            flags AS (
              SELECT 'heapPressure' AS kind, 'wHeap' AS metric, time, t, wHeap AS peak, wGC AS extra FROM s WHERE wHeap >= \(heap) AND wGC > \(Self.gcPercent)
              UNION ALL SELECT 'heartbeat', 'hbAge', time, t, hbAge, NULL FROM s WHERE hbAge >= \(Self.heartbeatSeconds)
              UNION ALL SELECT 'swap', 'swap', time, t, swap, NULL FROM s WHERE swap > \(Self.swapGB)
              UNION ALL SELECT 'queue', 'jobQueue', time, t, jobQueue, NULL FROM s WHERE jobQueue >= \(Self.queuedJobs)),
            marked AS (SELECT *, CASE WHEN t - LAG(t) OVER (PARTITION BY kind ORDER BY t) <= \(Self.episodeGapSeconds) THEN 0 ELSE 1 END AS opens
                       FROM flags),
            episodes AS (SELECT *, SUM(opens) OVER (PARTITION BY kind ORDER BY t ROWS UNBOUNDED PRECEDING) AS episode FROM marked),
            uptimes AS (SELECT time, t, wUptime, LAG(wUptime) OVER (ORDER BY t) AS wBefore, LAG(time) OVER (ORDER BY t) AS wBeforeTime
                        FROM s WHERE wUptime IS NOT NULL),
            coreUptimes AS (SELECT time, t, cUptime, LAG(cUptime) OVER (ORDER BY t) AS cBefore, LAG(time) OVER (ORDER BY t) AS cBeforeTime
                            FROM s WHERE cUptime IS NOT NULL),
            steps AS (SELECT time, t, LAG(time) OVER (ORDER BY t) AS beforeTime, LAG(t) OVER (ORDER BY t) AS beforeT FROM s),
            buckets AS (SELECT CAST(t / \(Self.fdBucketSeconds) AS INTEGER) AS b, min(time) AS first, max(time) AS last,
                               avg(cFD) AS cFD, avg(wFD) AS wFD FROM s GROUP BY b),
            fdSteps AS (
              SELECT 'cFD' AS metric, b, first, last, cFD AS value, LAG(cFD) OVER (ORDER BY b) AS before, LAG(b) OVER (ORDER BY b) AS beforeB FROM buckets
              UNION ALL
              SELECT 'wFD', b, first, last, wFD, LAG(wFD) OVER (ORDER BY b), LAG(b) OVER (ORDER BY b) FROM buckets),
            fdRising AS (SELECT *, CASE WHEN b = beforeB + 1 AND value >= before * 1.02 AND value - before >= 3 THEN 1 ELSE 0 END AS rising
                         FROM fdSteps),
            fdRuns AS (SELECT *, SUM(1 - rising) OVER (PARTITION BY metric ORDER BY b ROWS UNBOUNDED PRECEDING) AS run FROM fdRising)
            SELECT kind, metric, min(time) AS started, max(time) AS ended, count(*) AS samples, max(peak) AS peak, max(extra) AS extra
              FROM episodes GROUP BY kind, metric, episode
            UNION ALL SELECT 'workerRestart', 'wUptime', wBeforeTime, time, 2, wBefore, wUptime FROM uptimes WHERE wUptime < wBefore
            UNION ALL SELECT 'coreRestart', 'cUptime', cBeforeTime, time, 2, cBefore, cUptime FROM coreUptimes WHERE cUptime < cBefore
            UNION ALL SELECT 'samplingGap', 'time', beforeTime, time, 0, t - beforeT, NULL FROM steps WHERE t - beforeT >= \(Self.gapSeconds)
            UNION ALL SELECT 'fdLeak', metric, min(first), max(last), sum(rising), max(value), min(value) FROM fdRuns
              GROUP BY metric, run HAVING sum(rising) >= \(Self.fdRisingSteps) AND max(value) >= 1.25 * min(value)
            ORDER BY started, kind
            """
    }

    /// Most incidents one summary lists; the earliest are kept.
    static let maximumIncidents = 1_000

    /// The incidents in `window`, earliest first, and whether there were more than ``maximumIncidents``.
    func detect(window: TimeWindow, call: CallContext) throws -> (incidents: [PerfIncident], truncated: Bool) {
        let rows = try LogTableRows.query(log: "performance", window: window, sql: sql, maxRows: Self.maximumIncidents, maxBytes: 16 << 20,
                                          timeoutMs: PerfStatistics.queryTimeoutMs, call: call)
        let incidents = rows.rows.map { row in
            let kind = row.string("kind") ?? ""
            let metric = row.string("metric") ?? ""
            let peak = row.double("peak")
            return PerfIncident(kind: kind, metric: metric, start: row.string("started") ?? "", end: row.string("ended") ?? "",
                                samples: Int(row.int("samples") ?? 0), peak: peak,
                                description: describe(kind: kind, metric: metric, peak: peak, extra: row.double("extra")))
        }
        return (incidents, rows.truncated)
    }

    private func describe(kind: String, metric: String, peak: Double?, extra: Double?) -> String {
        let value = peak.map { PerfFormat.number($0) } ?? "?"
        switch kind {
        case "heapPressure":
            let threshold = heapThreshold.map { "≥ \(PerfFormat.number($0)) GB, 90% of the Worker's max heap \(PerfFormat.number(workerMaxHeap ?? 0)) GB" }
                ?? "≥ 90% of the highest wHeap in the window"
            return "Worker heap near its maximum with heavy GC: wHeap up to \(value) GB (\(threshold)), wGC up to \(extra.map { PerfFormat.number($0) } ?? "?")%"
        case "heartbeat":
            return "Worker heartbeat late: hbAge up to \(value) s (the Core restarts the Worker at about 60 s)"
        case "workerRestart":
            return "Worker restarted between these samples: the old Worker had been up \(PerfFormat.duration(peak ?? 0)), "
                + "the new one was up \(PerfFormat.duration(extra ?? 0)) when first sampled"
        case "coreRestart":
            return "Core (Tomcat) restarted between these samples: it had been up \(PerfFormat.duration(peak ?? 0)), "
                + "and was up \(PerfFormat.duration(extra ?? 0)) when sampled again"
        case "swap":
            return "Swap in use: up to \(value) GB"
        case "queue":
            return "Job queue built up: up to \(value) jobs waiting (jobQueue ≥ \(Self.queuedJobs))"
        case "samplingGap":
            return "No performance samples for \(PerfFormat.duration(peak ?? 0)): the server or its logging stopped"
        case "fdLeak":
            let owner = metric == "cFD" ? "Core" : "Worker"
            return "\(owner) open file descriptors rising: \(metric) from \(extra.map { PerfFormat.number($0) } ?? "?") to \(value) (30-minute averages)"
        default:
            return kind
        }
    }
}
