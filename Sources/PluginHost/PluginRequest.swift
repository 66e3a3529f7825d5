import CloverMCPPluginABI
import MCPProtocol

/// How one call into a plugin ended.
enum PluginCallOutcome: Sendable {
    case finished(cdxmcp_status, PluginCall)
    case timedOut
    /// The waiting request was cancelled (shutdown).
    case abandoned
    /// The plugin's worker process died or was stopped while the call ran; the message says how.
    case workerFailed(String)
}

/// One thing the host asks of a plugin: the four entry points of the descriptor.
enum PluginRequest: Sendable {
    case tool(name: String, arguments: [UInt8])
    case resource(uri: String)
    case prompt(name: String, arguments: [UInt8])
    case completion(request: [UInt8])

    /// What the request is about, for messages: `tool "x"`, `resource u`.
    var subject: String {
        switch self {
        case .tool(let name, _): return "tool \"\(name)\""
        case .resource(let uri): return "resource \(uri)"
        case .prompt(let name, _): return "prompt \"\(name)\""
        case .completion: return "completion"
        }
    }

    /// The request as a worker frame's fields.
    var frameFields: JSONValue {
        switch self {
        case .tool(let name, let arguments): return ["kind": "tool", "name": .string(name), "arguments": .string(String(decoding: arguments, as: UTF8.self))]
        case .resource(let uri): return ["kind": "resource", "uri": .string(uri)]
        case .prompt(let name, let arguments): return ["kind": "prompt", "name": .string(name), "arguments": .string(String(decoding: arguments, as: UTF8.self))]
        case .completion(let request): return ["kind": "completion", "request": .string(String(decoding: request, as: UTF8.self))]
        }
    }

    /// A request read from a worker frame; nil when the frame does not describe one.
    init?(frame: JSONValue) {
        let bytes = { (key: String) in frame[key]?.stringValue.map { Array($0.utf8) } }
        switch frame["kind"]?.stringValue {
        case "tool":
            guard let name = frame["name"]?.stringValue, let arguments = bytes("arguments") else { return nil }
            self = .tool(name: name, arguments: arguments)
        case "resource":
            guard let uri = frame["uri"]?.stringValue else { return nil }
            self = .resource(uri: uri)
        case "prompt":
            guard let name = frame["name"]?.stringValue, let arguments = bytes("arguments") else { return nil }
            self = .prompt(name: name, arguments: arguments)
        case "completion":
            guard let request = bytes("request") else { return nil }
            self = .completion(request: request)
        default:
            return nil
        }
    }
}

extension LoadedPlugin {
    /// Runs `request` through the descriptor on the calling thread, holding the serial lock for a
    /// serial plugin. Only for a plugin loaded into this process.
    func runInProcess(_ request: PluginRequest, call: PluginCall) -> cdxmcp_status {
        guard let descriptor else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
        if isSerial { serialLock.lock() }
        defer { if isSerial { serialLock.unlock() } }
        // The call object stays retained until the plugin returns, even after a timeout.
        let retained = Unmanaged.passRetained(call)
        defer { retained.release() }
        let callPointer = OpaquePointer(retained.toOpaque())
        let plugin = descriptor.pointee
        switch request {
        case .tool(let name, let arguments):
            guard let entry = plugin.call_tool else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return withBuffers(Array(name.utf8), arguments) { entry(plugin.context, callPointer, $0, $1, $2, $3) }
        case .prompt(let name, let arguments):
            guard let entry = plugin.get_prompt else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return withBuffers(Array(name.utf8), arguments) { entry(plugin.context, callPointer, $0, $1, $2, $3) }
        case .resource(let uri):
            guard let entry = plugin.read_resource else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return withBuffer(Array(uri.utf8)) { entry(plugin.context, callPointer, $0, $1) }
        case .completion(let request):
            guard let entry = plugin.complete else { return cdxmcp_status(CDXMCP_UNSUPPORTED) }
            return withBuffer(request) { entry(plugin.context, callPointer, $0, $1) }
        }
    }
}

/// Passes bytes to C as a (pointer, length) pair, valid only inside `body`.
private func withBuffer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>?, Int) -> R) -> R {
    bytes.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress, $0.count) }
    }
}

/// Passes two byte arrays to C as (pointer, length) pairs.
private func withBuffers<R>(_ first: [UInt8], _ second: [UInt8],
                            _ body: (UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int) -> R) -> R {
    withBuffer(first) { firstPointer, firstLength in
        withBuffer(second) { body(firstPointer, firstLength, $0, $1) }
    }
}

extension Duration {
    /// A timeout as messages say it: "30 s", "1500 ms".
    var spoken: String {
        let ms = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }

    /// The duration in seconds, fractions included (for Thread.sleep, Date and averages).
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
