import CloverServiceContract
import Foundation
import MCPProtocol
import PluginHost
import Testing
import TestSupport
@testable import CloverServices

/// The contract types are the one description of the host services: the host offers exactly those
/// services with those grants, its real answers (on the demo installation) read as the contract's
/// answer types with no field the contract lacks, and docs/SERVICES.md is what the types generate.
@Suite struct ServiceContractTests {
    let services = InstallationServices(installation: DemoFixture.installation, version: "test", logger: BuiltPlugins.logger)

    @Test func theHostOffersEveryContractServiceWithItsGrant() {
        // The demo has no REST API (http.request is then not offered); everything else must be there.
        let offered = Set(services.directory.names)
        let contracted = Set(HostServices.all.map { $0.name })
        #expect(offered.subtracting(contracted).isEmpty, "services without a contract: \(offered.subtracting(contracted))")
        #expect(contracted.subtracting(offered) == ["http.request"])
        for contract in HostServices.all {
            if let service = services.directory[contract.name] { #expect(service.grant == contract.grant, "\(contract.name)") }
        }
    }

    /// Runs the service on `request` (encoded from its contract type) and reads the answer back as the contract's.
    func check<S: HostServiceContract>(_ contract: S.Type, _ request: S.Request) async throws -> S.Answer {
        let service = try #require(services.directory[S.name])
        let requestJSON = try JSONValue.parse(String(decoding: try JSONEncoder().encode(request), as: UTF8.self))
        let database = Task { await services.database?.run() }
        defer { database.cancel() }
        let answer = try await service.handle(requestJSON, context: ServiceContext(pluginID: "contract-test", request: nil))
        let decoded = try JSONDecoder().decode(S.Answer.self, from: Data(answer.serialized()))
        // Every field the host sent with a value survives the contract type: none is undocumented.
        let reencoded = try JSONValue.parse(String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self))
        #expect(undocumented(answer, reencoded) == [], "\(S.name) answers fields its contract does not have")
        return decoded
    }

    /// Paths with a non-null value in `sent` that `kept` lacks.
    func undocumented(_ sent: JSONValue, _ kept: JSONValue?, _ path: String = "") -> [String] {
        switch sent {
        case .object(let members):
            return members.flatMap { key, value -> [String] in
                let child = path.isEmpty ? key : "\(path).\(key)"
                if value == .null { return [] }
                guard let keptValue = kept?[key] else { return [child] }
                return undocumented(value, keptValue, child)
            }
        case .array(let items):
            return items.enumerated().flatMap { index, item in undocumented(item, kept?.arrayValue.flatMap { index < $0.count ? $0[index] : nil }, "\(path)[]") }
        default:
            return []
        }
    }

    @Test func installationAndHostAnswersReadAsTheirContracts() async throws {
        let info = try await check(HostServices.InstallationInfo.self, NoFields())
        #expect(info.nodeId == "node01")
        #expect(info.systemDatabase?.engine == "sqlite")
        _ = try await check(HostServices.HostInfo.self, NoFields())
        let configuration = try await check(HostServices.ConfigEffective.self, .init(prefix: "clover."))
        #expect(configuration.entries.allSatisfy { $0.key.hasPrefix("clover.") })
    }

    @Test func logAnswersReadAsTheirContracts() async throws {
        let list = try await check(HostServices.LogsList.self, NoFields())
        #expect(list.logs.contains { $0.id == "all" })
        let errors = try await check(HostServices.LogsSearch.self, .init(log: "all", levels: ["ERROR"], limit: 3))
        #expect(errors.entries.count == 3 && errors.entries.allSatisfy { $0.level == "ERROR" })
        #expect(errors.nextCursor != nil)
        let next = try await check(HostServices.LogsSearch.self, .init(log: "all", levels: ["ERROR"], limit: 3, cursor: errors.nextCursor))
        #expect(next.entries.first != errors.entries.first)
        let tail = try await check(HostServices.LogsTail.self, .init(log: "all", entries: 2))
        #expect(tail.entries.count == 2)
        let moment = try #require(errors.entries.first?.time)
        let window = try await check(HostServices.LogsWindow.self, .init(log: "all", around: String(moment.prefix(19)), beforeSeconds: 5, afterSeconds: 5))
        #expect(!window.entries.isEmpty)
        let table = try await check(HostServices.LogsTable.self, .init(log: "performance", sql: "SELECT count(*) AS samples FROM performance"))
        #expect(table.columns.map(\.name) == ["samples"] && table.loadedRows > 0)
    }

    @Test func databaseAnswersReadAsTheirContracts() async throws {
        let query = try await check(HostServices.SQLQuery.self, .init(sql: "SELECT 1 AS one, 'x' AS letter", maxRows: 5))
        #expect(query.columns.map(\.name) == ["one", "letter"])
        #expect(query.rows == [[.number(1), .string("x")]])
        let cut = try await check(HostServices.SQLQuery.self, .init(sql: "SELECT id FROM run_record", maxRows: 1))
        #expect(cut.truncated && cut.truncationReason == "rowLimit")  // the value docs/SERVICES.md names
        let schema = try await check(HostServices.SQLSchema.self, .init(tablePattern: "run_record"))
        #expect(schema.engine == "sqlite" && schema.tables.map(\.name) == ["run_record"])
    }

    @Test func sandboxAnswersReadAsTheirContracts() async throws {
        let sandboxes = try await check(HostServices.SandboxesList.self, NoFields())
        let code = try #require(sandboxes.sandboxes.first { $0.exists }?.code)
        let files = try await check(HostServices.SandboxFiles.self, .init(sandbox: code, limit: 2))
        let path = try #require(files.files.first?.path)
        let file = try await check(HostServices.SandboxRead.self, .init(sandbox: code, path: path, maxBytes: 64))
        #expect(file.path == path && file.offset == 0)
    }

    @Test func supportAnswersReadAsTheirContracts() async throws {
        let status = try await check(HostServices.SupportStatus.self, .init(limit: 5))
        #expect(status.rateLimitMs > 0)
    }

    @Test func everyExampleFieldHasANote() {
        for contract in HostServices.all {
            #expect(ServiceReference.noteProblems(contract) == [])
        }
    }

    @Test func docsServicesIsWhatTheTypesGenerate() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/SERVICES.md").standardizedFileURL
        let generated = ServiceReference.markdown()
        if ProcessInfo.processInfo.environment["UPDATE_SERVICE_DOCS"] == "1" {
            try generated.write(to: file, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOf: file, encoding: .utf8)
        #expect(stored == generated, "docs/SERVICES.md is out of date: run UPDATE_SERVICE_DOCS=1 swift test --filter ServiceContractTests")
    }
}
