/// A JSON-RPC error the server answers with: code, message for the client, optional data.
public struct MCPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(code): \(message)" }

    public static func parseError(_ message: String) -> MCPError { .init(code: -32700, message: "Parse error: \(message)") }
    public static func invalidRequest(_ message: String) -> MCPError { .init(code: -32600, message: "Invalid request: \(message)") }
    public static func methodNotFound(_ method: String, _ detail: String? = nil) -> MCPError {
        .init(code: -32601, message: "Method not found: \(method)" + (detail.map { " (\($0))" } ?? ""))
    }
    public static func invalidParams(_ message: String) -> MCPError { .init(code: -32602, message: "Invalid params: \(message)") }
    public static func internalError(_ message: String) -> MCPError { .init(code: -32603, message: "Internal error: \(message)") }

    /// 2026-07-28: a request header disagrees with the body, or is malformed.
    public static func headerMismatch(_ message: String) -> MCPError { .init(code: -32020, message: "Header mismatch: \(message)") }
    /// 2026-07-28: the request needs a client capability the client did not declare.
    public static func missingClientCapability(_ capabilities: JSONValue) -> MCPError {
        .init(code: -32021, message: "Missing required client capability", data: ["requiredCapabilities": capabilities])
    }
    /// 2026-07-28: the request names a protocol version the server does not speak.
    public static func unsupportedProtocolVersion(requested: String, supported: [ProtocolRevision]) -> MCPError {
        .init(
            code: -32022,
            message: "Unsupported protocol version \(requested); supported: \(supported.map(\.rawValue).joined(separator: ", "))",
            data: ["supported": .array(supported.map { .string($0.rawValue) }), "requested": .string(requested)]
        )
    }

    /// The HTTP status a 2026-07-28 response carries for this error (docs/PROTOCOL.md, "Error codes and their HTTP status").
    public var modernHTTPStatus: Int {
        switch code {
        case -32601: return 404
        case -32700, -32600, -32020, -32021, -32022: return 400
        default: return 200
        }
    }
}

/// Thrown by a catalog when a resource URI names nothing; the server answers in the client's revision.
public struct ResourceNotFound: Error, Sendable {
    public let uri: String
    public init(uri: String) { self.uri = uri }

    func mcpError(for revision: ProtocolRevision) -> MCPError {
        let message = "Resource not found: \(uri)"
        // -32002 is the handshake era's code; 2026-07-28 folds it into invalid params.
        return revision.isModern
            ? MCPError(code: -32602, message: message, data: ["uri": .string(uri)])
            : MCPError(code: -32002, message: message, data: ["uri": .string(uri)])
    }
}
