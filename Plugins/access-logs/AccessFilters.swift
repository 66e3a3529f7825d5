import CloverPluginSupport
import Foundation
import PluginKit

/// Where `access_logs_search` looks: the Tomcat access log, or the user-action log (all of it, or
/// only logins and logouts).
enum AccessSource: String, CaseIterable {
    case http
    case logins
    case userActions = "user_actions"

    init(_ text: String?) throws {
        switch text?.lowercased() {
        case nil, "http", "access", "requests": self = .http
        case "logins", "login", "authentication": self = .logins
        case "user_actions", "user-actions", "useractions", "actions": self = .userActions
        case let other?:
            throw ToolError.invalidArguments("\"source\" \"\(other)\" is not known; use http (Tomcat access log), logins (logins and "
                + "logouts from user-action.log) or user_actions (every user action)")
        }
    }

    /// The host's log ID and table.
    var log: String { self == .http ? "access" : "user-action" }
    var table: String { self == .http ? "access" : "user_action" }
}

/// The search filters as an SQL WHERE clause over the source's table; values are quoted with
/// SQLText, the path pattern is checked to compile before the host sees it.
struct AccessFilters {
    let status: String?
    let path: String?
    let user: String?
    let ip: String?
    let action: String?
    let result: String?

    static let maximumPatternLength = 1_000

    /// The conditions, `1` when there are none.
    func whereClause(for source: AccessSource) throws -> String {
        var conditions: [String] = []
        if source == .http {
            for (name, value) in [("action", action), ("result", result)] where value != nil {
                throw ToolError.invalidArguments("\"\(name)\" filters user actions: use it with source logins or user_actions, not http")
            }
            if let status { conditions.append(try Self.statusCondition(status)) }
            if let path { conditions.append("path REGEXP \(SQLText.literal(try Self.checkedPattern(path)))") }
            if let user { conditions.append("user = \(SQLText.literal(user)) COLLATE NOCASE") }
            if let ip { conditions.append("client = \(SQLText.literal(ip))") }
        } else {
            for (name, value) in [("status", status), ("path", path)] where value != nil {
                throw ToolError.invalidArguments("\"\(name)\" filters HTTP requests: use it with source http, not \(source.rawValue)")
            }
            if source == .logins { conditions.append("action IN ('LOGIN', 'LOGOUT')") }
            if let user { conditions.append("user = \(SQLText.literal(user)) COLLATE NOCASE") }
            if let ip { conditions.append("ip = \(SQLText.literal(ip))") }
            if let action { conditions.append("action = \(SQLText.literal(action)) COLLATE NOCASE") }
            if let result { conditions.append("result = \(SQLText.literal(result)) COLLATE NOCASE") }
        }
        return conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
    }

    /// `5xx`, `4XX` (a class) or `404` (one status).
    static func statusCondition(_ text: String) throws -> String {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if value.count == 3, value.hasSuffix("xx"), let digit = value.first?.wholeNumberValue, (1...5).contains(digit) {
            return "status BETWEEN \(digit * 100) AND \(digit * 100 + 99)"
        }
        if value.count == 3, let code = Int(value), (100...599).contains(code) {
            return "status = \(code)"
        }
        throw ToolError.invalidArguments("\"status\" \"\(text)\" is not a status: use a class 1xx … 5xx (e.g. 5xx) or one code from 100 to 599 (e.g. 404)")
    }

    /// The pattern, when its length is sane; whether it compiles is the host's REGEXP's answer
    /// (PCRE2), so the plugin and the host never disagree on syntax.
    static func checkedPattern(_ pattern: String) throws -> String {
        guard !pattern.isEmpty, pattern.utf8.count <= maximumPatternLength else {
            throw ToolError.invalidArguments("\"path\" must be a regular expression of 1 to \(maximumPatternLength) bytes")
        }
        return pattern
    }
}
