import CloverPluginSupport
import PluginKit

/// Request counts, error rates and latency percentiles of a window of Tomcat's access log: one SQL
/// query over the host's `access` table, in sections.
struct HTTPStatistics: Encodable {
    struct Count: Encodable {
        let key: String
        let requests: Int
        /// Of all requests in the window.
        let share: Double
    }

    struct Latency: Encodable {
        /// Requests with a recorded duration (only the `%D` layout records one).
        let samples: Int
        let p50: Double?
        let p95: Double?
        let p99: Double?
    }

    struct Ranked: Encodable {
        let key: String
        let requests: Int
        /// Responses with status 400 or more.
        let errors: Int
        let errorRate: Double
        let p95Ms: Double?
    }

    let requests: Int
    let byStatusClass: [Count]
    let byStatus: [Count]
    /// Share of 4xx and 5xx responses; of 5xx alone.
    let errorRate: Double
    let serverErrorRate: Double
    let latencyMs: Latency
    let topPaths: [Ranked]
    let topErrorPaths: [Ranked]
    let topClients: [Ranked]

    static func sql(top: Int) -> String {
        """
        SELECT 'class' AS section, (status / 100) || 'xx' AS key, count(*) AS requests, 0 AS errors, NULL AS p50, NULL AS p95, NULL AS p99
          FROM access GROUP BY status / 100
        UNION ALL SELECT 'status', CAST(status AS TEXT), count(*), 0, NULL, NULL, NULL FROM access GROUP BY status
        UNION ALL SELECT 'latency', NULL, count(duration_ms), 0, percentile(duration_ms, 0.5), percentile(duration_ms, 0.95),
                         percentile(duration_ms, 0.99) FROM access
        UNION ALL SELECT * FROM (SELECT 'path', coalesce(path, '-'), count(*), sum(status >= 400), NULL, percentile(duration_ms, 0.95), NULL
                                 FROM access GROUP BY path ORDER BY count(*) DESC, path LIMIT \(top))
        UNION ALL SELECT * FROM (SELECT 'errorPath', coalesce(path, '-'), count(*), count(*), NULL, percentile(duration_ms, 0.95), NULL
                                 FROM access WHERE status >= 400 GROUP BY path ORDER BY count(*) DESC, path LIMIT \(top))
        UNION ALL SELECT * FROM (SELECT 'client', client, count(*), sum(status >= 400), NULL, percentile(duration_ms, 0.95), NULL
                                 FROM access GROUP BY client ORDER BY count(*) DESC, client LIMIT \(top))
        """
    }

    init(_ table: LogTableRows) {
        func section(_ name: String) -> [SQLRow] { table.rows.filter { $0.string("section") == name } }
        let total = section("class").reduce(0) { $0 + Int($1.int("requests") ?? 0) }
        func share(_ count: Int) -> Double { total == 0 ? 0 : (Double(count) / Double(total) * 10_000).rounded() / 10_000 }
        func counts(_ rows: [SQLRow]) -> [Count] {
            rows.map { Count(key: $0.string("key") ?? "", requests: Int($0.int("requests") ?? 0), share: share(Int($0.int("requests") ?? 0))) }
                .sorted { $0.key < $1.key }
        }
        func ranked(_ rows: [SQLRow]) -> [Ranked] {
            rows.map { row in
                let requests = Int(row.int("requests") ?? 0)
                let errors = Int(row.int("errors") ?? 0)
                return Ranked(key: row.string("key") ?? "-", requests: requests, errors: errors,
                              errorRate: requests == 0 ? 0 : (Double(errors) / Double(requests) * 10_000).rounded() / 10_000,
                              p95Ms: row.double("p95"))
            }
        }
        requests = total
        byStatusClass = counts(section("class"))
        byStatus = counts(section("status"))
        let errors = byStatusClass.filter { $0.key == "4xx" || $0.key == "5xx" }.reduce(0) { $0 + $1.requests }
        errorRate = share(errors)
        serverErrorRate = share(byStatusClass.first { $0.key == "5xx" }?.requests ?? 0)
        let latency = section("latency").first
        latencyMs = Latency(samples: Int(latency?.int("requests") ?? 0), p50: latency?.double("p50"), p95: latency?.double("p95"),
                            p99: latency?.double("p99"))
        topPaths = ranked(section("path"))
        topErrorPaths = ranked(section("errorPath"))
        topClients = ranked(section("client"))
    }
}

/// Logins, failed logins per user and per IP, and logouts from user-action.log: one SQL query over
/// the host's `user_action` table.
struct LoginStatistics: Encodable {
    struct Failures: Encodable {
        let key: String
        let failures: Int
        /// Distinct IPs (per user) or users (per IP) involved.
        let distinct: Int
        let first: String?
        let last: String?
    }

    struct ActionCount: Encodable {
        let action: String
        let result: String
        let count: Int
    }

    let loginSuccesses: Int
    let loginFailures: Int
    let logouts: Int
    let failedByUser: [Failures]
    let failedByIP: [Failures]
    let actions: [ActionCount]

    static func sql(top: Int) -> String {
        let failed = "action = 'LOGIN' AND upper(coalesce(result, '')) <> 'SUCCESS'"
        return """
            SELECT 'total' AS section, 'success' AS key, NULL AS extra, count(*) AS n, count(DISTINCT user) AS distinctCount, min(time) AS first, max(time) AS last
              FROM user_action WHERE action = 'LOGIN' AND upper(result) = 'SUCCESS'
            UNION ALL SELECT 'total', 'failure', NULL, count(*), count(DISTINCT user), min(time), max(time) FROM user_action WHERE \(failed)
            UNION ALL SELECT 'total', 'logout', NULL, count(*), count(DISTINCT user), min(time), max(time) FROM user_action WHERE action = 'LOGOUT'
            UNION ALL SELECT * FROM (SELECT 'user', coalesce(user, '-'), NULL, count(*), count(DISTINCT ip), min(time), max(time) FROM user_action
                                     WHERE \(failed) GROUP BY user ORDER BY count(*) DESC, user LIMIT \(top))
            UNION ALL SELECT * FROM (SELECT 'ip', coalesce(ip, '-'), NULL, count(*), count(DISTINCT user), min(time), max(time) FROM user_action
                                     WHERE \(failed) GROUP BY ip ORDER BY count(*) DESC, ip LIMIT \(top))
            UNION ALL SELECT 'action', action, coalesce(result, ''), count(*), 0, min(time), max(time) FROM user_action GROUP BY action, result
            """
    }

    init(_ table: LogTableRows) {
        func section(_ name: String) -> [SQLRow] { table.rows.filter { $0.string("section") == name } }
        func total(_ key: String) -> Int { Int(section("total").first { $0.string("key") == key }?.int("n") ?? 0) }
        func failures(_ rows: [SQLRow]) -> [Failures] {
            rows.map { Failures(key: $0.string("key") ?? "-", failures: Int($0.int("n") ?? 0), distinct: Int($0.int("distinctCount") ?? 0),
                                first: $0.string("first"), last: $0.string("last")) }
        }
        loginSuccesses = total("success")
        loginFailures = total("failure")
        logouts = total("logout")
        failedByUser = failures(section("user"))
        failedByIP = failures(section("ip"))
        actions = section("action").map { ActionCount(action: $0.string("key") ?? "", result: $0.string("extra") ?? "", count: Int($0.int("n") ?? 0)) }
            .sorted { ($0.action, $0.result) < ($1.action, $1.result) }
    }
}
