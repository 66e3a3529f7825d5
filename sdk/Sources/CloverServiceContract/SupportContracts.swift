/// A support report as support.report and support.status describe it (without its body).
public struct SupportReportSummary: Codable, Sendable, Equatable {
    public let id: String
    public let idempotencyKey: String
    /// queued, sending, sent, or failed (the portal refused it for good).
    public let state: String
    public let summary: String?
    public let severity: String?
    public let createdAt: String
    public let attempts: Int
    public let expectedSendAt: String?
    public let sentAt: String?
    public let issueId: String?
    public let lastError: String?
}

let reportExample = SupportReportSummary(
    id: "r-20261207-0001", idempotencyKey: "job-1042-failure", state: "queued", summary: "LoadOrders fails with OutOfMemoryError",
    severity: "high", createdAt: "2026-12-07T09:12:00.000Z", attempts: 1, expectedSendAt: "2026-12-07T09:13:00.000Z",
    sentAt: "2026-12-07T09:13:01.000Z", issueId: "CLO-31337", lastError: "portal answered 503")

let reportNotes: [(field: String, note: String)] = [
    ("id", "the outbox's id of the report"), ("idempotencyKey", "the caller's key"),
    ("state", "queued, sending, sent, or failed (refused for good)"), ("summary", "the report's summary"),
    ("severity", "the report's severity"), ("createdAt", "when it was queued, ISO 8601 UTC"), ("attempts", "delivery attempts so far"),
    ("expectedSendAt", "when the next attempt is due; absent once sent"), ("sentAt", "when the portal took it; absent before"),
    ("issueId", "the portal's issue id; absent before"), ("lastError", "why the last attempt failed; absent when none did"),
]

extension HostServices {
    /// "support.report": queue a support report for the portal.
    public enum SupportReport: HostServiceContract {
        public static let name = "support.report"
        public static let grant = "support.write"
        public static let summary = "Writes a support report to the outbox (fsync'd) before it returns; the host delivers it in the background to clover.mcp.customer.portal.api.url, one portal call per rate-limit interval, retried with backoff, also after a restart. The same idempotencyKey again returns the existing report."

        public struct Request: Codable, Sendable, Equatable {
            public var report: PluginJSON
            public var idempotencyKey: String
            public init(report: PluginJSON, idempotencyKey: String) { (self.report, self.idempotencyKey) = (report, idempotencyKey) }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let report: SupportReportSummary
            public let duplicate: Bool
            public let destination: String?
            public let rateLimitMs: Int
        }

        public static let exampleRequest = Request(report: .object(["summary": .string("LoadOrders fails with OutOfMemoryError")]), idempotencyKey: "job-1042-failure")
        public static let exampleAnswer = Answer(report: reportExample, duplicate: false, destination: "https://support.example.com/api/issues", rateLimitMs: 60_000)
        public static let requestNotes: [(field: String, note: String)] = [
            ("report", "the report, a JSON object with at least summary (at most 1 MiB, sent to the portal as is)"),
            ("report.*", "the report's own fields"), ("idempotencyKey", "a key of at most 200 characters; the same key returns the same report"),
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("report", "the queued report"), ("duplicate", "true when the key was seen before"),
            ("destination", "where it goes (portal URL or mail address); null when none is configured"),
            ("rateLimitMs", "the least time between two deliveries"),
        ] + reportNotes.map { ("report.\($0.field)", $0.note) }
    }
}

extension HostServices {
    /// "support.status": the outbox's reports.
    public enum SupportStatus: HostServiceContract {
        public static let name = "support.status"
        public static let grant = "support.write"
        public static let summary = "The state of one support report (by report id, portal issue id or idempotency key) or of the recent ones, newest first."

        public struct Request: Codable, Sendable, Equatable {
            public var id: String?
            public var limit: Int?
            public init(id: String? = nil, limit: Int? = nil) { (self.id, self.limit) = (id, limit) }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let configured: Bool
            public let destination: String?
            public let rateLimitMs: Int
            public let reports: [SupportReportSummary]
        }

        public static let exampleRequest = Request(id: "job-1042-failure", limit: 20)
        public static let exampleAnswer = Answer(configured: true, destination: "https://support.example.com/api/issues", rateLimitMs: 60_000, reports: [reportExample])
        public static let requestNotes: [(field: String, note: String)] = [
            ("id", "a report id, portal issue id or idempotency key; the recent reports when absent"), ("limit", "how many recent reports (20, at most 200)"),
        ]
        public static let answerNotes: [(field: String, note: String)] = [
            ("configured", "whether a destination is configured"), ("destination", "where reports go; null when none"),
            ("rateLimitMs", "the least time between two deliveries"), ("reports", "newest first"),
        ] + reportNotes.map { ("reports[].\($0.field)", $0.note) }
    }
}

extension HostServices {
    /// "support.package": a ZIP of configuration and logs for a support case.
    public enum SupportPackage: HostServiceContract {
        public static let name = "support.package"
        public static let grant = "support.write"
        public static let summary = "Writes a ZIP next to the outbox: configuration.properties (secrets masked), then the newest server and Tomcat log files, newest first, up to clover.mcp.sidecar.support.package.max.bytes (50 MB)."

        public struct Request: Codable, Sendable, Equatable {
            public var idempotencyKey: String
            public init(idempotencyKey: String) { self.idempotencyKey = idempotencyKey }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public let file: String
            public let location: String
            public let bytes: Int
            public let capBytes: Int
            public let files: [String]
            public let omittedFiles: Int
        }

        public static let exampleRequest = Request(idempotencyKey: "job-1042-failure")
        public static let exampleAnswer = Answer(file: "support-job-1042-failure.zip", location: "/opt/cloverdx/mcp/outbox/support-job-1042-failure.zip",
                                                 bytes: 4_200_000, capBytes: 50_000_000, files: ["configuration.properties", "all.log"], omittedFiles: 3)
        public static let requestNotes: [(field: String, note: String)] = [("idempotencyKey", "names the package; the same key replaces it")]
        public static let answerNotes: [(field: String, note: String)] = [
            ("file", "the ZIP's name"), ("location", "its path on the server"), ("bytes", "its size"), ("capBytes", "the size cap"),
            ("files", "what it holds, in order"), ("omittedFiles", "log files left out by the cap"),
        ]
    }
}
