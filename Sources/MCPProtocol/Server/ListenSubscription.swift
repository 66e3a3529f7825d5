
/// One 2026-07-28 `subscriptions/listen` request: which list changes it wants, its acknowledgement,
/// the notifications it receives (each tagged with the listen request's id) and its final result.
public struct ListenSubscription: Sendable {
    public let request: JSONRPCRequest
    public let server: MCPServer
    /// The list changes the client asked for and we honour.
    public let wanted: Set<CatalogChange>

    public init(request: JSONRPCRequest, server: MCPServer) {
        self.request = request
        self.server = server
        let filter = request.params?["notifications"]
        wanted = Set(CatalogChange.allCases.filter { filter?[$0.listenFilterField]?.boolValue == true })
    }

    private var subscriptionMeta: JSONValue { [ModernMetaKey.subscriptionId: request.id.json] }

    /// Sends the acknowledgement through `send`, then every wanted change. Returns the hub token to unsubscribe.
    public func start(_ send: @escaping @Sendable (JSONValue) -> Void) -> Int {
        var honoured: JSONValue = .emptyObject
        for change in CatalogChange.allCases where wanted.contains(change) { honoured[change.listenFilterField] = true }
        // Resource subscriptions are not offered: no resource here changes in place yet.
        send(JSONRPCResponse.notification("notifications/subscriptions/acknowledged",
                                          ["_meta": subscriptionMeta, "notifications": honoured]))
        let meta = subscriptionMeta
        let wanted = self.wanted
        return server.changes.subscribe { change in
            guard wanted.contains(change) else { return }
            send(JSONRPCResponse.notification(change.notificationMethod, ["_meta": meta]))
        }
    }

    /// The response that ends the subscription from the server's side.
    public func finalResult() -> JSONValue {
        JSONRPCResponse.result(id: request.id, ["resultType": "complete", "_meta": subscriptionMeta])
    }
}
