import Foundation
import PluginKit
import PluginKitTesting
import JobLogsPlugin
import Testing

@Suite struct JobLogsPluginSnapshotTests {
    @Test func toolsMatchTheirSnapshots() throws {
        let host = try PluginTestHost(make: jobLogsPlugin)
        #expect(!host.tools.isEmpty)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Plugins/job-logs/__toolsnaps__").standardizedFileURL
        #expect(ToolSnapshots.problems(tools: host.tools, folder: folder) == [])
    }
}
