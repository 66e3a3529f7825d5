import Foundation
import MCPProtocol
import Testing
@testable import PluginHost
import TestSupport

@Suite struct PluginManifestTests {
    @Test func readsEntries() throws {
        let manifest = try PluginManifest.parse(Data(#"""
            {"plugins":[{"id":"server-logs","library":"ServerLogsPlugin","grants":["logs.read"],"settings":{"max":5}},
                        {"id":"acme","path":"/opt/acme/libacme.so","enabled":false,"sha256":"\#(String(repeating: "A", count: 64))","timeoutMs":500}]}
            """#.utf8))
        #expect(manifest.plugins.count == 2)
        #expect(manifest.plugins[0].enabled && manifest.plugins[0].grants == ["logs.read"])
        #expect(manifest.plugins[0].settings["max"] == 5)
        #expect(!manifest.plugins[1].enabled && manifest.plugins[1].timeoutMilliseconds == 500)
        #expect(manifest.plugins[1].sha256 == String(repeating: "a", count: 64))
    }

    @Test func readsIsolation() throws {
        let manifest = try PluginManifest.parse(Data(#"""
            {"plugins":[{"id":"a","library":"X"},{"id":"b","library":"Y","isolation":"process","memoryLimitMB":256},
                        {"id":"c","library":"Z","isolation":"inprocess"}]}
            """#.utf8))
        #expect(manifest.plugins.map(\.isolation) == [.inProcess, .process, .inProcess])
        #expect(manifest.plugins.map(\.memoryLimitMB) == [nil, 256, nil])
    }

    @Test func readsScopes() throws {
        let manifest = try PluginManifest.parse(Data(#"{"plugins":[{"id":"a","library":"X","scopes":["cloverdx.logs","db:read"]}]}"#.utf8))
        #expect(manifest.plugins[0].scopes == ["cloverdx.logs", "db:read"])
        #expect(throws: PluginManifest.Invalid.self) {
            try PluginManifest.parse(Data(#"{"plugins":[{"id":"a","library":"X","scopes":["two words"]}]}"#.utf8))
        }
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        (#"{"plugin":[]}"#, "\"plugins\" array"),
        (#"{"plugins":[{"library":"X"}]}"#, "\"id\""),
        (#"{"plugins":[{"id":"a"}]}"#, "exactly one of"),
        (#"{"plugins":[{"id":"a","library":"X","path":"y"}]}"#, "exactly one of"),
        (#"{"plugins":[{"id":"a","library":"X"},{"id":"a","library":"Y"}]}"#, "appears twice"),
        (#"{"plugins":[{"id":"a","library":"X","enabled":"yes"}]}"#, "true or false"),
        (#"{"plugins":[{"id":"a","library":"X","colour":"red"}]}"#, "unknown field \"colour\""),
        (#"{"plugins":[{"id":"a","library":"X","sha256":"abc"}]}"#, "64 hex digits"),
        (#"{"plugins":[{"id":"A B","library":"X"}]}"#, "\"id\""),
        (#"{"plugins":[{"id":"a","library":"../x"}]}"#, "without '/'"),
        (#"{"plugins":[{"id":"a","library":"X","isolation":"container"}]}"#, "\"inprocess\" or \"process\""),
        (#"{"plugins":[{"id":"a","library":"X","memoryLimitMB":64}]}"#, "needs \"isolation\": \"process\""),
        (#"{"plugins":[{"id":"a","library":"X","isolation":"process","memoryLimitMB":4}]}"#, "from 16 to"),
    ])
    func explainsWhatIsWrong(_ text: String, _ expected: String) {
        do {
            _ = try PluginManifest.parse(Data(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    @Test func setEnabledKeepsEverythingElse() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"plugins":[{"id":"a","library":"A","settings":{"x":[1,2]}},{"id":"b","library":"B"}]}"#.utf8).write(to: url)
        try PluginManifest.setEnabled(false, pluginID: "a", in: url)
        let manifest = try PluginManifest.load(from: url)
        #expect(manifest.plugins[0].enabled == false)
        #expect(manifest.plugins[0].settings["x"] == [1, 2])
        #expect(manifest.plugins[1].enabled)
        #expect(throws: PluginManifest.Invalid.self) { try PluginManifest.setEnabled(true, pluginID: "zzz", in: url) }
    }

    @Test func reloadKeepsLastGoodPluginSet() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plugins-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"plugins":[{"id":"echo-c","path":"\#(BuiltPlugins.path("EchoCPlugin"))"}]}"#.utf8).write(to: url)
        let registry = PluginRegistry(loader: BuiltPlugins.loader(), changes: ChangeHub(), logger: BuiltPlugins.logger)
        let reloader = PluginSetReloader(manifestURL: url, registry: registry, logger: BuiltPlugins.logger)
        #expect(reloader.reload(reason: "test"))
        #expect(registry.activePlugins.map(\.id) == ["echo-c"])
        try Data("{ broken".utf8).write(to: url)
        #expect(!reloader.reload(reason: "test"))
        #expect(registry.activePlugins.map(\.id) == ["echo-c"])
    }
}

@Suite struct URITemplateMatcherTests {
    @Test func matchesSegmentsAndReservedExpansion() {
        let run = URITemplateMatcher(template: "cloverdx://runs/{runId}/log")
        #expect(run.matches("cloverdx://runs/42/log"))
        #expect(!run.matches("cloverdx://runs/42/x/log"))
        #expect(!run.matches("cloverdx://runs//log"))
        let file = URITemplateMatcher(template: "cloverdx://sandbox/{code}/{+path}")
        #expect(file.matches("cloverdx://sandbox/demo/graph/a.grf"))
        #expect(!file.matches("cloverdx://sandbox/demo"))
    }
}
