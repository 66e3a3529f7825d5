import Foundation
import MCPProtocol

/// One support report in the outbox and where its delivery stands. Stored as JSON, one file per report.
struct SupportOutboxRecord: Sendable, Equatable {
    /// queued → sending → sent, or failed when the portal refuses it for good.
    enum State: String, Sendable {
        case queued, sending, sent, failed
    }

    let id: String
    /// Sent as `Idempotency-Key`, so a resend after a crash or a lost answer creates no second issue.
    let idempotencyKey: String
    /// The report as the plugin composed it; sent as is.
    let report: JSONValue
    let createdAtMs: Int64
    var state: State = .queued
    var attempts = 0
    /// Not to be sent before this (backoff after a failure).
    var nextAttemptAtMs: Int64
    var lastAttemptAtMs: Int64?
    var lastError: String?
    var sentAtMs: Int64?
    /// The portal's id for the issue, once it answered.
    var issueId: String?

    init(id: String, idempotencyKey: String, report: JSONValue, createdAtMs: Int64) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.report = report
        self.createdAtMs = createdAtMs
        self.nextAttemptAtMs = createdAtMs
    }

    /// The stored form.
    var json: JSONValue {
        [
            "id": .string(id), "idempotencyKey": .string(idempotencyKey), "state": .string(state.rawValue),
            "createdAtMs": .int(createdAtMs), "attempts": .int(Int64(attempts)), "nextAttemptAtMs": .int(nextAttemptAtMs),
            "lastAttemptAtMs": lastAttemptAtMs.map(JSONValue.int) ?? .null, "lastError": lastError.map(JSONValue.string) ?? .null,
            "sentAtMs": sentAtMs.map(JSONValue.int) ?? .null, "issueId": issueId.map(JSONValue.string) ?? .null,
            "report": report,
        ]
    }

    /// Reads the stored form; nil when a file is not a record (it is then left alone).
    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let key = json["idempotencyKey"]?.stringValue, let report = json["report"],
              let created = json["createdAtMs"]?.intValue, let state = json["state"]?.stringValue.flatMap(State.init(rawValue:)) else { return nil }
        self.init(id: id, idempotencyKey: key, report: report, createdAtMs: created)
        self.state = state
        attempts = Int(json["attempts"]?.intValue ?? 0)
        nextAttemptAtMs = json["nextAttemptAtMs"]?.intValue ?? created
        lastAttemptAtMs = json["lastAttemptAtMs"]?.intValue
        lastError = json["lastError"]?.stringValue
        sentAtMs = json["sentAtMs"]?.intValue
        issueId = json["issueId"]?.stringValue
    }

    /// What callers see: the state without the report body, times as ISO text.
    func summary(expectedSendAtMs: Int64?) -> JSONValue {
        var out: JSONValue = [
            "id": .string(id), "idempotencyKey": .string(idempotencyKey), "state": .string(state.rawValue),
            "summary": report["summary"] ?? .null, "severity": report["severity"] ?? .null,
            "createdAt": .string(Self.iso(createdAtMs)), "attempts": .int(Int64(attempts)),
        ]
        if let lastError { out["lastError"] = .string(lastError) }
        if let sentAtMs { out["sentAt"] = .string(Self.iso(sentAtMs)) }
        if let issueId { out["issueId"] = .string(issueId) }
        if let expectedSendAtMs { out["expectedSendAt"] = .string(Self.iso(expectedSendAtMs)) }
        return out
    }

    static func iso(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
