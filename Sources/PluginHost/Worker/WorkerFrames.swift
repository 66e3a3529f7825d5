import Foundation
import MCPProtocol
import Synchronization

/// The host–worker protocol's framing: each message is one JSON object, sent as a 4-byte
/// little-endian length and then that many bytes. docs/PLUGINS.md ("Isolated plugins") lists the
/// messages.
public enum WorkerFrame {
    /// The largest frame either side accepts: a tool result of this size is already far past what
    /// any client takes.
    public static let maximumBytes = 64 << 20

    /// The bytes that carry `message`.
    public static func encode(_ message: JSONValue) -> [UInt8] {
        let body = message.serialized()
        let length = UInt32(body.count)
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 + body.count)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        bytes.append(contentsOf: body)
        return bytes
    }
}

/// A frame that breaks the protocol: the other side is not a worker, or it is corrupted.
public struct WorkerFrameError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Cuts a byte stream into messages. Bytes come in any pieces; a message is returned once its
/// whole frame has arrived.
public struct WorkerFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        // Drop what was consumed before growing, so the buffer holds at most one frame and a piece.
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message; nil until more bytes arrive.
    public mutating func next() throws(WorkerFrameError) -> JSONValue? {
        guard buffer.count - start >= 4 else { return nil }
        var length = 0
        for index in 0..<4 { length |= Int(buffer[start + index]) << (8 * index) }
        guard length <= WorkerFrame.maximumBytes else {
            throw WorkerFrameError(description: "a frame of \(length) bytes, over the limit of \(WorkerFrame.maximumBytes)")
        }
        guard buffer.count - start - 4 >= length else { return nil }
        let body = buffer[(start + 4)..<(start + 4 + length)]
        start += 4 + length
        let message: JSONValue
        do {
            message = try JSONValue.parse(body)
        } catch {
            throw WorkerFrameError(description: "a frame that is not JSON: \(error)")
        }
        guard message["t"]?.stringValue != nil else {
            throw WorkerFrameError(description: "a frame without a message type \"t\"")
        }
        return message
    }
}

/// One end of the host–worker socket. Any thread may send (whole frames, one at a time); one thread
/// reads, through `WorkerChannel.Reader`.
final class WorkerChannel: Sendable {
    let descriptor: Int32
    /// Held while a frame is written; true once the socket is closed, so no send reaches a reused descriptor.
    private let writing = Mutex(false)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Sends one message; false when the other side is gone (the reader then sees the end).
    @discardableResult
    func send(_ message: JSONValue) -> Bool {
        let bytes = WorkerFrame.encode(message)
        return writing.withLock { closed in
            guard !closed else { return false }
            return bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    // MSG_NOSIGNAL: a worker that died must not take the host down with SIGPIPE.
                    let written = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if written < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += written
                }
                return true
            }
        }
    }

    /// Closes the socket, once its reader is done with it; later sends fail.
    func close() {
        writing.withLock { closed in
            guard !closed else { return }
            closed = true
            _ = Glibc.close(descriptor)
        }
    }

    /// The reading side: owned by one thread at a time.
    struct Reader {
        let descriptor: Int32
        var decoder = WorkerFrameDecoder()
        private var chunk = [UInt8](repeating: 0, count: 64 << 10)

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        /// The next message; throws at the end of the stream or on a broken frame.
        mutating func next() throws(WorkerFrameError) -> JSONValue {
            while true {
                if let message = try decoder.next() { return message }
                let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    throw WorkerFrameError(description: count == 0 ? "the end of the stream" : "a read error: \(String(cString: strerror(errno)))")
                }
                chunk.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            }
        }
    }
}
