/// A JSON-RPC request id: a string or an integer, never null.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    public var json: JSONValue {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        }
    }

    public init?(_ value: JSONValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: self = .int(Int64(d))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return "\"\(s)\""
        }
    }
}

/// One JSON-RPC 2.0 message, as read from a client.
public enum JSONRPCMessage: Sendable {
    case request(JSONRPCRequest)
    case notification(method: String, params: JSONValue?)
    /// A client's answer to a request the server sent; the host sends none yet, so these are dropped.
    case response(id: RequestID?)

    /// Reads a message; anything that is not JSON-RPC 2.0 is an invalid request (-32600).
    public static func decode(_ value: JSONValue) throws(MCPError) -> JSONRPCMessage {
        guard case .object(let members) = value else {
            throw .invalidRequest("a JSON-RPC message must be an object")
        }
        guard members["jsonrpc"] == .string("2.0") else {
            throw .invalidRequest("\"jsonrpc\" must be \"2.0\"")
        }
        let params = members["params"]
        if let params, !(params.objectValue != nil || params.arrayValue != nil) {
            throw .invalidRequest("\"params\" must be an object")
        }
        if let method = members["method"] {
            guard case .string(let name) = method else { throw .invalidRequest("\"method\" must be a string") }
            guard let rawID = members["id"] else { return .notification(method: name, params: params) }
            guard let id = RequestID(rawID) else {
                throw .invalidRequest("\"id\" must be a string or an integer")
            }
            return .request(JSONRPCRequest(id: id, method: name, params: params))
        }
        if members["result"] != nil || members["error"] != nil {
            return .response(id: members["id"].flatMap(RequestID.init))
        }
        throw .invalidRequest("a message needs \"method\" (request, notification) or \"result\"/\"error\" (response)")
    }
}

/// A JSON-RPC request: it gets exactly one response.
public struct JSONRPCRequest: Sendable {
    public var id: RequestID
    public var method: String
    public var params: JSONValue?

    public init(id: RequestID, method: String, params: JSONValue?) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// `params._meta`, where MCP carries per-request data.
    public var meta: JSONValue? { params?["_meta"] }
}

/// Builders for the messages the server writes.
public enum JSONRPCResponse {
    public static func result(id: RequestID, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id.json, "result": result]
    }

    /// An error response; `id` is nil when the request could not be read far enough to know it.
    public static func error(id: RequestID?, _ error: MCPError) -> JSONValue {
        var body: JSONValue = ["code": .int(Int64(error.code)), "message": .string(error.message)]
        if let data = error.data { body["data"] = data }
        return ["jsonrpc": "2.0", "id": id?.json ?? .null, "error": body]
    }

    public static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": params]
    }
}
