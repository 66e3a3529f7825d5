import CurlHTTP
import Foundation
import Synchronization
import Testing

@Suite struct HTTPClientStreamingTests {
    @Test func streamedBodyArrivesInChunksAndIsNotKept() async throws {
        let (client, port) = try await localClient()
        let received = Mutex((bytes: 0, status: 0))
        let response = try await client.send(HTTPRequest(url: local(port, "/clover/bytes/300000"))) { status, _, chunk in
            received.withLock { $0 = ($0.bytes + chunk.count, status) }
        }
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(received.withLock { $0 } == (300_000, 200))
    }

    @Test func streamIsNotLimitedAndStopsWhenCancelled() async throws {
        let (client, port) = try await localClient(maxResponseBytes: 64 << 10)
        let received = Atomic<Int>(0)
        let task = Task {
            try await client.send(HTTPRequest(url: local(port, "/clover/endless"))) { _, _, chunk in
                received.add(chunk.count, ordering: .relaxed)
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while received.load(ordering: .relaxed) < 1 << 20 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(received.load(ordering: .relaxed) >= 1 << 20, "the stream went past the 64 KiB body limit")
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func redirectBodiesAreNotStreamed() async throws {
        let (client, port) = try await localClient()
        let statuses = Mutex([Int]())
        let url = URL(string: "http://127.0.0.1:\(port)/clover/redirect?location=/clover/bytes/10")!
        let response = try await client.send(HTTPRequest(url: url)) { status, _, _ in statuses.withLock { $0.append(status) } }
        #expect(response.redirects == 1)
        #expect(Set(statuses.withLock { $0 }) == [200])
    }
}
