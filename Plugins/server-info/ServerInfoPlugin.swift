import CloverPluginSupport
import PluginKit

/// Server info: version and build, Worker and JVM, cluster nodes, memory and uptime, configuration
/// (secrets masked), installation layout and this sidecar.
struct ServerInfoPlugin: Plugin {
    let id = "server-info"
    let version = "1.0.0"
    static let deploymentURI = "cloverdx://server/deployment"

    init(settings: PluginJSON) {}

    struct DeploymentArguments: Decodable, Sendable {
        let includeConfiguration: Bool?
    }

    var tools: [ToolDefinition] {
        [
            ToolDefinition(
                name: "server_deployment", title: "CloverDX Server deployment",
                description: """
                    Describes the CloverDX Server deployment: Server and Worker version and build, when each last started, \
                    Java/JVM, Tomcat and OS, the Worker's max heap and command line, cluster nodes and their status, the \
                    latest performance sample (Core and Worker heap in GB, threads, CPU, uptimes, running and queued jobs), \
                    system database engine, log and sandbox locations, time zone, the effective configuration with secrets \
                    masked, and this MCP sidecar with its plugins. Call it first when troubleshooting, to know what you are \
                    looking at. "includeConfiguration" (true by default) can drop the configuration list. Parts that cannot \
                    be read (for example a start-up line rotated out of the logs) are listed under "unavailable" with why.
                    """,
                inputSchema: DeploymentSchemas.input, outputSchema: DeploymentSchemas.output, arguments: DeploymentArguments.self
            ) { arguments, call in
                let deployment = DeploymentReader(call: call, includeConfiguration: arguments.includeConfiguration ?? true).read()
                return try .structured(deployment, text: DeploymentText.render(deployment))
            },
        ]
    }

    var prompts: [PromptDefinition] { [HealthCheckPrompt.definition] }

    var resources: [ResourceDefinition] {
        [ResourceDefinition(uri: Self.deploymentURI, name: "server-deployment", title: "CloverDX Server deployment",
                            description: "The server_deployment summary: versions, nodes, memory, configuration (secrets masked), sidecar.")]
    }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents {
        guard uri == Self.deploymentURI else { throw NotFound() }
        let deployment = DeploymentReader(call: call, includeConfiguration: true).read()
        return ResourceContents(uri: uri, text: DeploymentText.render(deployment))
    }

    func getPrompt(name: String, arguments: [String: String], call: CallContext) throws -> PromptResult {
        guard name == HealthCheckPrompt.definition.name else { throw NotFound() }
        return try HealthCheckPrompt.render(arguments, call: call)
    }
}

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func serverInfoPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    ServerInfoPlugin(settings: settings)
}
