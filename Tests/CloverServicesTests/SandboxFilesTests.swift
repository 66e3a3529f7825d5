import CloverInstallation
import Foundation
import HostConfiguration
import MCPProtocol
import PluginHost
import Testing
import TestSupport
@testable import CloverServices

/// A sandbox folder with a file outside it and links that stay in or lead out.
struct SandboxTree {
    static let orders = "id;amount\n1;2.50\n"
    let base: URL
    var sandbox: URL { base.appendingPathComponent("sandbox") }

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-tree-\(UUID().uuidString)")
        let files = [
            "sandbox/graph/LoadOrders.grf": "<Graph name=\"LoadOrders\"/>\n",
            "sandbox/workspace.prm": "<GraphParameters/>\n",
            "sandbox/data-in/orders.csv": Self.orders,
            "outside/secret.txt": "not for agents\n",
        ]
        for (path, text) in files {
            let url = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: sandbox.appendingPathComponent("leak.txt").path, withDestinationPath: "../outside/secret.txt")
        try manager.createSymbolicLink(atPath: sandbox.appendingPathComponent("outside-folder").path, withDestinationPath: base.appendingPathComponent("outside").path)
        try manager.createSymbolicLink(atPath: sandbox.appendingPathComponent("alias.grf").path, withDestinationPath: "graph/LoadOrders.grf")
        try manager.createSymbolicLink(atPath: sandbox.appendingPathComponent("params.txt").path, withDestinationPath: "workspace.prm")
    }

    func remove() { try? FileManager.default.removeItem(at: base) }
}

@Suite struct SandboxPathTests {
    @Test(arguments: ["../outside/secret.txt", "graph/../../outside", "..", "graph\\..\\..\\x"])
    func refusesParentFolders(raw: String) {
        #expect(throws: ServiceError.self) { try SandboxPath(raw) }
    }

    @Test(arguments: ["/etc/passwd", "\\etc\\passwd", "C:/Windows/win.ini", "c:\\x"])
    func refusesAbsolutePaths(raw: String) throws {
        let error = try #require(throws: ServiceError.self) { try SandboxPath(raw) }
        #expect(error.kind == .invalidArguments && error.message.contains("absolute"))
    }

    @Test func refusesNULBytes() throws {
        let error = try #require(throws: ServiceError.self) { try SandboxPath("graph/a.grf\u{0}.txt") }
        #expect(error.message.contains("NUL"))
    }

    @Test func normalisesDotsAndDoubleSlashes() throws {
        #expect(try SandboxPath("./graph//LoadOrders.grf").text == "graph/LoadOrders.grf")
        #expect(try SandboxPath("").components.isEmpty)
    }
}

@Suite struct SandboxFolderTests {
    @Test func followsLinksThatStayInsideAndRefusesLinksLeadingOut() throws {
        let tree = try SandboxTree()
        defer { tree.remove() }
        let folder = try SandboxFolder(code: "demo", path: tree.sandbox.path)
        #expect(try folder.locate(SandboxPath("alias.grf")) == folder.root + "/graph/LoadOrders.grf")
        for escape in ["leak.txt", "outside-folder/secret.txt"] {
            let error = try #require(throws: ServiceError.self) { try folder.locate(SandboxPath(escape)) }
            #expect(error.message.contains("outside the sandbox"), "\(escape)")
        }
        let missing = try #require(throws: ServiceError.self) { try folder.locate(SandboxPath("graph/Nope.grf")) }
        #expect(missing.kind == .notFound)
    }

    @Test func listsFilesRecursivelyWithoutLeavingTheSandbox() throws {
        let tree = try SandboxTree()
        defer { tree.remove() }
        let folder = try SandboxFolder(code: "demo", path: tree.sandbox.path)
        let (files, limited) = try folder.files(under: SandboxPath(""), scanLimit: 1_000, isCancelled: { false }) { _, _ in true }
        #expect(!limited)
        #expect(files.map(\.path) == ["alias.grf", "data-in/orders.csv", "graph/LoadOrders.grf", "params.txt", "workspace.prm"])
        #expect(files.first { $0.path == "data-in/orders.csv" }?.bytes == Int64(SandboxTree.orders.utf8.count))
        let graphs = try folder.files(under: SandboxPath("graph"), scanLimit: 1_000, isCancelled: { false }) { _, _ in true }
        #expect(graphs.files.map(\.path) == ["graph/LoadOrders.grf"])
    }

    @Test func readsAWindowCutAtACharacterBoundary() throws {
        let tree = try SandboxTree()
        defer { tree.remove() }
        let url = tree.sandbox.appendingPathComponent("data-in/umlaut.txt")
        try "aé".write(to: url, atomically: true, encoding: .utf8)  // 61 C3 A9
        let folder = try SandboxFolder(code: "demo", path: tree.sandbox.path)
        let (bytes, size) = try folder.read(try folder.locate(SandboxPath("data-in/umlaut.txt")), offset: 0, maxBytes: 2)
        #expect(size == 3 && bytes == [0x61, 0xC3])
        #expect(UTF8Boundary.prefix(bytes, reachesEnd: false) == 1)
        #expect(UTF8Boundary.prefix([0x61, 0xC3, 0xA9], reachesEnd: false) == 3)
    }
}

@Suite struct SandboxFileFilterTests {
    @Test func denyWinsOverAllow() {
        let filter = SandboxFileFilter(allowed: "graph/*, *.prm", denied: "*.PRM")
        #expect(filter.refusal("graph/LoadOrders.grf") == nil)
        #expect(filter.refusal("workspace.prm")?.contains("deniedFiles") == true)
        #expect(filter.refusal("data-in/orders.csv")?.contains("allowedFiles") == true)
    }

