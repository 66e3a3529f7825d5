import Foundation
import MCPProtocol
import RemoteMCP
import Synchronization

/// The tools, resources and prompts of a remote MCP server (CloverDX's proxy mode,
/// `clover.mcp.remote.*`), served as a catalog so they can be merged with the local plugins'.
///
/// Lists are answered from the last snapshot, refreshed in the background: the protocol layer
/// lists synchronously, and a slow or absent remote must not slow the local tools down. Calls are
/// forwarded as they come; when the remote cannot be reached they fail as tool errors, and the
/// background loop reconnects with exponential backoff. The remote's own session is renewed by
/// `RemoteMCPEndpoint` when it forgets it (a restart).
public final class RemoteCatalog: MCPCatalog {
    public let endpoint: RemoteMCPEndpoint
    private let changes: ChangeHub?
    private let log: @Sendable (String) -> Void
    private let refreshInterval: Duration
    private let snapshot = Mutex(Snapshot())
    private let nextID = Atomic<Int>(0)
    private let listener = Mutex<Task<Void, Never>?>(nil)

    deinit { listener.withLock { $0?.cancel() } }

    /// What a proxied tool's `CatalogTool.target` holds: it is this catalog's to call.
    public struct RemoteTool: Sendable {}

    struct Snapshot {
        var tools: [CatalogTool] = []
        var toolsByName: [String: CatalogTool] = [:]
        var resources: [JSONValue] = []
        var templates: [JSONValue] = []
        var prompts: [JSONValue] = []
        var connected = false
    }

    /// The handshake-era revision we ask for; the remote answers the one it speaks, and results
    /// are passed on in the newest shape the protocol layer then fits to each client.
    static let requestedRevision = "2025-11-25"

    /// - Parameters:
    ///   - changes: told when a remote list changes, so clients get `list_changed`.
    ///   - refreshInterval: how often the lists are fetched again while connected.
    public init(endpoint: RemoteMCPEndpoint, changes: ChangeHub?, refreshInterval: Duration = .seconds(30),
                log: @escaping @Sendable (String) -> Void) {
        self.endpoint = endpoint
        self.changes = changes
        self.refreshInterval = refreshInterval
        self.log = log
    }

    /// Whether the last contact with the remote worked.
    public var isConnected: Bool { snapshot.withLock { $0.connected } }

    /// Connects, then keeps the lists fresh until cancelled; after a failure waits 1 s, 2 s, 4 s …
    /// (at most 60 s) before trying again.
    public func run() async {
        defer { listener.withLock { $0?.cancel() } }
        var backoff = Duration.seconds(1)
        var initialized = false
        while !Task.isCancelled {
            do {
                if !initialized {
                    try await initialize()
                    initialized = true
                    startListening()
                }
                try await refresh()
                backoff = .seconds(1)
                try? await Task.sleep(for: refreshInterval)
            } catch is CancellationError {
                return
            } catch {
                let wasConnected = snapshot.withLock { state in
                    defer { state.connected = false }
                    return state.connected
                }
                if wasConnected || backoff == .seconds(1) {
                    log("remote MCP server \(endpoint.url.absoluteString) unreachable: \(error); retrying with backoff")
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(60))
            }
        }
    }

    /// The remote's GET stream: a `list_changed` there refreshes the lists at once, instead of at the next poll.
    private func startListening() {
        let task = Task { [endpoint, log] in
            await endpoint.listen(log: log) { [weak self] notification in
                guard let method = notification["method"]?.stringValue, method.hasSuffix("/list_changed") else { return }
                Task { try? await self?.refresh() }
            }
        }
        listener.withLock { $0 = task }
    }

    private func initialize() async throws {
        let answer = try await request("initialize", [
            "protocolVersion": .string(Self.requestedRevision), "capabilities": .emptyObject,
            "clientInfo": ["name": "cloverdx-mcp-proxy", "version": "1"],
        ])
        _ = try await endpoint.send(JSONRPCResponse.notification("notifications/initialized", .emptyObject), log: log)
        let version = answer["protocolVersion"]?.stringValue ?? "?"
        let name = answer["serverInfo"]?["name"]?.stringValue ?? "?"
        log("connected to remote MCP server \(endpoint.url.absoluteString) (\(name), protocol \(version))")
    }

