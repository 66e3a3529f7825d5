import enum CloverServiceContract.HostServices
import MCPProtocol
import PluginHost
import SystemDatabase

/// "sql.query" and "sql.schema" on the system database, through its read-only guard.
enum SQLServices {
    static func all(_ database: any SystemDatabase) -> [any HostService] {
        [Query(database: database), Schema(database: database)]
    }

    struct Query: HostService {
        let name = HostServices.SQLQuery.name
        let grant = HostServices.SQLQuery.grant
        let isHeavy = true
        let database: any SystemDatabase

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            guard let sql = request["sql"]?.stringValue else { throw ServiceError(.invalidArguments, "\"sql\" is required: one SELECT statement") }
            let defaults = QueryLimits()
            let limits = QueryLimits(
                maxRows: Int(request["maxRows"]?.intValue ?? Int64(defaults.maxRows)),
                maxBytes: Int(request["maxBytes"]?.intValue ?? Int64(defaults.maxBytes)),
                timeout: request["timeoutMs"]?.intValue.map { .milliseconds($0) } ?? defaults.timeout)
            let result = try await serviceErrors(name) { try await database.query(sql, limits: limits) }
            var answer: JSONValue = [
                "columns": .array(result.columns.map { ["name": .string($0.name), "type": .string($0.type)] }),
                "rows": .array(result.rows.map(JSONValue.array)),
                "truncated": .bool(result.truncated),
                "elapsedMs": .int(result.elapsed.components.seconds * 1000 + result.elapsed.components.attoseconds / 1_000_000_000_000_000),
            ]
            if let reason = result.truncationReason { answer["truncationReason"] = .string(reason.rawValue) }
            return answer
        }
    }

    struct Schema: HostService {
        let name = HostServices.SQLSchema.name
        let grant = HostServices.SQLSchema.grant
        let database: any SystemDatabase

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let tables = try await serviceErrors(name) { try await database.schema(tablePattern: request["tablePattern"]?.stringValue) }
            return [
                "engine": .string(database.dialect.rawValue),
                "tables": .array(tables.map { table in
                    [
                        "schema": .string(table.schema), "name": .string(table.name), "kind": .string(table.kind),
                        "columns": .array(table.columns.map {
                            ["name": .string($0.name), "type": .string($0.type), "nullable": .bool($0.nullable)]
                        }),
                    ]
                }),
            ]
        }
    }
}
