import CloverPluginSupport
import Foundation
import PluginKit

/// `server_db_get_schema`: the system database's tables and columns, from the host's `sql.schema`.
enum SchemaTool {
    struct Arguments: Decodable, Sendable {
        let tablePattern: String?
    }

    struct Column: Codable {
        let name: String
        let type: String
        let nullable: Bool
    }

    struct Table: Codable {
        let schema: String
        let name: String
        /// `table` or `view`.
        let kind: String
        let columns: [Column]
    }

    struct Schema: Encodable {
        /// `sqlite` or `postgreSQL`: which SQL dialect server_db_execute_query speaks.
        let engine: String
        let tablePattern: String?
        let tables: [Table]
    }

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "server_db_get_schema", title: "System database schema",
            description: """
                The tables and views of the CloverDX system database with their columns, types and nullability, and the database \
                engine (which SQL dialect server_db_execute_query speaks). Call it before writing SQL. `tablePattern` narrows the \
                list: a plain word matches any table whose name contains it (run → run_record, run_record_param); with % or * \
                it is a LIKE pattern over the whole name (tracking_%, *user*); case-insensitive.
                """,
            inputSchema: """
                {"type":"object","properties":{"tablePattern":{"type":"string","description":"Part of a table name (run_record), or a LIKE pattern with % or * (tracking_%)"}},
                "additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{"engine":{"type":"string"},"tablePattern":{"type":"string"},
                "tables":{"type":"array","items":{"type":"object","properties":{"schema":{"type":"string"},"name":{"type":"string"},
                "kind":{"type":"string"},"columns":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},
                "type":{"type":"string"},"nullable":{"type":"boolean"}},"required":["name","type","nullable"]}}},
                "required":["schema","name","kind","columns"]}}},"required":["engine","tables"]}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let schema = try load(tablePattern: arguments.tablePattern, call: call)
            return try .structured(schema, text: text(schema))
        }
    }

    /// The schema, all tables or those `tablePattern` matches.
    static func load(tablePattern: String?, call: CallContext) throws -> Schema {
        let pattern = tablePattern.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        var request: [String: PluginJSON] = [:]
        if let pattern { request["tablePattern"] = .string(likePattern(pattern)) }
        let answer: PluginJSON
        do {
            answer = try call.service("sql.schema", .object(request))
        } catch let refused as ServiceRefused {
            throw ToolError.failed("system database: \(refused.message)")
        }
        let tables = try PluginJSON.array(answer["tables"]?.arrayValue ?? []).decoded([Table].self)
        return Schema(engine: answer["engine"]?.stringValue ?? "", tablePattern: pattern, tables: tables)
    }

    /// The host's LIKE pattern (`\` escapes) for what the agent typed.
    static func likePattern(_ pattern: String) -> String {
        if pattern.contains("%") || pattern.contains("*") { return pattern.replacingOccurrences(of: "*", with: "%") }
        let literal = pattern.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return "%" + literal + "%"
    }

    static func text(_ schema: Schema) -> String {
        let engine = schema.engine == "postgreSQL" ? "PostgreSQL" : schema.engine == "sqlite" ? "SQLite" : schema.engine
        guard !schema.tables.isEmpty else {
            return "No table of the \(engine) system database matches \"\(schema.tablePattern ?? "")\"; call server_db_get_schema without tablePattern to list them all."
        }
        var lines = ["\(engine) system database, \(schema.tables.count) table(s)\(schema.tablePattern.map { " matching \"\($0)\"" } ?? ""). "
                     + "Each line: table: column type, … (? = nullable)."]
        for table in schema.tables {
            let qualified = ["main", "public"].contains(table.schema) ? table.name : "\(table.schema).\(table.name)"
            let columns = table.columns.map { "\($0.name) \($0.type)\($0.nullable ? "?" : "")" }.joined(separator: ", ")
            lines.append("\(qualified)\(table.kind == "view" ? " (view)" : ""): \(columns)")
        }
        return lines.joined(separator: "\n")
    }
}

extension PluginJSON {
    /// This JSON as a Decodable type.
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
