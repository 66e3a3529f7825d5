import Foundation
import Testing
@testable import LogCatalogue

@Suite("Catalogue listing")
struct CatalogueListingTests {
    @Test func listsEveryLogWithItsCategory() throws {
        let fixture = try LogFixture()
        try fixture.write([cloverLine("2025-03-05 02:00:00,114", "Starting job runId=18342")], to: "all.log")
        try fixture.write([cloverLine("2025-03-05 02:00:00,114", thread: "main", logger: "WorkerProcess", "Worker started")], to: "worker.log")
        try fixture.write([cloverLine("2025-03-05 02:00:00,114", thread: "main", logger: "WorkerProcess", "Worker started")], to: "worker_node02.log")
        try fixture.write([cloverLine("2025-03-05 02:00:00,210", thread: "JGroups-7", logger: "ClusterNode", "runId=18342 delegated to node02")], to: "node.log")
        try fixture.write([cloverLine("2025-03-05 08:14:02,331", thread: "nio-8080-exec-7", logger: "UserAction", "user=jdoe action=LOGIN")], to: "user-action.log")
        try fixture.write([cloverLine("2025-03-05 08:15:10,004", logger: "ServerAudit", level: "DEBUG", "ServerFacade.executeGraph inputParams: {}")], to: "server-audit.log")
        try fixture.write(["2025-03-05 09:01:12,481 10.1.2.50 user=jdoe, operation=executeGraph SUCCESS duration=412 ms"], to: "server-integration.log")
        try fixture.write([cloverLine("2025-03-05 10:02:11,507", logger: "DataService", "user=api status=200")], to: "data-service.log")
        try fixture.write([cloverLine("2025-03-05 02:10:08,002", logger: "Monitor", level: "WARN", "monitor=\"DWH loads\" health=FAILING")], to: "monitor.log")
        try fixture.write([cloverLine("2025-03-05 02:10:08,002", logger: "RemoteDataManager", "access")], to: "remote-data-manager.log")
        try fixture.write([#"{"time":"2025-03-05 02:00:03.000","hbAge":2,"cGC":0.4}"#], to: "performance.log")
        try fixture.write([#"{"time":"2025-03-05 02:00:03.000","queued":12,"running":20}"#], to: "job-queue.log")
        try fixture.write(["10.1.2.3 - jdoe [05/Mar/2025:08:14:09 +0100] 37 POST /clover/api/rest/v1/executions HTTP/1.1 201 64"],
                          to: "localhost_access_log.2025-03-05.txt", in: fixture.tomcatLogs)
        try fixture.write(["05-Mar-2025 01:58:02.114 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [41872] milliseconds"],
                          to: "catalina.2025-03-05.log", in: fixture.tomcatLogs)
        try fixture.write([jobLine("2025-03-05 02:00:01,251", "Successfully started all nodes in phase!")], to: "18342.log", in: fixture.jobLogs)
        // Not logs of the catalogue: ignored.
        try fixture.write(["x"], to: "gc.log")
        try fixture.write(["x"], to: "notes.txt")
        try fixture.write(["x"], to: "localhost.2025-03-05.log", in: fixture.tomcatLogs)

        let logs = fixture.catalogue().list()

        #expect(logs.map(\.id) == ["all", "worker", "worker_node02", "node", "user-action", "server-audit", "server-integration",
                                   "data-service", "monitor", "remote-data-manager", "performance", "job-queue", "access", "catalina"])
        #expect(logs.map(\.category) == [.server, .worker, .worker, .cluster, .userAction, .audit, .serverIntegration, .dataService,
                                         .monitor, .remoteDataManager, .performance, .jobQueue, .access, .catalina])
    }

