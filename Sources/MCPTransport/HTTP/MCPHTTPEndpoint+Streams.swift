import Foundation
import HTTPTypes
import Hummingbird
import MCPProtocol
import NIOCore
import ServiceLifecycle

/// The endpoint's SSE streams: a request's notifications before its reply, a handshake session's
/// GET stream, and 2026-07-28 `subscriptions/listen`.
extension MCPHTTPEndpoint {
    enum StreamEvent: Sendable {
        case notification(JSONValue)
        case reply(Reply)

        var message: JSONValue? {
            switch self {
            case .notification(let message): return message
            case .reply(let reply): return reply.message
            }
        }
    }

    /// An SSE response: `first`, then what follows on `rest`, ending with the reply.
    func streamed(first: StreamEvent, rest: AsyncStream<StreamEvent>, onDisconnect: @escaping @Sendable () -> Void) -> Response {
        let body = ResponseBody { writer in
            do {
                if let message = first.message { try await writer.write(ServerSentEvents.message(message)) }
                for await event in rest {
                    if let message = event.message { try await writer.write(ServerSentEvents.message(message)) }
                }
                try await writer.finish(nil)
            } catch {
                onDisconnect()  // 2026-07-28: closing the stream cancels the request
                for await _ in rest {}
                throw error
            }
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }

    /// GET: a handshake-era session's stream for notifications that belong to no request.
    func get(_ request: Request, principal: Principal?) -> Response {
        if let version = request.headers[ModernHeaders.protocolVersion].map(ModernHeaders.decode), ProtocolRevision(version).isModern {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST"])
        }
        guard Self.acceptsEventStream(request) else {
            return Response(status: .methodNotAllowed, headers: [.allow: "POST, DELETE"])
        }
        let session: LegacySession
        switch HTTPSessionScope(server: server, sessionID: request.headers[Self.sessionHeader]).current(for: principal) {
        case .success(let found): session = found
        case .failure(let refusal): return Self.rpcError(status: HTTPResponse.Status(code: refusal.status), refusal.error)
        }
        let keepAlive = options.keepAliveInterval
        let body = ResponseBody { writer in
            let (chunks, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(256))
            session.attachStream { continuation.yield(ServerSentEvents.message($0)) }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: keepAlive)
                    continuation.yield(ServerSentEvents.keepAlive)
                }
            }
            defer {
                ticker.cancel()
                session.attachStream(nil)
            }
            try await withGracefulShutdownHandler {
                for await chunk in chunks {
                    try await writer.write(chunk)
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }

    /// 2026-07-28 `subscriptions/listen`: acknowledge, then list-changed notifications until the
    /// client leaves or the server shuts down (then the final result).
    func listen(_ subscription: ListenSubscription) -> Response {
        let body = ResponseBody { writer in
            let (messages, continuation) = AsyncStream<JSONValue>.makeStream(bufferingPolicy: .bufferingNewest(256))
            let token = subscription.start { continuation.yield($0) }
            defer { server.changes.unsubscribe(token) }
            try await withGracefulShutdownHandler {
                for await message in messages {
                    try await writer.write(ServerSentEvents.message(message))
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.write(ServerSentEvents.message(subscription.finalResult()))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }
}
