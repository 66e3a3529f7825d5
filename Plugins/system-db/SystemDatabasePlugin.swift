import CloverPluginSupport
import Foundation
import PluginKit

/// System database: its schema, and read-only SELECTs through the host's guard.
struct SystemDatabasePlugin: Plugin {
    let id = "system-db"
    let version = "1.0.0"

    init(settings: PluginJSON) {}

    var tools: [ToolDefinition] { [SchemaTool.definition, QueryTool.definition] }

    var resources: [ResourceDefinition] {
        [ResourceDefinition(uri: "cloverdx://database/schema", name: "database-schema", title: "System database schema",
                            description: "The system database's engine, tables and columns, one line per table.")]
    }

    func readResource(uri: String, call: CallContext) throws -> ResourceContents {
        guard uri == "cloverdx://database/schema" else { throw NotFound() }
        return ResourceContents(uri: uri, text: SchemaTool.text(try SchemaTool.load(tablePattern: nil, call: call)))
    }
}

/// Makes the plugin from its plugins.json settings: what the library's entry (entry/Entry.swift) exports,
/// and what the unit tests load into PluginKitTesting's host.
public func systemDatabasePlugin(environment: PluginEnvironment, settings: PluginJSON) -> any Plugin {
    SystemDatabasePlugin(settings: settings)
}
