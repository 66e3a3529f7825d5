import CloverPluginSupport
import PluginKit

/// `server_db_execute_query`: one read-only SELECT on the system database.
enum QueryTool {
    struct Arguments: Decodable, Sendable {
        let sql: String
        let maxRows: Int?
        let timeoutMs: Int?
    }

    struct Result: Encodable {
        let columns: [SQLRows.Column]
        let rows: [[PluginJSON]]
        let rowCount: Int
        let truncated: Bool
        /// `rowLimit`, `byteLimit` or `timeLimit` when truncated.
        let truncationReason: String?
        let elapsedMs: Int64
        let notes: [String]
    }

    static let maxTimeoutMs = 60_000
    /// Rows shown in the text; all of them are in structuredContent.
    static let textRows = 50

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "server_db_execute_query", title: "Query the system database",
            description: """
                Runs one read-only query on the CloverDX system database and returns its columns and rows: SELECT, WITH … SELECT, \
                VALUES or TABLE name. Anything else is refused before it reaches the database: INSERT/UPDATE/DELETE/DDL, more than \
                one statement, SELECT … INTO, FOR UPDATE, and functions that touch files or server state. Call \
                server_db_get_schema first for the tables and the engine (SQLite or PostgreSQL) and write SQL for it. Runs are in \
                run_record (times are ISO text with offset, e.g. 2025-03-05T02:10:00.020+01:00, which compares as text). `maxRows` \
                defaults to 100 (at most 10000); `timeoutMs` defaults to 10000 (at most 60000). A result cut short says so in \
                `truncated` and `truncationReason`; narrow it with WHERE, or page with LIMIT … OFFSET.
                """,
            inputSchema: """
                {"type":"object","properties":{"sql":{"type":"string","description":"One SELECT statement"},
                "maxRows":{"type":"integer","minimum":1,"description":"Rows returned at most: default 100, at most 10000"},
                "timeoutMs":{"type":"integer","minimum":100,"description":"How long the query may run: default 10000, at most 60000"}},
                "required":["sql"],"additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{"columns":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},
                "type":{"type":"string"}},"required":["name","type"]}},"rows":{"type":"array","items":{"type":"array"}},
                "rowCount":{"type":"integer"},"truncated":{"type":"boolean"},"truncationReason":{"type":"string"},
                "elapsedMs":{"type":"integer"},"notes":{"type":"array","items":{"type":"string"}}},
                "required":["columns","rows","rowCount","truncated","elapsedMs","notes"]}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let result = try run(arguments, call: call)
            return try .structured(result, text: text(result))
        }
    }

    static func run(_ arguments: Arguments, call: CallContext) throws -> Result {
        guard !arguments.sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ToolError.invalidArguments("\"sql\" is empty: send one SELECT statement, e.g. SELECT status, COUNT(*) FROM run_record GROUP BY status")
        }
        let limit = try ResultLimit(arguments.maxRows, default: 100, maximum: 10_000, argument: "maxRows")
        var notes: [String] = []
        if let requested = arguments.maxRows, requested > limit.value {
            notes.append("maxRows \(requested) was lowered to \(limit.value); page with LIMIT … OFFSET for more")
        }
        var timeout: Int?
        if let requested = arguments.timeoutMs {
            guard requested >= 1 else { throw ToolError.invalidArguments("\"timeoutMs\" must be at least 1 (got \(requested))") }
            timeout = min(max(requested, 100), maxTimeoutMs)
            if requested > maxTimeoutMs { notes.append("timeoutMs \(requested) was lowered to \(maxTimeoutMs)") }
        }
        let rows: SQLRows
        do {
            rows = try SQLRows.query(arguments.sql, maxRows: limit.value, timeoutMs: timeout, call: call)
        } catch ToolError.invalidArguments(let message) {
            throw ToolError.invalidArguments("The query was refused and not run: \(message)")
        }
        switch rows.truncationReason {
        case "rowLimit"?:
            let raise = limit.value < 10_000 ? "raise maxRows (at most 10000) or " : ""
            notes.append("the query returned more than \(limit.value) rows; \(raise)narrow it with WHERE, or page with LIMIT … OFFSET")
        case "byteLimit"?: notes.append("the rows passed the size limit of one answer (about 1 MiB); select fewer or narrower columns, or fewer rows")
        case "timeLimit"?: notes.append("the query ran into its timeout after these rows; they are its first rows. Make it cheaper or raise timeoutMs")
        default: break
        }
        return Result(columns: rows.columns, rows: rows.rows.map(\.values), rowCount: rows.rows.count, truncated: rows.truncated,
                      truncationReason: rows.truncationReason, elapsedMs: rows.elapsedMs, notes: notes)
    }

    static func text(_ result: Result) -> String {
        var lines = ["\(result.rowCount) row(s)\(result.truncated ? " (truncated)" : ""), \(result.columns.count) column(s), \(result.elapsedMs) ms."]
        if !result.rows.isEmpty {
            lines.append(TextTable.render(header: result.columns.map(\.name),
                                          rows: result.rows.prefix(textRows).map { $0.map(\.cellText) }))
            if result.rowCount > textRows {
                lines.append("… \(result.rowCount - textRows) more row(s) in structuredContent.")
            }
        }
        lines += result.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}
