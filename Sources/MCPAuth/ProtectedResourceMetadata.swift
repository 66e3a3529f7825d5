import MCPProtocol

/// The RFC 9728 document that tells a client which authorization server issues tokens for us.
struct ProtectedResourceMetadata: Sendable {
    let settings: OAuthSettings

    /// - Parameter pluginScopes: the scopes plugins.json asks for now (it can change on reload).
    func document(resource: String, pluginScopes: [String]) -> JSONValue {
        // offline_access is the authorization server's business, never a resource scope
        // (docs/PROTOCOL.md, "Protected-resource metadata").
        var scopes: [String] = []
        for scope in settings.requiredScopes + settings.supportedScopes + pluginScopes where scope != "offline_access" && !scopes.contains(scope) {
            scopes.append(scope)
        }
        var document: JSONValue = [
            "resource": .string(resource),
            "authorization_servers": [.string(settings.issuer)],
            "bearer_methods_supported": ["header"],
            "resource_name": .string(settings.resourceName),
        ]
        if !scopes.isEmpty { document["scopes_supported"] = .array(scopes.map(JSONValue.string)) }
        return document
    }
}
