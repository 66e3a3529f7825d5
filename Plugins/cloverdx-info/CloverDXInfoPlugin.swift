import CloverPluginSupport
import PluginKit

/// CloverDX info: what the server is set up with (sandboxes, schedules, event listeners, data
/// services, users and groups) and the files in its sandboxes.
struct CloverDXInfoPlugin: Plugin {
    let id = "cloverdx-info"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    struct InfoArguments: Decodable, Sendable {
        let section: String?
    }

    var tools: [ToolDefinition] {
        [
            ToolDefinition(
                name: "cloverdx_info", title: "CloverDX configuration overview",
                description: """
                    What the CloverDX Server is set up with: sandboxes (code, name, type, owner, folder), schedules (cron, \
                    job, last run), event listeners, data service endpoints, users (domain, disabled, last login, groups; \
                    never passwords or e-mails) and groups. Use it to find a sandbox code or job path before looking at \
                    runs or files, or to see what runs a job. "section" picks one part: sandboxes, schedules, \
                    eventListeners, dataServices, users, license (the license cannot be read here and says so); all by default. \
                    A part that cannot be read is listed under "unavailable" with the reason; the rest is still answered.
                    """,
                inputSchema: InfoSchemas.infoInput, outputSchema: InfoSchemas.infoOutput, arguments: InfoArguments.self
            ) { arguments, call in
                let sections: [InfoSection]
                switch arguments.section ?? "all" {
                case "all": sections = InfoSection.allCases
                case let name:
                    guard let section = InfoSection(rawValue: name) else {
                        throw ToolError.invalidArguments("cloverdx_info: \"section\" must be all, "
                            + InfoSection.allCases.map(\.rawValue).joined(separator: ", ") + " (got \"\(name)\")")
                    }
                    sections = [section]
                }
                var info = CloverDXInfo()
                for section in sections { section.read(into: &info, call: call) }
                return try .structured(info, text: InfoText.render(info))
            },
            ToolDefinition(
                name: "sandbox_list_files", title: "List a sandbox's files",
                description: """
                    Lists the files of a CloverDX sandbox recursively, sorted by path, with size and modification time (UTC): \
                    graphs (.grf), jobflows (.jbf), subgraphs (.sgrf), data services (.rjob), metadata (.fmt), connections \
                    (.cfg), CTL (.ctl), parameters (.prm) and data files. "sandbox" is the sandbox code (cloverdx_info lists \
                    them); "path" a folder inside it such as graph; "pattern" a wildcard on the sandbox-relative path, \
                    case-insensitive, * also crossing folders (*.grf, graph/Load*). Files the operator hides \
                    (clover.mcp.sandbox.deniedFiles / allowedFiles) are not listed. At most "limit" files (200 by default); \
                    the answer says when there are more and gives the cursor for the next page.
                    """,
                inputSchema: InfoSchemas.listInput, outputSchema: InfoSchemas.listOutput, arguments: SandboxFileTools.ListArguments.self
            ) { arguments, call in try SandboxFileTools.list(arguments, call: call) },
            ToolDefinition(
                name: "sandbox_read_file", title: "Read a sandbox file",
                description: """
                    Returns the text of one file of a CloverDX sandbox, such as a graph's XML to see its components, \
                    connections and parameters. "sandbox" is the sandbox code, "path" the file's path relative to the \
                    sandbox (graph/LoadOrders.grf); absolute paths, "..", and links leading out of the sandbox are \
                    refused, as are files the operator hides. Up to "maxBytes" bytes (1 MiB by default) from "offset"; \
                    a longer file is cut at a character boundary and the answer gives the offset to continue from.
                    """,
                inputSchema: InfoSchemas.readInput, outputSchema: InfoSchemas.readOutput, arguments: SandboxFileTools.ReadArguments.self
            ) { arguments, call in try SandboxFileTools.read(arguments, call: call) },
        ]
    }
}

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func cloverDXInfoPlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    CloverDXInfoPlugin(settings: settings)
}
