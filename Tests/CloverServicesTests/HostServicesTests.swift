import CloverInstallation
import DemoInstallation
import Foundation
import HostConfiguration
import Logging
import MCPProtocol
import PluginHost
import Testing
import TestSupport
@testable import CloverServices

/// One generated demo installation for the suite: real logs and a real SQLite system database.
enum DemoFixture {
    static let installation: CloverInstallation = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloverdx-demo-\(getpid())")
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("conf/clover.properties").path) {
            _ = try! DemoGenerator(seed: 7, days: 7, size: .small, now: Date(timeIntervalSince1970: 1_741_165_200)).generate(into: directory)
        }
        let file = directory.appendingPathComponent("conf/clover.properties")
        let configuration = try! HostConfiguration.load(propertiesFile: file, environment: [:])
        return CloverInstallation.resolve(configuration, configurationFile: file, environment: [:])
    }()
}

/// Host services reached the way a plugin reaches them: through the C ABI from the fixture plugin.
@Suite struct HostServicesTests {
    let services = InstallationServices(installation: DemoFixture.installation, version: "test", logger: BuiltPlugins.logger)

    func registry(grants: [String]) -> PluginRegistry {
        let registry = PluginRegistry(
            loader: PluginLoader(searchDirectories: [BuiltPlugins.directory], logger: BuiltPlugins.logger, services: services.directory),
            changes: ChangeHub(), logger: BuiltPlugins.logger)
        registry.apply(PluginManifest(plugins: [PluginEntry(id: "faulty", library: "FaultyTestPlugin", grants: grants)]))
        return registry
    }

    func ask(_ service: String, _ request: JSONValue = [:], grants: [String] = ["logs.read", "sql.read", "installation.read"]) async throws -> JSONValue {
        let database = Task { await services.database?.run() }
        defer { database.cancel() }
        let context = MCPRequestContext(client: ClientContext(revision: .v2025_11_25), progressToken: nil, emit: { _ in })
        return try await registry(grants: grants).gate.callTool(name: "faulty_service", arguments: ["service": .string(service), "request": request], context: context)
    }

    func text(_ result: JSONValue) -> String { result["content"]?.arrayValue?.first?["text"]?.stringValue ?? "" }

    @Test func everyPartOfTheDemoIsOffered() {
        #expect(services.problems.isEmpty, "\(services.problems)")
        #expect(services.directory.names.contains("sql.query") && services.directory.names.contains("logs.search"))
    }

    @Test func installationInfoHasNoSecrets() async throws {
        let result = try await ask("installation.info")
        #expect(result["structuredContent"]?["nodeId"] == "node01")
        #expect(result["structuredContent"]?["systemDatabase"]?["engine"] == "sqlite")
        #expect(!text(result).lowercased().contains("password"))
    }

    @Test func listsAndSearchesLogsByID() async throws {
        let list = try await ask("logs.list")
        let ids = list["structuredContent"]?["logs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains("all") && ids.contains("performance") && ids.contains("access"))
        let errors = try await ask("logs.search", ["log": "all", "levels": ["ERROR"], "limit": 5])
        let entries = errors["structuredContent"]?["entries"]?.arrayValue ?? []
        #expect(!entries.isEmpty && entries.allSatisfy { $0["level"] == "ERROR" })
    }

    @Test func refusesPathsForLogIDs() async throws {
        for id in ["../../../etc/passwd", "/etc/passwd", "job/../../x"] {
            let result = try await ask("logs.search", ["log": .string(id)])
            #expect(result["isError"] == true, "\(id)")
        }
    }

    @Test func runsReadOnlySQLAndRefusesWrites() async throws {
        let count = try await ask("sql.query", ["sql": "SELECT count(*) AS runs FROM run_record"])
        let runs = count["structuredContent"]?["rows"]?.arrayValue?.first?.arrayValue?.first?.intValue ?? 0
        #expect(runs > 0)
        let write = try await ask("sql.query", ["sql": "DELETE FROM run_record"])
        #expect(write["isError"] == true)
        let schema = try await ask("sql.schema", ["tablePattern": "run_%"])
        let tables = schema["structuredContent"]?["tables"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(tables.contains("run_record"))
    }

    @Test func aPluginWithoutTheGrantGetsNoData() async throws {
        let result = try await ask("sql.query", ["sql": "SELECT 1"], grants: ["logs.read"])
        #expect(result["isError"] == true)
        #expect(text(result).contains("no grant \"sql.read\""))
    }
}

/// The same installation on PostgreSQL: the demo's system database loaded by `demo init --postgres`.
@Suite struct PostgresInstallationTests {
    @Test func servesTheSameDataFromPostgreSQL() async throws {
        guard let postgres = ProcessInfo.processInfo.environment["CLOVERDX_MCP_TEST_POSTGRES_URL"] else {
            // In CI the database must be there; locally scripts/with-postgres provides it.
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CLOVERDX_MCP_TEST_POSTGRES_URL is not set; run through scripts/with-postgres")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloverdx-demo-pg-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try DemoGenerator(seed: 3, days: 2, size: .small, now: Date(timeIntervalSince1970: 1_741_165_200)).generate(into: directory)
        let sqliteServices = InstallationServices(
            installation: CloverInstallation.resolve(try HostConfiguration.load(propertiesFile: directory.appendingPathComponent("conf/clover.properties"), environment: [:]), environment: [:]),
            version: "test", logger: BuiltPlugins.logger)
        let copied = try await DemoPostgresLoader.load(demo: directory, postgresURL: postgres)
        #expect(copied > 0)
        let file = directory.appendingPathComponent("conf/clover.properties")
        let installation = CloverInstallation.resolve(try HostConfiguration.load(propertiesFile: file, environment: [:]), environment: [:])
        #expect(installation.systemDatabase?.engine == "postgresql")
        let postgresServices = InstallationServices(installation: installation, version: "test", logger: BuiltPlugins.logger)
        let sql = "SELECT status, count(*) AS n FROM run_record GROUP BY status ORDER BY status"
        func rows(_ services: InstallationServices) async throws -> JSONValue? {
            let pool = Task { await services.database?.run() }
            defer { pool.cancel() }
            let service = try #require(services.directory["sql.query"])
            return try await service.handle(["sql": .string(sql)], context: ServiceContext(pluginID: "test", request: nil))["rows"]
        }
        let fromSQLite = try await rows(sqliteServices)
        let fromPostgres = try await rows(postgresServices)
        #expect(fromSQLite != nil && fromSQLite == fromPostgres)
    }
}
