import Foundation
import Testing
@testable import LogCatalogue

@Suite("Large logs")
struct LargeLogTests {
    @Test(.timeLimit(.minutes(1)))
    func searchingA200MBFileKeepsMemoryBounded() throws {
        let fixture = try LogFixture()
        let url = fixture.cloverLogs.appendingPathComponent("all.log")
        // One megabyte of realistic lines, written 200 times, then one line to find at the very end.
        var chunk = Data()
        var index = 0
        while chunk.count < 1 << 20 {
            chunk.append(contentsOf: (cloverLine("2025-03-05 02:00:00,114", "Starting job runId=\(index) sandbox=dwh job=graph/LoadOrders.grf user=scheduler") + "\n").utf8)
            index += 1
        }
        try #require(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        for _ in 0..<200 { handle.write(chunk) }
        handle.write(Data((cloverLine("2025-03-05 03:12:40,002", level: "ERROR", "java.lang.OutOfMemoryError: Java heap space") + "\n").utf8))
        try handle.close()
        let before = try #require(residentBytes())
        var peak = before
        var calls = 0

        let page = try fixture.catalogue().search(LogQuery(logID: "all", text: "outofmemoryerror"), progress: { _ in
            calls += 1
            if calls % 16 == 0, let now = residentBytes() { peak = max(peak, now) }
        })

        #expect(page.entries.count == 1)
        #expect(page.entries.first?.level == .error)
        #expect(page.scannedBytes > 200 << 20)
        #expect(peak - before < 64 << 20, "resident memory grew by \(peak - before) bytes")
    }
}
