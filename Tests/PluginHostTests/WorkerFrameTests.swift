import Foundation
import MCPProtocol
import Testing
@testable import PluginHost

@Suite struct WorkerFrameTests {
    private func decode(_ bytes: [UInt8], pieces: Int) throws -> [JSONValue] {
        var decoder = WorkerFrameDecoder()
        var messages: [JSONValue] = []
        let step = max(1, bytes.count / pieces)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            bytes[offset..<end].withUnsafeBytes { decoder.append($0) }
            while let message = try decoder.next() { messages.append(message) }
            offset = end
        }
        return messages
    }

    @Test(arguments: [1, 3, 17, 1000])
    func messagesSurviveAnySplitOfTheStream(pieces: Int) throws {
        let sent: [JSONValue] = [["t": "call", "id": 1, "name": "a"], ["t": "done", "id": 1, "result": ["text": "é ✓"]], ["t": "cancel", "id": 2]]
        let stream = sent.flatMap(WorkerFrame.encode)
        #expect(try decode(stream, pieces: pieces) == sent)
    }

    @Test func theLengthIsLittleEndian() {
        let frame = WorkerFrame.encode(["t": "x"])
        #expect(Array(frame.prefix(4)) == [9, 0, 0, 0])
        #expect(String(decoding: frame.dropFirst(4), as: UTF8.self) == #"{"t":"x"}"#)
    }

    @Test(arguments: [
        ([0xFF, 0xFF, 0xFF, 0x7F] as [UInt8], "over the limit"),
        ([3, 0, 0, 0] + Array("{{{".utf8), "not JSON"),
        ([2, 0, 0, 0] + Array("{}".utf8), "without a message type"),
    ])
    func brokenFramesAreRefusedWithAReason(bytes: [UInt8], reason: String) {
        var decoder = WorkerFrameDecoder()
        bytes.withUnsafeBytes { decoder.append($0) }
        #expect { _ = try decoder.next() } throws: { ($0 as? WorkerFrameError)?.description.contains(reason) == true }
    }

    @Test func restartsBackOffWhileCrashesRepeat() {
        let delays = (1...12).map { PluginWorkerClient.backoff(afterCrashes: $0) }
        #expect(delays.prefix(4) == [.zero, .milliseconds(250), .milliseconds(500), .seconds(1)])
        #expect(delays.last == .seconds(30))
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
    }
}
