import Foundation
import HTTPTypes
import Hummingbird
import MCPProtocol
import NIOCore

/// RFC 6750 §3 refusals: a `WWW-Authenticate: Bearer …` challenge pointing at our protected-resource
/// metadata, and a JSON body saying the same in words (clients show bodies, people read them).
struct BearerChallenge: Sendable {
    /// The path-suffixed metadata URL of the resource the request was for.
    let resourceMetadataURL: String

    /// 401 without `error`: no token was sent (RFC 6750 §3.1 says not to add one).
    func missingToken(scopes: [String], message: String) -> Response {
        response(.unauthorized, error: nil, description: message, scopes: scopes)
    }

    func response(_ status: HTTPResponse.Status, error: String?, description: String, scopes: [String] = []) -> Response {
        var attributes: [(String, String)] = []
        if let error {
            attributes.append(("error", error))
            attributes.append(("error_description", description))
        }
        if !scopes.isEmpty { attributes.append(("scope", scopes.joined(separator: " "))) }
        attributes.append(("resource_metadata", resourceMetadataURL))
        let challenge = "Bearer " + attributes.map { "\($0.0)=\"\(Self.quoted($0.1))\"" }.joined(separator: ", ")
        var body: JSONValue = ["error": .string(error ?? "unauthorized"), "error_description": .string(description),
                               "resource_metadata": .string(resourceMetadataURL)]
        if !scopes.isEmpty { body["scope"] = .string(scopes.joined(separator: " ")) }
        return Response(status: status, headers: [.wwwAuthenticate: challenge, .contentType: "application/json", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }

    /// A quoted-string's content: visible ASCII only, `"` and `\` escaped (RFC 9110 §5.6.4).
    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "?"
            }
        }
        return out
    }
}
