import CloverPluginSupport
import Foundation
import PluginKit

/// `access_logs_search`: HTTP requests from Tomcat's access log, or logins and other user actions
/// from user-action.log, filtered and paged.
enum AccessSearchTool {
    struct Arguments: Decodable, Sendable {
        let source: String?
        let from: String?
        let to: String?
        let status: String?
        let path: String?
        let user: String?
        let ip: String?
        let action: String?
        let result: String?
        let limit: Int?
        let cursor: String?
    }

    struct Result: Encodable {
        let source: String
        let window: AccessWindow
        /// One object per request or action, keys as the table's columns.
        let events: [[String: PluginJSON]]
        let count: Int
        let offset: Int
        let hasMore: Bool
        let nextCursor: String?
        let loadedRows: Int
        let warnings: [String]
        let notes: [String]
    }

    static let defaultLimit = 50
    static let maximumLimit = 500

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "access_logs_search", title: "Search access and login events",
            description: """
                Finds user access and authentication events in time order. source http (default): HTTP requests from \
                Tomcat's access log (time, client IP, user, method, path, query, protocol, status, bytes, durationMs where the \
                log records %D). source logins: LOGIN and LOGOUT events from user-action.log (user, domain, ip, action, \
                result SUCCESS/FAILURE, message such as reason=BAD_CREDENTIALS); source user_actions: every user action \
                (EXECUTE_JOB, ABORT_EXECUTION, CREATE_USER, …). Filters, all optional and combined with AND: status (http: a \
                class such as 5xx or 4xx, or one code such as 404), path (http: a Perl-compatible (PCRE2) regular expression found in the path, \
                e.g. ^/clover/api/ or executions/[0-9]+$), user (exact, case-insensitive), ip (the client IP), action and \
                result (user actions, case-insensitive). `from`/`to`: \(ServerTime.acceptedFormats); without them the last 24 \
                hours of the log. `limit` 1-\(maximumLimit) (default \(defaultLimit)); when hasMore is true, pass nextCursor with \
                the same other arguments for the next page. For counts and rates use access_logs_stats instead.
                """,
            inputSchema: """
                {"type":"object","properties":{
                "source":{"type":"string","enum":["http","logins","user_actions"],"description":"http (access log, default), logins or user_actions (user-action.log)"},
                "from":{"type":"string","description":"Events from this time (server local time, ISO with zone, or relative like -2h); default: 24 h before the log's end"},
                "to":{"type":"string","description":"Events up to this time; default: the log's end"},
                "status":{"type":"string","description":"http: status class (5xx, 4xx, …) or one code (404)"},
                "path":{"type":"string","description":"http: Perl-compatible (PCRE2) regular expression found in the request path (without the query string)"},
                "user":{"type":"string","description":"User name, exact, case-insensitive"},
                "ip":{"type":"string","description":"Client IP address"},
                "action":{"type":"string","description":"logins/user_actions: LOGIN, LOGOUT, EXECUTE_JOB, …"},
                "result":{"type":"string","description":"logins/user_actions: SUCCESS or FAILURE"},
                "limit":{"type":"integer","minimum":1,"description":"Events per page: default 50, at most 500"},
                "cursor":{"type":"string","description":"nextCursor of the previous page"}},
                "additionalProperties":false}
                """,
            outputSchema: """
                {"type":"object","properties":{"source":{"type":"string"},
                "window":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"}}},
                "events":{"type":"array","items":{"type":"object"}},"count":{"type":"integer"},"offset":{"type":"integer"},
                "hasMore":{"type":"boolean"},"nextCursor":{"type":"string"},"loadedRows":{"type":"integer"},
                "warnings":{"type":"array","items":{"type":"string"}},"notes":{"type":"array","items":{"type":"string"}}},
                "required":["source","window","events","count","offset","hasMore","loadedRows","warnings","notes"]}
                """,
            arguments: Arguments.self
        ) { arguments, call in
            let result = try run(arguments, call: call)
            return try .structured(result, text: text(result))
        }
    }

    static func run(_ arguments: Arguments, call: CallContext) throws -> Result {
        let source = try AccessSource(arguments.source)
        let filters = AccessFilters(status: arguments.status, path: arguments.path, user: arguments.user, ip: arguments.ip,
                                    action: arguments.action, result: arguments.result)
        let condition = try filters.whereClause(for: source)
        let limit = try ResultLimit(arguments.limit, default: defaultLimit, maximum: maximumLimit)
        let clock = ServerTime.of(call)
        let requested = try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: clock)
        let fingerprint = AccessSearchCursor.fingerprint(source: source, whereClause: condition)
        let window: TimeWindow
        var offset = 0
        if let text = arguments.cursor {
            let cursor = try AccessSearchCursor.decode(text)
            guard cursor.fingerprint == fingerprint else {
                throw ToolError.invalidArguments("\"cursor\" belongs to a search with another source or other filters; repeat that search's "
                    + "arguments with it, or search without a cursor")
            }
            window = TimeWindow(from: try cursor.from.map { try clock.parse($0, argument: "cursor") },
                                to: try cursor.to.map { try clock.parse($0, argument: "cursor") })
            offset = cursor.offset
        } else {
            // Resolved once, on the first page; later pages carry it in the cursor.
            window = LogWindow.resolve(requested, log: source.log, clock: clock, call: call)
        }
        let sql = "SELECT * FROM \(source.table) WHERE \(condition) ORDER BY time, rowid LIMIT \(limit.value + 1) OFFSET \(offset)"
        let table: LogTableRows
        do {
            table = try LogTableRows.query(log: source.log, window: window, sql: sql, maxRows: limit.value + 1, call: call)
        } catch let missing as LogTableUnavailable {
            throw ToolError.failed("\(missing.description). \(source == .http ? "Tomcat's log directory is clover.mcp.sidecar.tomcat.logs.dir, else <clover.home>/tomcatlogs" : "user-action.log lives in the cloverlogs directory (logging.dir/cloverlogs)").")
        }
        let hasMore = table.rows.count > limit.value
        let events = table.rows.prefix(limit.value).map { row in
            Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { index, column in
                (column.name == "duration_ms" ? "durationMs" : column.name, row.values.indices.contains(index) ? row.values[index] : .null)
            })
        }
        let next = hasMore ? AccessSearchCursor(offset: offset + limit.value, from: window.from?.text, to: window.to?.text,
                                                fingerprint: fingerprint).encoded : nil
        var notes = limit.note.map { [$0] } ?? []
        if table.loadTruncated {
            notes.append("only events up to \(table.lastTime ?? "?") were loaded (the host's row cap); narrow from/to for later ones")
        }
        return Result(source: source.rawValue, window: AccessWindow(window), events: events, count: events.count, offset: offset,
                      hasMore: hasMore, nextCursor: next, loadedRows: table.loadedRows, warnings: table.warnings, notes: notes)
    }

    static func text(_ result: Result) -> String {
        let what = result.source == "http" ? "request" : "event"
        var lines = ["\(result.count) \(what)(s) from \(result.offset + 1) in \(result.window.from ?? "the start") … \(result.window.to ?? "the end")"
            + " (\(result.loadedRows) in the window before filtering)."]
        if !result.events.isEmpty {
            func cell(_ event: [String: PluginJSON], _ key: String) -> String { event[key]?.cellText ?? "" }
            if result.source == "http" {
                lines.append(TextTable.render(header: ["time", "client", "user", "method", "path", "status", "bytes", "ms"], rows: result.events.map { e in
                    let query = cell(e, "query")
                    return [cell(e, "time"), cell(e, "client"), cell(e, "user"), cell(e, "method"),
                            cell(e, "path") + (query.isEmpty ? "" : "?" + query), cell(e, "status"), cell(e, "bytes"), cell(e, "durationMs")]
                }, maxCellWidth: 80))
            } else {
                lines.append(TextTable.render(header: ["time", "user", "domain", "ip", "action", "result", "message"], rows: result.events.map { e in
                    ["time", "user", "domain", "ip", "action", "result", "message"].map { cell(e, $0) }
                }, maxCellWidth: 80))
            }
        }
        if result.hasMore { lines.append("More events match: call again with cursor \"\(result.nextCursor ?? "")\" and the same other arguments.") }
        lines += result.warnings.map { "Warning: \($0)." }
        lines += result.notes.map { "Note: \($0)." }
        return lines.joined(separator: "\n")
    }
}

/// The window a tool loaded, as server wall-clock text.
struct AccessWindow: Encodable {
    let from: String?
    let to: String?

    init(_ window: TimeWindow) {
        from = window.from?.text
        to = window.to?.text
    }
}
