import Foundation
import PluginKit

/// The `levels` argument: log4j level names, checked here so a typo is named before any log is read.
enum LevelNames {
    static let accepted = ["FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"]

    /// The host's level names for `requested` (any case; WARNING and SEVERE as Tomcat writes them).
    /// ERROR brings FATAL with it: an agent asking for errors wants the fatal ones too.
    /// - Throws: `ToolError.invalidArguments` naming the unknown level and the accepted ones.
    static func hostLevels(_ requested: [String]?) throws -> [String] {
        var levels: [String] = []
        for name in requested ?? [] {
            let upper = name.trimmingCharacters(in: .whitespaces).uppercased()
            let level = ["WARNING": "WARN", "SEVERE": "ERROR"][upper] ?? upper
            guard accepted.contains(level) else {
                throw ToolError.invalidArguments("\"levels\": unknown level \"\(name)\"; use \(accepted.joined(separator: ", "))")
            }
            levels.append(level)
            if level == "ERROR" { levels.append("FATAL") }
        }
        return accepted.filter(levels.contains)
    }
}
