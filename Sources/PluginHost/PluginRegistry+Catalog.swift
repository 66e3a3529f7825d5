import CloverMCPPluginABI
import MCPProtocol

/// The active plugins served as the MCP catalog: lists from the current set, calls into the plugin
/// that owns a tool, resource or prompt, on the call pool with its timeout. Who may call a tool is
/// the server's gate's concern, not this file's; resources and prompts are shown only to callers
/// whose scopes cover their plugin's.
extension PluginRegistry: MCPCatalog {

    public func tools() -> [CatalogTool] { state.withLock { $0.tools } }

    public func tool(named name: String) -> CatalogTool? { state.withLock { $0.toolsByName[name] } }

    public func listResources(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.resources) }
    }

    public func listResourceTemplates(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.resourceTemplates) }
    }

    public func listPrompts(for client: ClientContext) -> [JSONValue] {
        state.withLock { $0.active.filter { $0.visible(to: client) }.flatMap(\.plugin.prompts) }
    }

    public func callTool(_ tool: CatalogTool, arguments: JSONValue, context: MCPRequestContext) async throws -> ToolCallResult {
        guard let owner = tool.target as? ActivePlugin else { throw MCPError.unknownTool(tool.name) }
        let name = tool.name
        let callOutcome = await invoke(owner, context: context, .tool(name: name, arguments: arguments.serialized()))
        switch callOutcome {
        case .finished(let status, let call):
            if status == CDXMCP_OK {
                guard let result = call.result else {
                    return .error("tool \"\(name)\" of plugin \"\(owner.plugin.id)\" returned no result")
                }
                guard result["content"]?.arrayValue != nil else {
                    return .error("tool \"\(name)\" of plugin \"\(owner.plugin.id)\" returned a result without a \"content\" array")
                }
                return ToolCallResult(result)
            }
            let message = call.errorMessage ?? "tool \"\(name)\" failed (status \(status)) without a message"
            return .error(message, outcome: context.cancellation.isCancelled ? .cancelled : .toolError)
        case .abandoned:
            return .error("tool \"\(name)\" was cancelled: the server is shutting down", outcome: .cancelled)
        case .workerFailed(let message):
            return .error(message)
        case .timedOut:
            logger.warning("tool \"\(name)\" of plugin \"\(owner.plugin.id)\" timed out after \(owner.timeout)")
            return .error("tool \"\(name)\" did not finish within \(owner.timeout.spoken) and was cancelled; narrow the request (a shorter time range, fewer rows) and try again",
                          outcome: .timeout)
        }
    }

    public func readResource(uri: String, context: MCPRequestContext) async throws -> JSONValue {
        guard let owner = resourceOwner(uri), owner.visible(to: context.client) else { throw ResourceNotFound(uri: uri) }
        let outcome = await invoke(owner, context: context, .resource(uri: uri))
        let result = try Self.requireResult(outcome, what: "resource \(uri)", notFound: ResourceNotFound(uri: uri))
        guard let contents = result["contents"]?.arrayValue, !contents.isEmpty else {
            throw MCPError.internalError("plugin \"\(owner.plugin.id)\" returned no contents for \(uri)")
        }
        return result
    }

    public func getPrompt(name: String, arguments: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        guard let owner = state.withLock({ state in state.promptOwners[name].map { state.active[$0] } }), owner.visible(to: context.client) else {
            throw MCPError.invalidParams("unknown prompt \"\(name)\"; prompts/list shows the available prompts")
        }
        if let prompt = owner.plugin.prompts.first(where: { $0["name"]?.stringValue == name }) {
            for argument in prompt["arguments"]?.arrayValue ?? [] where argument["required"]?.boolValue == true {
                if let argumentName = argument["name"]?.stringValue, arguments[argumentName] == nil {
                    throw MCPError.invalidParams("prompt \"\(name)\" needs the argument \"\(argumentName)\"")
                }
            }
        }
        let outcome = await invoke(owner, context: context, .prompt(name: name, arguments: arguments.serialized()))
        return try Self.requireResult(outcome, what: "prompt \"\(name)\"", notFound: MCPError.invalidParams("unknown prompt \"\(name)\""))
    }

    public func complete(_ request: JSONValue, context: MCPRequestContext) async throws -> JSONValue {
        let empty: JSONValue = ["completion": ["values": [], "hasMore": false]]
        let ref = request["ref"]
        let owner: ActivePlugin? = state.withLock { state in
            switch ref?["type"]?.stringValue {
            case "ref/prompt":
                return ref?["name"]?.stringValue.flatMap { state.promptOwners[$0] }.map { state.active[$0] }
            case "ref/resource":
                guard let uri = ref?["uri"]?.stringValue else { return nil }
                return state.active.first { active in
                    active.templates.contains { $0.template["uriTemplate"]?.stringValue == uri }
                        || active.plugin.resources.contains { $0["uri"]?.stringValue == uri }
                }
            default:
                return nil
            }
        }
        guard let owner, owner.visible(to: context.client), owner.plugin.offer.completes else { return empty }
        let outcome = await invoke(owner, context: context, .completion(request: request.serialized()))
        guard case .finished(let status, let call) = outcome, status == CDXMCP_OK, let result = call.result,
              result["completion"]?["values"]?.arrayValue != nil else { return empty }
        return result
    }

    // MARK: - Calling into plugins

    /// Runs one entry point of `owner`, with its timeout and the request's cancellation: on the call
    /// pool for a plugin in this process, through its worker for an isolated one.
    private func invoke(_ owner: ActivePlugin, context: MCPRequestContext, _ request: PluginRequest) async -> PluginCallOutcome {
        let call = PluginCall(context: context, plugin: owner.plugin.handle)
        let plugin = owner.plugin
        if let worker = plugin.worker {
            return await worker.run(request, call: call, timeout: owner.timeout)
        }
        let outcome = await pool.run(timeout: owner.timeout, onTimeout: { call.abandon() }) {
            plugin.runInProcess(request, call: call)
        }
        switch outcome {
        case .finished(let status): return .finished(status, call)
        case .timedOut: return .timedOut
        case .abandoned: return .abandoned
        }
    }

    private func resourceOwner(_ uri: String) -> ActivePlugin? {
        state.withLock { state in
            if let index = state.resourceOwners[uri] { return state.active[index] }
            return state.active.first { active in active.templates.contains { $0.matcher.matches(uri) } }
        }
    }

    private static func requireResult(_ outcome: PluginCallOutcome, what: String, notFound: any Error) throws -> JSONValue {
        switch outcome {
        case .timedOut:
            throw MCPError.internalError("\(what) timed out")
        case .abandoned:
            throw MCPError.internalError("\(what) was cancelled: the server is shutting down")
        case .workerFailed(let message):
            throw MCPError.internalError(message)
        case .finished(let status, let call):
            if status == CDXMCP_OK, let result = call.result { return result }
            if status == CDXMCP_NOT_FOUND { throw notFound }
            if status == CDXMCP_INVALID_ARGUMENTS { throw MCPError.invalidParams(call.errorMessage ?? "invalid arguments for \(what)") }
            throw MCPError.internalError(call.errorMessage ?? "\(what) failed with status \(status)")
        }
    }
}
