import Foundation
import Logging
import MCPProtocol

/// Accepts support reports into the durable outbox and delivers them to the portal in the background:
/// one portal call per rate-limit interval across all callers, retries with exponential backoff, and
/// on start-up it picks up whatever an earlier process left queued or half-sent.
public actor SupportDesk {
    let outbox: SupportOutbox
    let delivery: any SupportChannel
    let rateLimitMs: Int64
    let retryBaseMs: Int64
    private let logger: Logger
    private var records: [String: SupportOutboxRecord]
    /// When the portal was last called, by anyone; restored from the outbox so a restart keeps the pace.
    private var lastCallAtMs: Int64?
    private static let retryCapMs: Int64 = 3_600_000

    init(outbox: SupportOutbox, delivery: any SupportChannel, rateLimitMs: Int, retryBaseMs: Int, logger: Logger) {
        self.outbox = outbox
        self.delivery = delivery
        self.rateLimitMs = Int64(max(rateLimitMs, 0))
        self.retryBaseMs = Int64(max(retryBaseMs, 1))
        self.logger = logger
        var loaded: [String: SupportOutboxRecord] = [:]
        for var record in outbox.load() {
            // Interrupted mid-send: whether the portal got it is unknown, so it goes again with the same key.
            if record.state == .sending {
                record.state = .queued
                try? outbox.write(record)
            }
            loaded[record.id] = record
        }
        records = loaded
        lastCallAtMs = loaded.values.compactMap(\.lastAttemptAtMs).max()
    }

    /// Durably queues `report`. The same idempotency key again returns the report already queued or
    /// sent instead of a second one.
    func submit(report: JSONValue, idempotencyKey: String) throws -> (record: SupportOutboxRecord, duplicate: Bool) {
        if let existing = records.values.first(where: { $0.idempotencyKey == idempotencyKey }) {
            return (existing, true)
        }
        // Strictly later than every earlier report, so two in the same millisecond still go in order.
        let now = max(Self.nowMs(), (records.values.map(\.createdAtMs).max() ?? 0) + 1)
        let id = "R-\(now)-\(UInt32.random(in: 0...UInt32.max))"
        let record = SupportOutboxRecord(id: id, idempotencyKey: idempotencyKey, report: report, createdAtMs: now)
        try outbox.write(record)
        records[id] = record
        return (record, false)
    }

    /// The record with `id` (or whose portal issue id or idempotency key is `id`).
    func find(_ id: String) -> SupportOutboxRecord? {
        records[id] ?? records.values.first { $0.issueId == id || $0.idempotencyKey == id }
    }

    /// The newest records first.
    func recent(limit: Int) -> [SupportOutboxRecord] {
        Array(records.values.sorted { ($0.createdAtMs, $0.id) > ($1.createdAtMs, $1.id) }.prefix(limit))
    }

    /// When each waiting record should go, given the rate limit and its backoff: earliest first.
    func expectedSendTimes() -> [String: Int64] {
        var slot = max(Self.nowMs(), (lastCallAtMs ?? 0) + rateLimitMs)
        var times: [String: Int64] = [:]
        for record in waiting().sorted(by: { ($0.nextAttemptAtMs, $0.createdAtMs) < ($1.nextAttemptAtMs, $1.createdAtMs) }) {
            let at = max(slot, record.nextAttemptAtMs)
            times[record.id] = at
            slot = at + rateLimitMs
        }
        return times
    }

    /// Delivers until cancelled; run it for as long as the server runs.
    public func run() async {
        while !Task.isCancelled {
            await sendNextDue()
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    private func waiting() -> [SupportOutboxRecord] {
        records.values.filter { $0.state == .queued || $0.state == .sending }
    }

    /// Sends the oldest due record, if the rate limit allows a portal call now.
    private func sendNextDue() async {
        let now = Self.nowMs()
        if let lastCallAtMs, now < lastCallAtMs + rateLimitMs { return }
        guard var record = waiting().filter({ $0.nextAttemptAtMs <= now }).min(by: { ($0.createdAtMs, $0.id) < ($1.createdAtMs, $1.id) }) else { return }
        record.state = .sending
        record.attempts += 1
        record.lastAttemptAtMs = now
        lastCallAtMs = now
        // Persisted before the call: a crash during it leaves "sending", which a restart sends again.
        guard save(record) else { return }
        let outcome = await delivery.send(record)
        switch outcome {
        case .delivered(let issueId):
            record.state = .sent
            record.sentAtMs = Self.nowMs()
            record.issueId = issueId
            record.lastError = nil
            logger.notice("support report \(record.id) delivered\(issueId.map { " as \($0)" } ?? "")")
        case .retry(let reason):
            record.state = .queued
            record.lastError = reason
            let delay = min(retryBaseMs << Int64(min(record.attempts - 1, 20)), Self.retryCapMs)
            record.nextAttemptAtMs = Self.nowMs() + delay
            logger.warning("support report \(record.id) not delivered (attempt \(record.attempts)), retrying in \(delay) ms: \(reason)")
        case .rejected(let reason):
            record.state = .failed
            record.lastError = reason
            logger.error("support report \(record.id) refused: \(reason)")
        }
        _ = save(record)
    }

    private func save(_ record: SupportOutboxRecord) -> Bool {
        records[record.id] = record
        do {
            try outbox.write(record)
            return true
        } catch {
            logger.error("support outbox: \(error)")
            return false
        }
    }

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
