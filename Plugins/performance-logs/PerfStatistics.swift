import CloverPluginSupport
import PluginKit

/// min/avg/max/p95 of every performance metric over a window and, when asked, per time bucket:
/// one SQL query over the host's `performance` table.
struct PerfStatistics: Encodable {
    struct Stat: Encodable {
        let metric: String
        let unit: String
        /// Samples that have the metric.
        let samples: Int
        let min: Double?
        let avg: Double?
        let max: Double?
        let p95: Double?
    }

    struct Bucket: Encodable {
        /// The bucket's start, server wall clock `yyyy-MM-dd HH:mm:ss`.
        let start: String
        let samples: Int
        let metrics: [Stat]
    }

    let samples: Int
    let firstTime: String?
    let lastTime: String?
    let metrics: [Stat]
    let buckets: [Bucket]?

    /// Most buckets one summary returns.
    static let maximumBuckets = 500

    /// The summary's own queries (fixed SQL, bounded by the window and the host's load cap) may run
    /// past the host's 10 s default for a model's SQL: five aggregates of 17 metrics over days of
    /// samples take that long on a small machine. The plugin call's timeout still bounds the whole.
    static let queryTimeoutMs = 20_000

    static func load(window: TimeWindow, bucketMinutes: Int?, call: CallContext) throws -> (PerfStatistics, LogTableRows) {
        // 85 numbers a bucket: allow the rows of every bucket, well past the host's default 1 MiB.
        let rows = try LogTableRows.query(log: "performance", window: window, sql: sql(bucketMinutes: bucketMinutes),
                                          maxRows: maximumBuckets + 1, maxBytes: 16 << 20, timeoutMs: queryTimeoutMs, call: call)
        if rows.truncated {
            throw ToolError.invalidArguments("bucketMinutes \(bucketMinutes ?? 0) makes more than \(maximumBuckets) buckets in this window "
                + "(or more than one answer holds); use larger buckets or a shorter window")
        }
        func stats(_ row: SQLRow) -> [Stat] {
            PerfMetric.performance.map { metric in
                let name = metric.name
                return Stat(metric: name, unit: metric.unit, samples: Int(row.int("\(name)_n") ?? 0), min: row.double("\(name)_min"),
                            avg: row.double("\(name)_avg"), max: row.double("\(name)_max"), p95: row.double("\(name)_p95"))
            }
        }
        let overall = rows.rows.first { $0.string("bucket") == nil }
        let buckets = bucketMinutes.map { _ in
            rows.rows.filter { $0.string("bucket") != nil }.map { row in
                Bucket(start: row.string("bucket") ?? "", samples: Int(row.int("samples") ?? 0), metrics: stats(row))
            }
        }
        let statistics = PerfStatistics(samples: Int(overall?.int("samples") ?? 0), firstTime: overall?.string("first"),
                                        lastTime: overall?.string("last"), metrics: overall.map(stats) ?? [], buckets: buckets)
        return (statistics, rows)
    }

    /// The whole window first (bucket NULL), then each bucket, from one pass over the table.
    static func sql(bucketMinutes: Int?) -> String {
        let aggregates = PerfMetric.performance.map { metric in
            let m = metric.name
            return "count(\(m)) AS \(m)_n, min(\(m)) AS \(m)_min, round(avg(\(m)), 3) AS \(m)_avg, max(\(m)) AS \(m)_max, percentile(\(m), 0.95) AS \(m)_p95"
        }.joined(separator: ", ")
        let whole = "SELECT NULL AS bucket, count(*) AS samples, min(time) AS first, max(time) AS last, \(aggregates) FROM performance"
        guard let bucketMinutes else { return whole }
        let seconds = bucketMinutes * 60
        // Buckets align to multiples of their length on the server's wall clock (whole hours for 60).
        let bucket = "datetime(CAST(strftime('%s', time) AS INTEGER) / \(seconds) * \(seconds), 'unixepoch')"
        return "\(whole) UNION ALL SELECT \(bucket) AS bucket, count(*), min(time), max(time), \(aggregates) FROM performance "
            + "GROUP BY 1 ORDER BY bucket"
    }
}
