import Foundation
import Testing
@testable import LogCatalogue

@Suite("Confinement to the log roots")
struct LogConfinementTests {
    @Test(arguments: ["../etc/passwd", "/etc/passwd", "job/../../x", "job/12\0", "all\0", "job/", "job/12a", "job/--1",
                      "cloverlogs/all.log", "all.log", "", "worker_../x", "..", "job/1/../../etc/passwd"])
    func refusesIDsThatAreNotLogIDs(_ id: String) throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 1), to: "all.log")
        let catalogue = fixture.catalogue()

        let error = #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: id)) }
        #expect(error?.code == .invalidLogID)
        #expect(error?.description.contains("job/<runId>") == true)
        #expect(throws: LogCatalogueError.self) { try catalogue.tail(id, entries: 1) }
    }

    @Test func pathLikeIDsAreToldLogsGoByID() throws {
        let fixture = try LogFixture()
        let error = #expect(throws: LogCatalogueError.self) { try fixture.catalogue().descriptor(for: "../etc/passwd") }
        #expect(error?.description.contains("never by path") == true)
    }

    @Test func refusesLiveFileThatIsSymlinkLeadingOut() throws {
        let fixture = try LogFixture()
        let secret = try fixture.write([cloverLine("2025-03-05 10:00:00,000", "SECRET outside the root")], to: "secret.log", in: fixture.outside)
        try FileManager.default.createSymbolicLink(at: fixture.cloverLogs.appendingPathComponent("all.log"), withDestinationURL: secret)
        let catalogue = fixture.catalogue()

        let all = try #require(catalogue.list().first { $0.id == "all" })
        #expect(all.files.isEmpty)
        #expect(all.refusedFiles == ["all.log"])
        #expect(all.totalBytes == 0)
        let error = #expect(throws: LogCatalogueError.self) { try catalogue.search(LogQuery(logID: "all", text: "secret")) }
        #expect(error?.code == .outsideRoot)
        #expect(throws: LogCatalogueError.self) { try catalogue.tail("all", entries: 10) }
    }

    @Test func skipsArchiveThatIsSymlinkLeadingOutAndWarns() throws {
        let fixture = try LogFixture()
        let secret = try fixture.write([cloverLine("2025-03-04 10:00:00,000", "SECRET outside the root")], to: "secret.log", in: fixture.outside)
        try FileManager.default.createSymbolicLink(at: fixture.cloverLogs.appendingPathComponent("all.2025-03-04.1.log"), withDestinationURL: secret)
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 3), to: "all.log")

        let page = try fixture.catalogue().search(LogQuery(logID: "all"))

        #expect(page.entries.count == 3)
        #expect(!page.entries.contains { $0.rawText.contains("SECRET") })
        #expect(page.warnings.contains { $0.contains("all.2025-03-04.1.log") && $0.contains("outside") })
    }

    @Test func refusesFileSwappedForOutsideSymlinkAfterListing() throws {
        let fixture = try LogFixture()
        try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 3), to: "all.log")
        let descriptor = try fixture.catalogue().descriptor(for: "all")
        let secret = try fixture.write(["SECRET"], to: "secret.log", in: fixture.outside)
        let live = fixture.cloverLogs.appendingPathComponent("all.log")
        try FileManager.default.removeItem(at: live)
        try FileManager.default.createSymbolicLink(at: live, withDestinationURL: secret)

        let error = #expect(throws: LogCatalogueError.self) {
            try openChunkReader(descriptor.files[0], root: descriptor.root)
        }
        #expect(error?.code == .outsideRoot)
    }

    @Test func followsSymlinkThatStaysInsideTheRoot() throws {
        let fixture = try LogFixture()
        let real = try fixture.write(cloverLines(from: "2025-03-05 10:00:00", count: 2), to: "current-all.txt")
        try FileManager.default.createSymbolicLink(at: fixture.cloverLogs.appendingPathComponent("all.log"), withDestinationURL: real)

        #expect(try fixture.catalogue().search(LogQuery(logID: "all")).entries.count == 2)
    }
}
