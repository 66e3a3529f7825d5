import Foundation
import PluginKit
import PluginKitTesting
import ServerInfoPlugin
import Testing

@Suite struct ServerInfoPluginSnapshotTests {
    @Test func toolsMatchTheirSnapshots() throws {
        let host = try PluginTestHost(make: serverInfoPlugin)
        #expect(!host.tools.isEmpty)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Plugins/server-info/__toolsnaps__").standardizedFileURL
        #expect(ToolSnapshots.problems(tools: host.tools, folder: folder) == [])
    }
}
