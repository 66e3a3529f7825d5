import PluginKit

/// The answer of the host's `sql.query` service (grant `sql.read`): columns, rows read by column
/// name, and whether the host stopped early. Refusals become `ToolError`s a model can act on.
public struct SQLRows: Sendable {
    /// A result column: its name and the engine's type name.
    public typealias Column = QueryColumn

    public let columns: [Column]
    public let rows: [SQLRow]
    /// True when the query produced more rows than returned.
    public let truncated: Bool
    /// `rowLimit`, `byteLimit` or `timeLimit` when `truncated`.
    public let truncationReason: String?
    public let elapsedMs: Int64

    /// Runs one read-only query on the system database.
    /// - Throws: `ToolError.invalidArguments` when the host's guard refuses the SQL (its message says
    ///   why), `ToolError.failed` when the database fails or the plugin lacks the grant.
    public static func query(_ sql: String, maxRows: Int? = nil, timeoutMs: Int? = nil, call: CallContext) throws -> SQLRows {
        let answer: HostServices.SQLQuery.Answer
        do {
            answer = try call.sql.query(.init(sql: sql, maxRows: maxRows, timeoutMs: timeoutMs))
        } catch let refused as ServiceRefused {
            throw refused.toolError(about: refused.status == cdxmcp_status(CDXMCP_INVALID_ARGUMENTS) ? nil : "system database")
        }
        let index = SQLRow.index(of: answer.columns)
        let rows = answer.rows.map { SQLRow(index: index, values: $0) }
        return SQLRows(columns: answer.columns, rows: rows, truncated: answer.truncated, truncationReason: answer.truncationReason,
                       elapsedMs: Int64(answer.elapsedMs))
    }
}

/// One result row; values by column name (`null` for a column the query did not select).
public struct SQLRow: Sendable {
    let index: [String: Int]
    /// The values in column order.
    public let values: [PluginJSON]

    /// Each column name's first position, for reading rows by name.
    static func index(of columns: [QueryColumn]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column.name] == nil { index[column.name] = position }
        return index
    }

    public subscript(column: String) -> PluginJSON {
        guard let position = index[column], values.indices.contains(position) else { return .null }
        return values[position]
    }

    public func string(_ column: String) -> String? {
        switch self[column] {
        case .string(let text): return text
        case .null: return nil
        case let other: return other.cellText
        }
    }

    /// A whole number, also when the engine returned it as text (PostgreSQL numeric beyond a double).
    public func int(_ column: String) -> Int64? {
        let value = self[column]
        if let number = value.int64Value { return number }
        if let double = value.doubleValue { return Int64(double.rounded()) }
        return value.stringValue.flatMap { Int64($0) }
    }

    public func double(_ column: String) -> Double? {
        let value = self[column]
        return value.doubleValue ?? value.stringValue.flatMap { Double($0) }
    }
}
