import Foundation
import PluginKit
import PluginKitTesting
import JobTrackingPlugin
import Testing

@Suite struct JobTrackingPluginSnapshotTests {
    @Test func toolsMatchTheirSnapshots() throws {
        let host = try PluginTestHost(make: jobTrackingPlugin)
        #expect(!host.tools.isEmpty)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Plugins/job-tracking/__toolsnaps__").standardizedFileURL
        #expect(ToolSnapshots.problems(tools: host.tools, folder: folder) == [])
    }
}
