import Foundation
import HostConfiguration
import Testing
@testable import CloverInstallation

@Suite struct CloverInstallationTests {
    /// A folder laid out as CloverDX's Docker image lays out /var/clover.
    func dockerLikeHome() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("clover-\(UUID().uuidString)")
        for folder in ["conf", "cloverlogs/graph", "tomcatlogs", "sandboxes/dwh"] {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data().write(to: home.appendingPathComponent("cloverlogs/all.log"))
        return home
    }

    @Test func followsCloverDXDefaultsFromTheHome() throws {
        let home = try dockerLikeHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let configuration = HostConfiguration(values: [
            "clover.home": home.path, "jdbc.url": "jdbc:postgresql://db:5432/clover?user=a&password=b",
            "jdbc.username": "clover", "jdbc.password": "secret", "cluster.node.id": "node07",
        ])
        let installation = CloverInstallation.resolve(configuration, environment: [:])
        #expect(installation.serverLogs?.path == home.appendingPathComponent("cloverlogs").path)
        #expect(installation.jobLogs?.path == home.appendingPathComponent("cloverlogs/graph").path)
        #expect(installation.tomcatLogs?.path == home.appendingPathComponent("tomcatlogs").path)
        #expect(installation.sandboxes?.path == home.appendingPathComponent("sandboxes").path)
        #expect(installation.systemDatabase?.engine == "postgresql")
        #expect(installation.nodeID == "node07")
        #expect(installation.supportPortal.rateLimitMilliseconds == 60_000)
        let findings = installation.check()
        #expect(findings.filter { $0.status == .missing }.isEmpty, "\(findings)")
        let database = try #require(findings.first { $0.subject == "system database" })
        #expect(!database.detail.contains("secret") && !database.detail.contains("password=b"))
    }

    @Test func findsTheHomeFromConfFolderAndResolvesReferences() throws {
        let home = try dockerLikeHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let configuration = HostConfiguration(values: [
            "graph.logs_path": "${clover.home}/cloverlogs/graph", "sandboxes.home": "${env:SANDBOXES}",
        ])
        let installation = CloverInstallation.resolve(
            configuration, configurationFile: home.appendingPathComponent("conf/clover.properties"),
            environment: ["SANDBOXES": "/srv/sandboxes"])
        #expect(installation.home?.path == home.path)
        #expect(installation.sandboxes?.path == "/srv/sandboxes")
        // ${clover.home} is not a configured key here, so it stays unresolved rather than guessed.
        #expect(installation.jobLogs?.path.contains("${clover.home}") == true)
    }

    @Test func referenceCyclesDoNotHang() {
        let configuration = HostConfiguration(values: ["a": "${b}", "b": "${a}", "clover.home": "${a}"])
        let installation = CloverInstallation.resolve(configuration, environment: [:])
        #expect(installation.home != nil)
    }

    @Test func doctorSaysWhatIsMissingAndHowToFixIt() {
        let installation = CloverInstallation.resolve(HostConfiguration(values: ["jdbc.url": "jdbc:mysql://x/y"]), environment: [:])
        let findings = installation.check()
        let logs = findings.first { $0.subject == "server logs" }
        #expect(logs?.status == .missing && logs?.fix.contains("clover.mcp.sidecar.logs.dir") == true)
        #expect(findings.first { $0.subject == "system database" }?.status == .warning)
    }
}
