import enum CloverServiceContract.HostServices
import Foundation
import MCPProtocol
import PluginHost

/// "support.report", "support.status" and "support.package": queue a support report for the customer
/// portal, see where reports stand, build the support package a report references. All need the grant
/// "support.write": the status shows what was reported, the package holds logs.
enum SupportServices {
    static func all(desk: SupportDesk?, package: SupportPackage?, rateLimitMs: Int) -> [any HostService] {
        [Report(desk: desk, rateLimitMs: rateLimitMs), Status(desk: desk, rateLimitMs: rateLimitMs), Package(package: package)]
    }

    /// The largest report accepted, evidence included.
    static let maximumReportBytes = 1 << 20

    /// Where reports go (portal URL or mailto:), or null when nowhere.
    static func destination(_ desk: SupportDesk?) -> JSONValue {
        desk.map { .string($0.delivery.destination) } ?? .null
    }

    struct Report: HostService {
        let name = HostServices.SupportReport.name
        let grant = HostServices.SupportReport.grant
        let desk: SupportDesk?
        let rateLimitMs: Int

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            guard let desk else {
                throw ServiceError(.failed, "nowhere to send support reports on this server: an administrator sets clover.mcp.customer.portal.api.url (and .api.token), or clover.mcp.support.email with CloverDX's email.smtp.* settings")
            }
            guard let report = request["report"], report.objectValue != nil else {
                throw ServiceError(.invalidArguments, "\"report\" must be a JSON object")
            }
            guard let summary = report["summary"]?.stringValue, !summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ServiceError(.invalidArguments, "the report needs a non-empty \"summary\"")
            }
            let size = report.serialized().count
            guard size <= SupportServices.maximumReportBytes else {
                throw ServiceError(.invalidArguments, "the report is \(size) bytes; at most \(SupportServices.maximumReportBytes) are accepted")
            }
            guard let key = request["idempotencyKey"]?.stringValue, !key.isEmpty, key.count <= 200 else {
                throw ServiceError(.invalidArguments, "\"idempotencyKey\" (1 to 200 characters) is required")
            }
            let record: SupportOutboxRecord
            let duplicate: Bool
            do {
                (record, duplicate) = try await desk.submit(report: report, idempotencyKey: key)
            } catch {
                throw ServiceError(.failed, "the report could not be stored in the outbox, so it was not accepted: \(error)")
            }
            let expected = await desk.expectedSendTimes()[record.id]
            return [
                "report": record.summary(expectedSendAtMs: expected), "duplicate": .bool(duplicate),
                "destination": SupportServices.destination(desk), "rateLimitMs": .int(Int64(rateLimitMs)),
            ]
        }
    }

    struct Status: HostService {
        let name = HostServices.SupportStatus.name
        let grant = HostServices.SupportStatus.grant
        let desk: SupportDesk?
        let rateLimitMs: Int

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            var answer: JSONValue = [
                "configured": .bool(desk != nil), "destination": SupportServices.destination(desk),
                "rateLimitMs": .int(Int64(rateLimitMs)), "reports": [],
            ]
            guard let desk else { return answer }
            let expected = await desk.expectedSendTimes()
            if let id = request["id"]?.stringValue {
                guard let record = await desk.find(id) else {
                    throw ServiceError(.notFound, "no support report \"\(id)\" in the outbox; support.status without an id lists the recent ones")
                }
                answer["reports"] = [record.summary(expectedSendAtMs: expected[record.id])]
            } else {
                let limit = Int(min(max(request["limit"]?.intValue ?? 20, 1), 200))
                answer["reports"] = .array(await desk.recent(limit: limit).map { $0.summary(expectedSendAtMs: expected[$0.id]) })
            }
            return answer
        }
    }

    struct Package: HostService {
        let name = HostServices.SupportPackage.name
        let grant = HostServices.SupportPackage.grant
        let isHeavy = true
        let package: SupportPackage?

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            guard let package else { throw ServiceError(.failed, "support packages are not available: the support settings are invalid (see the server log)") }
            guard let key = request["idempotencyKey"]?.stringValue, !key.isEmpty, key.count <= 200 else {
                throw ServiceError(.invalidArguments, "\"idempotencyKey\" (1 to 200 characters) of the report the package belongs to is required")
            }
            do {
                return try package.build(key: key)
            } catch {
                throw ServiceError(.failed, "the support package could not be written: \(error)")
            }
        }
    }
}
