import Foundation
import HTTPTypes
import MCPProtocol

/// The request headers of 2026-07-28 (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`) must agree
/// with the body; a proxy may route on them, so a mismatch is refused (-32020).
enum ModernHeaders {
    static let protocolVersion = HTTPField.Name("MCP-Protocol-Version")!
    static let method = HTTPField.Name("Mcp-Method")!
    static let name = HTTPField.Name("Mcp-Name")!

    /// - Parameter bodyVersion: the protocol version the body's `_meta` names.
    static func validate(_ headers: HTTPFields, request: JSONRPCRequest, bodyVersion: String) throws(MCPError) {
        guard let version = headers[protocolVersion].map(decode) else {
            throw .headerMismatch("MCP-Protocol-Version header is required and must equal _meta's protocolVersion")
        }
        guard version == bodyVersion else {
            throw .headerMismatch("MCP-Protocol-Version header \(version) differs from _meta's \(bodyVersion)")
        }
        guard let method = headers[method].map(decode), method == request.method else {
            throw .headerMismatch("Mcp-Method header must be present and equal the body's method \(request.method)")
        }
        let bodyName: String? = switch request.method {
        case "tools/call", "prompts/get": request.params?["name"]?.stringValue
        case "resources/read": request.params?["uri"]?.stringValue
        default: nil
        }
        if let bodyName {
            guard let headerName = headers[name].map(decode) else {
                throw .headerMismatch("Mcp-Name header is required for \(request.method) and must equal \(bodyName)")
            }
            guard headerName == bodyName else {
                throw .headerMismatch("Mcp-Name header \(headerName) differs from the body's \(bodyName)")
            }
        }
    }

    /// Header values that are not plain ASCII arrive as `=?base64?…?=`; surrounding space is trimmed.
    static func decode(_ raw: String) -> String {
        let value = trimmed(raw)
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let encoded = String(value.dropFirst(9).dropLast(2))
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else { return value }
        return text
    }

    /// `raw` without surrounding spaces and tabs. Runs on every request, so the usual value (nothing to
    /// trim) costs two scalar checks rather than Foundation's `trimmingCharacters`.
    static func trimmed(_ raw: String) -> String {
        func isBlank(_ scalar: Unicode.Scalar) -> Bool {
            // Foundation's `.whitespaces`: tab and the space separators (Zs).
            scalar.isASCII ? scalar == " " || scalar == "\t" : scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = raw.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isBlank(first) || isBlank(last) else { return raw }
        guard let start = scalars.firstIndex(where: { !isBlank($0) }),
              let end = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(scalars[start...end])
    }
}
