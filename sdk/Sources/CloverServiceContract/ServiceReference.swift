import Foundation

/// docs/SERVICES.md, made from the contract types: each service's grant, summary, an example request
/// and answer (encoded from the real types, so they cannot drift) and what every field means.
public enum ServiceReference {
    /// The whole reference as Markdown.
    public static func markdown() -> String {
        var out = """
            # Host services

            Generated from the SDK's `CloverServiceContract` types (`sdk/Sources/CloverServiceContract`): do not edit by hand;
            `UPDATE_SERVICE_DOCS=1 swift test --filter ServiceContractTests` writes it anew.

            A plugin reaches CloverDX data only through these services: `call_service` in the C header, or typed through
            PluginKit (`call.logs.search(...)`, `call.sql.query(...)`, …). Each needs its grant in the plugin's
            `plugins.json` entry; without it the host answers `CDXMCP_DENIED`. A refused request comes back with a
            non-OK status and `{"error": "..."}`: `CDXMCP_INVALID_ARGUMENTS` (a wrong request), `CDXMCP_NOT_FOUND`
            (it names something that does not exist), `CDXMCP_UNSUPPORTED` (no such service), `CDXMCP_FAILED`.
            Fields not shown as set may be left out of a request. Progress and cancellation of long services follow
            the call (`report_progress`, `is_cancelled`).

            The heavy services (`logs.search`, `logs.window`, `logs.table`, `sql.query`, `support.package`) share one
            bound on how many run at once, all plugins together (`clover.mcp.sidecar.heavy.calls.max`). A call past it
            waits up to `clover.mcp.sidecar.heavy.calls.wait.ms` for a place, then is refused with `CDXMCP_FAILED` and
            an error that starts `busy:` and says when to retry (`retry in N s`): pass it on to the client as it is.
            SQL runs inside limits of its own: no value over 8 MiB, a statement of at most 100,000 bytes, and a row
            larger than the answer's `maxBytes` is refused, measured before it is read.

            | Service | Grant | |
            |---|---|---|

            """
        for service in HostServices.all {
            out += "| [`\(service.name)`](#\(anchor(service.name))) | `\(service.grant)` | \(firstSentence(service.summary)) |\n"
        }
        for service in HostServices.all { out += "\n" + section(service) }
        return out
    }

    private static func section<S: HostServiceContract>(_ service: S.Type) -> String {
        var out = "## \(S.name)\n\nGrant `\(S.grant)`. \(S.summary)\n\n"
        out += "Request:\n\n```json\n\(json(S.exampleRequest))\n```\n\n"
        out += table(S.requestNotes)
        out += "Answer:\n\n```json\n\(json(S.exampleAnswer))\n```\n\n"
        out += table(S.answerNotes)
        return out
    }

    private static func table(_ notes: [(field: String, note: String)]) -> String {
        guard !notes.isEmpty else { return "" }
        return "| Field | |\n|---|---|\n" + notes.map { "| `\($0.field)` | \($0.note.replacingOccurrences(of: "|", with: "\\|")) |\n" }.joined() + "\n"
    }

    private static func firstSentence(_ text: String) -> String {
        guard let end = text.range(of: ". ") ?? text.range(of: ": ") else { return text }
        return String(text[..<end.lowerBound]) + "."
    }

    private static func anchor(_ name: String) -> String { name.replacingOccurrences(of: ".", with: "") }

    /// Sorted keys, two-space indents.
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The JSON paths of a value's object members ("entries", "entries[].time"): what a note must exist for.
    public static func fieldPaths<T: Encodable>(_ value: T) -> [String] {
        guard let data = try? JSONEncoder().encode(value), let json = try? PluginJSON(parsing: String(decoding: data, as: UTF8.self)) else { return [] }
        var paths: [String] = []
        func walk(_ value: PluginJSON, _ prefix: String) {
            switch value {
            case .object(let members):
                for key in members.keys.sorted() {
                    let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                    paths.append(path)
                    walk(members[key]!, path)
                }
            case .array(let items):
                for item in items { walk(item, prefix + "[]") }
            default: break
            }
        }
        walk(json, "")
        return Array(Set(paths)).sorted()
    }

    /// Paths with no note, and notes with no path; a note "x.*" covers everything below x (a free-form object).
    public static func noteProblems<S: HostServiceContract>(_ service: S.Type) -> [String] {
        func problems(_ paths: [String], _ notes: [(field: String, note: String)], _ side: String) -> [String] {
            let noted = Set(notes.map(\.field))
            let freeForm = noted.filter { $0.hasSuffix(".*") }.map { String($0.dropLast(2)) }
            let covered = { (path: String) in noted.contains(path) || freeForm.contains { path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[]") } }
            let missing = paths.filter { !covered($0) }.map { "\(S.name) \(side): no note for \($0)" }
            let stale = noted.filter { !$0.hasSuffix(".*") && !paths.contains($0) }.sorted().map { "\(S.name) \(side): note for \($0), which the example does not have" }
            return missing + stale
        }
        return problems(fieldPaths(S.exampleRequest), S.requestNotes, "request") + problems(fieldPaths(S.exampleAnswer), S.answerNotes, "answer")
    }
}