    @Test func noAllowedPatternsAllowsEverythingNotDenied() {
        let filter = SandboxFileFilter(allowed: "", denied: "conn/*")
        #expect(filter.refusal("graph/deep/x.grf") == nil)
        #expect(filter.refusal("conn/sub/DWH.cfg") != nil)
    }

    @Test func readsTheKeysFromTheConfigurationInEitherSpelling() throws {
        let configuration = try HostConfiguration.load(propertiesFile: nil, environment: ["CLOVER_MCP_SANDBOX_DENIEDFILES": "*.prm"])
        #expect(SandboxFileFilter(configuration: configuration).refusal("workspace.prm") != nil)
    }
}

/// The sandbox services on the generated demo, whose sandboxes the system database lists.
@Suite struct SandboxServicesTests {
    func services(_ overrides: [String: String] = [:]) throws -> InstallationServices {
        let file = try #require(DemoFixture.installation.home).appendingPathComponent("conf/clover.properties")
        let configuration = try HostConfiguration.load(propertiesFile: file, environment: [:], overrides: overrides)
        return InstallationServices(installation: DemoFixture.installation, configuration: configuration, version: "test", logger: BuiltPlugins.logger)
    }

    func ask(_ services: InstallationServices, _ name: String, _ request: JSONValue) async throws -> JSONValue {
        let database = Task { await services.database?.run() }
        defer { database.cancel() }
        return try await #require(services.directory[name]).handle(request, context: ServiceContext(pluginID: "test", request: nil))
    }

    @Test func listsTheDatabasesSandboxesAndReadsAGraphAsOnDisk() async throws {
        let services = try services()
        let list = try await ask(services, "sandboxes.list", [:])
        #expect(list["source"] == "database")
        #expect(list["sandboxes"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["crm", "dwh", "reporting"])
        let read = try await ask(services, "sandbox.read", ["sandbox": "dwh", "path": "graph/LoadOrders.grf"])
        let disk = try String(contentsOf: try #require(DemoFixture.installation.sandboxes).appendingPathComponent("dwh/graph/LoadOrders.grf"), encoding: .utf8)
        #expect(read["text"]?.stringValue == disk && read["truncated"] == false)
    }

    @Test func refusesUnknownAndInvalidSandboxes() async throws {
        let services = try services()
        await #expect(throws: ServiceError.self) { try await ask(services, "sandbox.read", ["sandbox": "nope", "path": "x"]) }
        do {
            _ = try await ask(services, "sandbox.files", ["sandbox": "../dwh"])
            Issue.record("an invalid code was accepted")
        } catch let error as ServiceError {
            #expect(error.kind == .invalidArguments)
        }
    }

    @Test func deniedFilesAreNeitherListedNorRead() async throws {
        let services = try services(["clover.mcp.sandbox.deniedFiles": "*.prm"])
        let files = try await ask(services, "sandbox.files", ["sandbox": "dwh"])
        let paths = files["files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
        #expect(paths.contains("graph/LoadOrders.grf") && !paths.contains { $0.hasSuffix(".prm") })
        await #expect(throws: ServiceError.self) { try await ask(services, "sandbox.read", ["sandbox": "dwh", "path": "workspace.prm"]) }
    }

    @Test func effectiveConfigurationMasksSecrets() async throws {
        let answer = try await ask(try services(), "config.effective", [:])
        let entries = answer["entries"]?.arrayValue ?? []
        #expect(entries.first { $0["key"] == "jdbc.password" }?["value"] == "*****")
        #expect(entries.first { $0["key"] == "cluster.node.id" }?["value"] == "node01")
        #expect(!String(decoding: answer.serialized(), as: UTF8.self).contains("Demo-Only-S3cret!"))
    }
}

/// The sandbox services without a system database: one sandbox per folder under sandboxes.home.
@Suite struct SandboxFoldersWithoutDatabaseTests {
    func handle(_ tree: SandboxTree, _ name: String, _ request: JSONValue, denied: String? = nil) async throws -> JSONValue {
        let installation = CloverInstallation.resolve(HostConfiguration(values: ["sandboxes.home": tree.base.path]), environment: [:])
        let catalogue = SandboxCatalogue(database: nil, installation: installation)
        let service = try #require(SandboxServices.all(catalogue, filter: SandboxFileFilter(allowed: nil, denied: denied), masking: SecretMasking(privateKeys: PrivateProperties())).first { $0.name == name })
        return try await service.handle(request, context: ServiceContext(pluginID: "test", request: nil))
    }

    @Test func listsTheFoldersAsSandboxes() async throws {
        let tree = try SandboxTree()
        defer { tree.remove() }
        let list = try await handle(tree, "sandboxes.list", [:])
        #expect(list["source"] == "folders")
        #expect(list["sandboxes"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["outside", "sandbox"])
    }

    @Test func aLinkToAHiddenFileIsNeitherListedNorRead() async throws {
        let tree = try SandboxTree()
        defer { tree.remove() }
        let files = try await handle(tree, "sandbox.files", ["sandbox": "sandbox"], denied: "*.prm")
        #expect(files["files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["alias.grf", "data-in/orders.csv", "graph/LoadOrders.grf"])
        do {
            _ = try await handle(tree, "sandbox.read", ["sandbox": "sandbox", "path": "params.txt"], denied: "*.prm")
            Issue.record("a link to a denied file was read")
        } catch let error as ServiceError {
            #expect(error.message.contains("workspace.prm") && error.message.contains("deniedFiles"))
        }
        let alias = try await handle(tree, "sandbox.read", ["sandbox": "sandbox", "path": "alias.grf"], denied: "*.prm")
        #expect(alias["text"] == "<Graph name=\"LoadOrders\"/>\n")
    }
}