    /// Fetches every list (all pages); publishes the kinds that changed.
    private func refresh() async throws {
        var next = Snapshot(connected: true)
        next.tools = try await listAll("tools/list", key: "tools").map { CatalogTool(definition: $0, provider: "remote", target: RemoteTool()) }
        next.toolsByName = Dictionary(next.tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        next.resources = (try? await listAll("resources/list", key: "resources")) ?? []
        next.templates = (try? await listAll("resources/templates/list", key: "resourceTemplates")) ?? []
        next.prompts = (try? await listAll("prompts/list", key: "prompts")) ?? []
        let previous = snapshot.withLock { state in
            defer { state = next }
            return state
        }
        if !previous.connected { log("remote MCP server offers \(next.tools.count) tools") }
        if previous.tools.map(\.definition) != next.tools.map(\.definition) { changes?.publish(.tools) }
        if previous.resources != next.resources || previous.templates != next.templates { changes?.publish(.resources) }
        if previous.prompts != next.prompts { changes?.publish(.prompts) }
    }

    private func listAll(_ method: String, key: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: JSONValue?
        repeat {
            let page = try await request(method, cursor.map { ["cursor": $0] } ?? .emptyObject)
            items += page[key]?.arrayValue ?? []
            cursor = page["nextCursor"]
        } while cursor != nil && cursor != .null && items.count < 10_000
        return items
    }

    /// Sends a request and returns its result; a JSON-RPC error is thrown as that `MCPError`.
    /// Notifications of the answer (progress, logs) go to `context`, if given.
    private func request(_ method: String, _ params: JSONValue, context: MCPRequestContext? = nil) async throws -> JSONValue {
        let id = RequestID.string("proxy-\(nextID.wrappingAdd(1, ordering: .relaxed).newValue)")
        var params = params
        if let token = context?.progressToken { params["_meta"] = ["progressToken": token] }
        let message: JSONValue = ["jsonrpc": "2.0", "id": id.json, "method": .string(method), "params": params]
        let reply = Mutex<JSONValue?>(nil)
        try await sendCancellable(message, id: id, cancellation: context?.cancellation) { [self] message in
            if message["method"] != nil {
                forward(message, to: context)
            } else if message["id"].flatMap(RequestID.init) == id {
                reply.withLock { $0 = message }
            }
        }
        guard let answer = reply.withLock({ $0 }) else {
            throw MCPError.internalError("the remote MCP server ended its answer to \(method) without a response")
        }
        if let error = answer["error"] {
            throw MCPError(code: Int(error["code"]?.intValue ?? -32603), message: error["message"]?.stringValue ?? "remote error",
                           data: error["data"])
        }
        return answer["result"] ?? .emptyObject
    }

    /// Sends `message`; when the caller cancels (the flag the protocol layer sets), the HTTP
    /// exchange is dropped and the remote is told with `notifications/cancelled`.
    private func sendCancellable(_ message: JSONValue, id: RequestID, cancellation: CancellationFlag?,
                                 deliver: @escaping @Sendable (JSONValue) -> Void) async throws {
        guard let cancellation else { return try await endpoint.send(message, log: log, deliver: deliver) }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.endpoint.send(message, log: self.log, deliver: deliver) }
                group.addTask {
                    while !cancellation.isCancelled { try await Task.sleep(for: .milliseconds(50)) }
                    throw CancellationError()
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch is CancellationError where cancellation.isCancelled {
            let notice = JSONRPCResponse.notification("notifications/cancelled", ["requestId": id.json, "reason": "cancelled by the client"])
            Task { _ = try? await endpoint.send(notice, log: log) }
            throw CancellationError()
        }
    }

    /// Progress and log notifications of a forwarded call reach the caller as its own.
    private func forward(_ notification: JSONValue, to context: MCPRequestContext?) {
        guard let context, let params = notification["params"] else { return }
        switch notification["method"]?.stringValue {
        case "notifications/progress":
            if let progress = params["progress"]?.doubleValue {
                context.reportProgress(progress, total: params["total"]?.doubleValue, message: params["message"]?.stringValue)
            }
        case "notifications/message":
            let level = params["level"]?.stringValue.flatMap { MCPLogLevel(name: $0) } ?? .info
            context.log(level, logger: params["logger"]?.stringValue, params["data"] ?? .null)
        default:
            break
        }
    }

    // MARK: MCPCatalog

    public func tools() -> [CatalogTool] { snapshot.withLock { $0.tools } }
    public func tool(named name: String) -> CatalogTool? { snapshot.withLock { $0.toolsByName[name] } }
    public func listResources(for client: ClientContext) -> [JSONValue] { snapshot.withLock { $0.resources } }
    public func listResourceTemplates(for client: ClientContext) -> [JSONValue] { snapshot.withLock { $0.templates } }
    public func listPrompts(for client: ClientContext) -> [JSONValue] { snapshot.withLock { $0.prompts } }

    public func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult {
        do {
            return ToolCallResult(try await request("tools/call", ["name": .string(tool.name), "arguments": arguments], context: context))
        } catch let error as MCPError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The model can act on a tool error (retry later, use local tools); a protocol error it cannot.
            return .error("The remote CloverDX MCP server (\(endpoint.url.absoluteString)) did not answer: \(error). Try again later; the local tools keep working.")
        }
    }

    public func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue {
        try await request("resources/read", ["uri": .string(uri)], context: context)
    }

    public func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        try await request("prompts/get", ["name": .string(name), "arguments": arguments], context: context)
    }

    public func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        try await self.request("completion/complete", request, context: context)
    }
}