    @Test func ordersRotatedFilesOldestFirst() throws {
        let fixture = try LogFixture()
        let day4 = cloverLines(from: "2025-03-04 10:00:00", count: 3)
        try fixture.write(cloverLines(from: "2025-03-01 10:00:00", count: 2), to: "all.log.2")
        try fixture.write(cloverLines(from: "2025-03-02 10:00:00", count: 2), to: "all.log.1")
        try fixture.writeGzip(day4, to: "all.2025-03-04.1.log.gz")
        try fixture.writeGzip(cloverLines(from: "2025-03-04 12:00:00", count: 2), to: "all.2025-03-04.2.log.gz")
        try fixture.writeGzip(cloverLines(from: "2025-03-04 20:00:00", count: 2), to: "all.2025-03-04.10.log.gz")
        try fixture.writeGzip(cloverLines(from: "2025-03-05 10:00:00", count: 2), to: "all.2025-03-05.1.log.gz")
        try fixture.write(cloverLines(from: "2025-03-06 10:00:00", count: 5), to: "all.log")
        try fixture.write(["10.1.2.9 - - [06/Mar/2025:08:20:11 +0100] \"POST /clover/mcp/all/v1 HTTP/1.1\" 200 1532"],
                          to: "localhost_access_log.2025-03-06.txt", in: fixture.tomcatLogs)
        try fixture.write(["10.1.2.9 - - [05/Mar/2025:08:20:11 +0100] \"POST /clover/mcp/all/v1 HTTP/1.1\" 200 1532"],
                          to: "localhost_access_log.2025-03-05.txt", in: fixture.tomcatLogs)
        try fixture.write(["05-Mar-2025 01:58:02.114 INFO [main] org.apache.catalina.startup.Catalina.start Server startup"],
                          to: "catalina.out", in: fixture.tomcatLogs)
        try fixture.write(["06-Mar-2025 01:58:02.114 INFO [main] org.apache.catalina.startup.Catalina.start Server startup"],
                          to: "catalina.2025-03-06.log", in: fixture.tomcatLogs)
        try fixture.write(["05-Mar-2025 01:58:02.114 INFO [main] org.apache.catalina.startup.Catalina.start Server startup"],
                          to: "catalina.2025-03-05.log", in: fixture.tomcatLogs)

        let catalogue = fixture.catalogue()
        let all = try catalogue.descriptor(for: "all")
        #expect(all.files.map(\.name) == ["all.log.2", "all.log.1", "all.2025-03-04.1.log.gz", "all.2025-03-04.2.log.gz",
                                          "all.2025-03-04.10.log.gz", "all.2025-03-05.1.log.gz", "all.log"])
        #expect(all.files.map(\.isCompressed) == [false, false, true, true, true, true, false])
        #expect(all.files[2].rotationDay == .at("2025-03-04"))
        let sizes = try ["all.log.2", "all.log.1", "all.2025-03-04.1.log.gz", "all.2025-03-04.2.log.gz", "all.2025-03-04.10.log.gz",
                         "all.2025-03-05.1.log.gz", "all.log"].map { try fixture.size(of: fixture.cloverLogs.appendingPathComponent($0)) }
        #expect(all.totalBytes == sizes.reduce(0, +))
        #expect(all.firstTimestamp == .at("2025-03-01 10:00:00"))
        #expect(all.lastTimestamp == .at("2025-03-06 10:00:04"))

        #expect(try catalogue.descriptor(for: "access").files.map(\.name) == ["localhost_access_log.2025-03-05.txt", "localhost_access_log.2025-03-06.txt"])
        #expect(try catalogue.descriptor(for: "catalina").files.map(\.name) == ["catalina.2025-03-05.log", "catalina.2025-03-06.log", "catalina.out"])
    }

    @Test func findsJobRunLogsByRunIdWithoutListingThem() throws {
        let fixture = try LogFixture()
        try fixture.write([jobLine("2025-03-05 02:00:01,251", "first")], to: "18342.log.1", in: fixture.jobLogs)
        try fixture.write([jobLine("2025-03-05 02:00:04,262", "second")], to: "18342.log", in: fixture.jobLogs)
        try fixture.write([jobLine("2025-03-05 02:00:04,262", runId: -7, "not persistent")], to: "-7.log", in: fixture.jobLogs)
        let catalogue = fixture.catalogue()

        #expect(!catalogue.list().contains { $0.category == .job })
        let job = try #require(catalogue.jobLog(runId: 18342))
        #expect(job.id == "job/18342")
        #expect(job.category == .job)
        #expect(job.files.map(\.name) == ["18342.log.1", "18342.log"])
        #expect(job.firstTimestamp == .at("2025-03-05 02:00:01.251"))
        #expect(try catalogue.descriptor(for: "job/-7").files.map(\.name) == ["-7.log"])
        #expect(catalogue.jobLog(runId: 99) == nil)
        let missing = #expect(throws: LogCatalogueError.self) { try catalogue.descriptor(for: "job/99") }
        #expect(missing?.code == .unknownLog)
    }

    @Test func absentRootsListNothing() throws {
        let catalogue = LogCatalogue(roots: LogRoots(cloverLogs: "/nonexistent/cloverlogs", tomcatLogs: nil, jobLogs: nil))
        #expect(catalogue.list().isEmpty)
        let error = #expect(throws: LogCatalogueError.self) { try catalogue.descriptor(for: "all") }
        #expect(error?.code == .unknownLog)
    }
}
