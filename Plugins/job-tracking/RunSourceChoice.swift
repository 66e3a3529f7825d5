import CloverPluginSupport
import Foundation
import PluginKit

/// Picks the `RunSource` of a call from `clover.mcp.sidecar.jobs.source`: `database`, `rest`, or
/// `auto` (the default): the system database when it answers, else the REST API when a CloverDX
/// REST URL is configured. Chosen per call, so a database that comes back is used again.
enum RunSourceChoice {
    static let key = "clover.mcp.sidecar.jobs.source"

    /// The source `call` reads runs from.
    /// - Throws: `ToolError.failed` for an unknown setting, or in `auto` when neither source is there.
    static func source(for call: CallContext) throws -> any RunSource {
        let setting = call.environment.config(key)?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch setting {
        case "", "auto": return try automatic(call)
        case "database": return SystemDatabaseRunSource(call: call)
        case "rest": return RESTRunSource(call: call)
        default: throw ToolError.failed("\(key)=\(setting) is not a source of job runs: use auto (the default), database or rest")
        }
    }

    private static func automatic(_ call: CallContext) throws -> any RunSource {
        let unavailable: String
        do {
            // The cheapest statement that proves the database and its run table answer.
            _ = try call.sql.query(.init(sql: "SELECT 1 AS probe FROM run_record WHERE 1 = 0", maxRows: 1))
            return SystemDatabaseRunSource(call: call)
        } catch let refused as ServiceRefused {
            // No such service: no jdbc.url, a REST-only sidecar, nothing to note.
            unavailable = refused.status == cdxmcp_status(CDXMCP_UNSUPPORTED) ? "" : refused.message
        }
        let restURL = (try? call.installation.info())?.restAPI
        guard restURL != nil else {
            throw ToolError.failed("""
                no source of job runs: the system database is not available (\(unavailable.isEmpty ? "no jdbc.url in the configuration" : unavailable)) \
                and no CloverDX REST API is configured (clover.mcp.sidecar.rest.url)
                """)
        }
        let notes = unavailable.isEmpty ? [] : ["the system database did not answer (\(unavailable)): runs come from the CloverDX REST API"]
        return RESTRunSource(call: call, notes: notes)
    }
}
