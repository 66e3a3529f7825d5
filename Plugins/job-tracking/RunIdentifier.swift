import Foundation
import PluginKit

/// A run ID as tools, prompts and resource URIs take it: a whole number above zero. The server's
/// non-persistent runs have negative IDs but are never in the system database.
enum RunIdentifier {
    /// The `runId` argument of a tool, which JSON may carry as any value.
    /// - Throws: `ToolError.invalidArguments` saying what was wrong and what is accepted.
    static func parse(_ value: PluginJSON?, argument: String = "runId") throws -> Int64 {
        switch value {
        case nil, .null?:
            throw ToolError.invalidArguments("missing required argument \"\(argument)\": a run ID (a whole number above 0, e.g. 18342); job_list lists them")
        case .number(let number)?:
            guard number.rounded() == number, abs(number) < 9.0e15 else {
                throw ToolError.invalidArguments("\"\(argument)\" must be a whole number, got \(number); run IDs are integers such as 18342")
            }
            return try positive(Int64(number), argument: argument)
        case .string(let text)?:
            throw ToolError.invalidArguments("\"\(argument)\" must be a JSON integer, not the string \"\(text)\"; send e.g. {\"\(argument)\": 18342}")
        case let other?:
            throw ToolError.invalidArguments("\"\(argument)\" must be a JSON integer such as 18342, got \(other.text)")
        }
    }

    /// A run ID written as text: a prompt argument or the `{runId}` of a resource URI.
    static func parse(text: String, argument: String = "runId") throws -> Int64 {
        guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            throw ToolError.invalidArguments("\"\(argument)\" must be a run ID (a whole number above 0, e.g. 18342), got \"\(text)\"")
        }
        return try positive(number, argument: argument)
    }

    private static func positive(_ number: Int64, argument: String) throws -> Int64 {
        guard number > 0 else {
            throw ToolError.invalidArguments("\"\(argument)\" must be above 0, got \(number): the system database keeps only runs with positive IDs")
        }
        return number
    }
}
