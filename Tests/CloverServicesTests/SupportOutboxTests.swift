import Foundation
import Logging
import MCPProtocol
import Testing
@testable import CloverServices

/// The support outbox on disk and the desk's bookkeeping, without a portal (nothing is sent here).
@Suite final class SupportOutboxTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)")

    deinit { try? FileManager.default.removeItem(at: folder) }

    func desk(rateLimitMs: Int = 60_000) throws -> SupportDesk {
        let delivery = try PortalDelivery(url: URL(string: "http://127.0.0.1:9/issues")!, token: nil, timeout: .seconds(1), version: "test")
        return SupportDesk(outbox: try SupportOutbox(directory: folder), delivery: delivery, rateLimitMs: rateLimitMs,
                           retryBaseMs: 100, logger: Logger(label: "test"))
    }

    @Test func recordsSurviveAWriteAndAReload() throws {
        let outbox = try SupportOutbox(directory: folder)
        var record = SupportOutboxRecord(id: "R-1", idempotencyKey: "k1", report: ["summary": "s"], createdAtMs: 1_000)
        record.attempts = 2
        record.lastError = "the portal answered 500"
        try outbox.write(record)
        #expect(outbox.load() == [record])
        // No temporary file is left next to the record.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["R-1.json"])
    }

    @Test func aReportInterruptedMidSendIsQueuedAgainOnStart() async throws {
        var record = SupportOutboxRecord(id: "R-2", idempotencyKey: "k2", report: ["summary": "s"], createdAtMs: 2_000)
        record.state = .sending
        try SupportOutbox(directory: folder).write(record)
        let desk = try desk()
        #expect(await desk.find("R-2")?.state == .queued)
        #expect(try SupportOutbox(directory: folder).load().first?.state == .queued)
    }

    @Test func theSameKeyIsOneReportAndWaitingReportsAreSpacedByTheRateLimit() async throws {
        let desk = try desk(rateLimitMs: 60_000)
        let first = try await desk.submit(report: ["summary": "a"], idempotencyKey: "ka")
        let again = try await desk.submit(report: ["summary": "a"], idempotencyKey: "ka")
        #expect(!first.duplicate && again.duplicate && again.record.id == first.record.id)
        let second = try await desk.submit(report: ["summary": "b"], idempotencyKey: "kb")
        let times = await desk.expectedSendTimes()
        let gap = try #require(times[second.record.id]) - (try #require(times[first.record.id]))
        #expect(gap == 60_000)
    }
}
