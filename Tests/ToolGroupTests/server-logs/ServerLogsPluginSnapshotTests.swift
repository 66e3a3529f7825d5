import Foundation
import PluginKit
import PluginKitTesting
import ServerLogsPlugin
import Testing

@Suite struct ServerLogsPluginSnapshotTests {
    @Test func toolsMatchTheirSnapshots() throws {
        let host = try PluginTestHost(make: serverLogsPlugin)
        #expect(!host.tools.isEmpty)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Plugins/server-logs/__toolsnaps__").standardizedFileURL
        #expect(ToolSnapshots.problems(tools: host.tools, folder: folder) == [])
    }
}
