import Foundation
import PluginKit

/// The execution statuses of CloverDX Server (docs/CLOVERDX.md, "Execution statuses") and the groups the tools use.
enum RunStatusNames {
    static let all = ["N_A", "READY", "ENQUEUED", "RUNNING", "WAITING", "FINISHED_OK", "ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"]
    /// Statuses a run ends in.
    static let final = ["FINISHED_OK", "ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"]
    /// Final statuses other than FINISHED_OK: what the statistics count as failures.
    static let failed = ["ERROR", "ABORTED", "TIMEOUT", "UNKNOWN"]

    /// The `status` argument (one name or a list, any case) as upper-case names without repeats.
    /// - Throws: `ToolError.invalidArguments` naming the unknown status and the known ones.
    static func parse(_ argument: StatusArgument?) throws -> [String] {
        var names: [String] = []
        for raw in argument?.names ?? [] {
            let name = raw.trimmingCharacters(in: .whitespaces).uppercased()
            guard all.contains(name) else {
                throw ToolError.invalidArguments("\"status\": unknown status \"\(raw)\". Known statuses: \(all.joined(separator: ", "))")
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }
}

/// `status` as the agent sends it: `"ERROR"` or `["ERROR", "TIMEOUT"]`.
struct StatusArgument: Decodable, Sendable {
    let names: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            names = [one]
        } else if let many = try? container.decode([String].self) {
            names = many
        } else {
            throw DecodingError.typeMismatch(String.self, .init(
                codingPath: decoder.codingPath, debugDescription: "a status name or a list of them, e.g. \"ERROR\" or [\"ERROR\", \"TIMEOUT\"]"))
        }
    }
}
