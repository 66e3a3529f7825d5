import Foundation
import Testing
@testable import LogCatalogue

@Suite("Line formats")
struct LogFormatTests {
    @Test func parsesCloverServerLines() throws {
        let fixture = try LogFixture()
        try fixture.write([
            "2025-03-05 02:00:00,210[JGroups-7      ] ClusterNode      INFO      runId=18342 delegated to node02",
            "2018-03-22 16:08:29,008[s StdOut reader] WorkerProcess    INFO      [worker0@N1:10500]: java.lang.OutOfMemoryError: Java heap space",
            "2025-03-05 08:15:10,004[nio-8080-exec-3] ServerAudit      DEBUG     node=node01 user=admin ServerFacade.executeGraph inputParams: {}",
        ], to: "node.log")

        let entries = try fixture.catalogue().search(LogQuery(logID: "node")).entries

        #expect(entries.map(\.thread) == ["JGroups-7", "s StdOut reader", "nio-8080-exec-3"])
        #expect(entries.map(\.logger) == ["ClusterNode", "WorkerProcess", "ServerAudit"])
        #expect(entries.map(\.level) == [.info, .info, .debug])
        #expect(entries.map(\.message) == ["runId=18342 delegated to node02", "[worker0@N1:10500]: java.lang.OutOfMemoryError: Java heap space",
                                           "node=node01 user=admin ServerFacade.executeGraph inputParams: {}"])
        #expect(entries[1].timestamp == .at("2018-03-22 16:08:29.008"))
    }

    @Test func parsesJobRunLines() throws {
        let fixture = try LogFixture()
        try fixture.write([
            "2025-03-05 02:00:04,261 INFO  18342 [WatchDog_18342] Read orders            FLAT_FILE_READER0                            FINISHED_OK",
            "2025-03-05 02:00:04,261 INFO  18342 [WatchDog_18342]  %cpu:12                        Out:0         120000       8210   40000    2736",
            "2025-03-05 02:00:04,300 WARN  7   [main] short run id",
        ], to: "18342.log", in: fixture.jobLogs)

        let entries = try fixture.catalogue().search(LogQuery(logID: "job/18342")).entries

        #expect(entries.map(\.level) == [.info, .info, .warn])
        #expect(entries.map(\.thread) == ["WatchDog_18342", "WatchDog_18342", "main"])
        #expect(entries[1].message == " %cpu:12                        Out:0         120000       8210   40000    2736")
        #expect(entries[2].message == "short run id")
        #expect(entries[0].logger == nil)
    }

    @Test func parsesServerIntegrationLines() throws {
        let fixture = try LogFixture()
        try fixture.write(["2025-03-05 09:01:12,481 10.1.2.50 user=jdoe, operation=executeGraph SUCCESS duration=412 ms"], to: "server-integration.log")

        let entry = try #require(try fixture.catalogue().search(LogQuery(logID: "server-integration")).entries.first)

        #expect(entry.timestamp == .at("2025-03-05 09:01:12.481"))
        #expect(entry.message == "10.1.2.50 user=jdoe, operation=executeGraph SUCCESS duration=412 ms")
        #expect(entry.level == nil)
    }

    @Test func parsesJSONLinesTime() throws {
        let fixture = try LogFixture()
        try fixture.write([
            #"{"time":"2025-03-05 02:00:03.000","hbAge":2,"cGC":0.4,"wGC":3.1,"cHeap":0.61,"wHeap":2.87,"sysCPU":41.5}"#,
            #"{"time":"2025-03-05 02:00:06.000","hbAge":60,"cGC":0.4}"#,
        ], to: "performance.log")
        let catalogue = fixture.catalogue()

        let entries = try catalogue.search(LogQuery(logID: "performance", from: .at("2025-03-05 02:00:05"))).entries

        #expect(entries.map(\.timestamp) == [.at("2025-03-05 02:00:06")])
        #expect(entries[0].message == #"{"time":"2025-03-05 02:00:06.000","hbAge":60,"cGC":0.4}"#)
    }

    @Test func parsesBothAccessLogLayouts() throws {
        let fixture = try LogFixture()
        try fixture.write([
            "10.1.2.3 - jdoe [05/Mar/2025:08:14:09 +0100] 37 POST /clover/api/rest/v1/executions HTTP/1.1 201 64",
            "10.1.2.9 - - [05/Mar/2025:08:20:11 +0100] \"POST /clover/mcp/all/v1 HTTP/1.1\" 200 1532",
        ], to: "localhost_access_log.2025-03-05.txt", in: fixture.tomcatLogs)

        let asWritten = try fixture.catalogue().search(LogQuery(logID: "access")).entries
        #expect(asWritten.map(\.timestamp) == [.at("2025-03-05 08:14:09"), .at("2025-03-05 08:20:11")])
        #expect(asWritten[1].message == "10.1.2.9 - - [05/Mar/2025:08:20:11 +0100] \"POST /clover/mcp/all/v1 HTTP/1.1\" 200 1532")

        // A server in UTC sees 08:14:09 +0100 as 07:14:09 on its own clock.
        let inUTC = try fixture.catalogue(serverTimeZone: TimeZone(identifier: "UTC")).search(LogQuery(logID: "access")).entries
        #expect(inUTC.map(\.timestamp) == [.at("2025-03-05 07:14:09"), .at("2025-03-05 07:20:11")])
    }

    @Test func parsesCatalinaLinesAndCloverLinesInCatalinaOut() throws {
        let fixture = try LogFixture()
        try fixture.write([
            "05-Mar-2025 01:58:02.114 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [41872] milliseconds",
            "05-Mar-2025 01:58:03.001 SEVERE [http-nio-8080-exec-1] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() threw exception",
            "java.lang.NullPointerException",
            "\tat com.cloveretl.server.X.y(X.java:10)",
        ], to: "catalina.2025-03-05.log", in: fixture.tomcatLogs)
        try fixture.write([
            "NOTE: Picked up JDK_JAVA_OPTIONS:  --add-opens=java.base/java.lang=ALL-UNNAMED",
            cloverLine("2025-03-05 02:00:00,114", "Starting job runId=18342"),
        ], to: "catalina.out", in: fixture.tomcatLogs)

        let entries = try fixture.catalogue().search(LogQuery(logID: "catalina")).entries

        #expect(entries.count == 4)
        #expect(entries[0].logger == "org.apache.catalina.startup.Catalina.start")
        #expect(entries[0].message == "Server startup in [41872] milliseconds")
        #expect(entries[1].level == .error)
        #expect(entries[1].thread == "http-nio-8080-exec-1")
        #expect(entries[1].rawText.hasSuffix("(X.java:10)"))
        #expect(entries[2].timestamp == nil)
        #expect(entries[3].logger == "ExecutionManager")
        #expect(entries[3].timestamp == .at("2025-03-05 02:00:00.114"))
    }

    @Test func timestampsParsePrintAndConvert() throws {
        #expect(LogTimestamp("2025-03-05 02:00:00,114")?.description == "2025-03-05 02:00:00.114")
        #expect(LogTimestamp("2025-03-05T02:00")?.description == "2025-03-05 02:00:00.000")
        #expect(LogTimestamp("2024-02-29")?.description == "2024-02-29 00:00:00.000")
        #expect(LogTimestamp("1969-12-31 23:59:59.5")?.millisecondsSinceEpoch == -500)
        #expect(LogTimestamp("2025-02-29") == nil)
        #expect(LogTimestamp("2025-03-05 02:00:00+01:00") == nil)
        #expect(LogTimestamp("yesterday") == nil)
        let prague = try #require(TimeZone(identifier: "Europe/Prague"))
        let wall = LogTimestamp.at("2025-03-05 08:14:09")
        #expect(wall.date(in: prague) == Date(timeIntervalSince1970: 1_741_158_849))
        #expect(LogTimestamp(wall.date(in: prague), in: prague) == wall)
    }

    @Test(arguments: [
        ("OutOfMemory(Error)?", "OutOfMemory"),
        ("^Caused by: java\\.net\\.\\w+Exception", "Caused by: java.net."),
        ("runId=\\d+ sandbox=dwh", " sandbox=dwh"),
        ("colou?r", "colo"),
        ("[abc]def", "def"),
        ("[]x]def", "def"),
        ("Žluť(ou)*čký", "Žluť"),
        ("x{2,3}yz", nil),
        ("error|warn", nil),
        ("(?i)error", nil),
        ("\\x41bcd", nil),
        ("\\p{L}bcd", nil),
        ("[[a-z]&&[^aeiou]]xyz", nil),
        ("\\QOut.Of\\E", nil),
    ] as [(String, String?)])
    func findsTheTextEveryRegexMatchContains(_ pattern: String, _ literal: String?) {
        #expect(EntryFilter.requiredLiteral(of: pattern).map { String(decoding: $0, as: UTF8.self) } == literal)
    }

    @Test func findsNeedlesInBytes() {
        func find(_ needle: String, in text: String, caseInsensitive: Bool = true) -> Int? {
            Array(text.utf8).withUnsafeBytes { ByteNeedle(needle.utf8, caseInsensitive: caseInsensitive).firstIndex(in: $0) }
        }
        #expect(find("Heap", in: "java.lang.OutOfMemoryError: Java heap space") == 33)
        #expect(find("HEAP SPACE", in: "heap spac") == nil)
        #expect(find("zq", in: "aZqZq") == 1)
        #expect(find("Zq", in: "zqZq", caseInsensitive: false) == 2)
        #expect(find("x", in: "") == nil)
    }
}
