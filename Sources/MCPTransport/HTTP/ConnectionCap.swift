import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// At most `limit` HTTP connections at once. A connection beyond the cap is answered `503` with
/// `Retry-After` at its first request and closed, so thousands of idle or slow sockets (a
/// slowloris, a leaking client) cannot take every descriptor and leave real clients unanswered.
/// The idle timeout (Hummingbird's, `clover.mcp.sidecar.http.idle.timeout.ms`) closes those that
/// never complete a request.
public final class ConnectionCap: Sendable {
    public let limit: Int
    private let open = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Connections open now.
    public var count: Int { open.load(ordering: .relaxed) }

    /// A handler for one new connection's pipeline (after HTTP decoding).
    public func handler() -> any RemovableChannelHandler {
        Handler(cap: self)
    }

    fileprivate func enter() -> Bool {
        open.wrappingAdd(1, ordering: .relaxed).newValue <= limit
    }

    fileprivate func leave() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    private final class Handler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        private let cap: ConnectionCap
        private var counted = false
        private var refused = false

        init(cap: ConnectionCap) {
            self.cap = cap
        }

        func handlerAdded(context: ChannelHandlerContext) {
            counted = true
            refused = !cap.enter()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if counted { cap.leave() }
            counted = false
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard refused else { return context.fireChannelRead(data) }
            guard case .head = unwrapInboundIn(data) else { return }
            var fields = HTTPFields()
            fields[.retryAfter] = "1"
            fields[.connection] = "close"
            fields[.contentType] = "text/plain"
            let text = "the server has its maximum of \(cap.limit) connections open (clover.mcp.sidecar.http.max.connections); retry shortly\n"
            fields[.contentLength] = String(text.utf8.count)
            context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: fields))), promise: nil)
            context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: text))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            context.write(data, promise: promise)
        }
    }
}
