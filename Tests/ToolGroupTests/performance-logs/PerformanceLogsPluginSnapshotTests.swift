import Foundation
import PluginKit
import PluginKitTesting
import PerformanceLogsPlugin
import Testing

@Suite struct PerformanceLogsPluginSnapshotTests {
    @Test func toolsMatchTheirSnapshots() throws {
        let host = try PluginTestHost(make: performanceLogsPlugin)
        #expect(!host.tools.isEmpty)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Plugins/performance-logs/__toolsnaps__").standardizedFileURL
        #expect(ToolSnapshots.problems(tools: host.tools, folder: folder) == [])
    }
}
