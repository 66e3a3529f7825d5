import CloverPluginSupport
import PluginKit

/// The arguments of `report_support_issue`, checked, and the idempotency key that identifies the report.
struct ReportRequest: Sendable {
    static let severities = ["low", "medium", "high", "critical"]
    /// Long logs belong in the evidence (runIds, from/to), not in the description.
    static let maximumDescriptionBytes = 64 * 1024
    static let maximumRuns = 10

    struct Arguments: Decodable, Sendable {
        let summary: String?
        let description: String?
        let severity: String?
        let runIds: [Int64]?
        let from: String?
        let to: String?
        let attachSupportPackage: Bool?
        let dryRun: Bool?
        let confirm: Bool?
    }

    let summary: String
    let description: String
    let severity: String
    let runIds: [Int64]
    let window: TimeWindow
    /// "from" and "to" as given, before relative times were resolved.
    let givenWindow: [String]
    let attachSupportPackage: Bool
    /// Sending needs `confirm: true`; `dryRun: true` always only previews.
    let wantsToSend: Bool
    let dryRunRefused: Bool

    init(_ arguments: Arguments, clock: ServerTime) throws {
        let summary = arguments.summary?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !summary.isEmpty else {
            throw ToolError.invalidArguments("report_support_issue: \"summary\" is required: one line saying what is wrong, e.g. \"Nightly load fails with OutOfMemoryError since 7.4.1\"")
        }
        guard summary.count <= 300 else {
            throw ToolError.invalidArguments("report_support_issue: \"summary\" has \(summary.count) characters; keep it to one line of at most 300 and put details in \"description\"")
        }
        let description = arguments.description ?? ""
        guard description.utf8.count <= Self.maximumDescriptionBytes else {
            throw ToolError.invalidArguments("report_support_issue: \"description\" is \(description.utf8.count) bytes; at most \(Self.maximumDescriptionBytes) are accepted. Describe the problem in your words and let the tool gather logs: name the runs in \"runIds\" and the time in \"from\"/\"to\"")
        }
        let severity = arguments.severity ?? "medium"
        guard Self.severities.contains(severity) else {
            throw ToolError.invalidArguments("report_support_issue: unknown \"severity\" \"\(severity)\"; use one of \(Self.severities.joined(separator: ", "))")
        }
        let runIds = arguments.runIds ?? []
        guard runIds.count <= Self.maximumRuns else {
            throw ToolError.invalidArguments("report_support_issue: \(runIds.count) runIds; at most \(Self.maximumRuns) per report")
        }
        self.summary = summary
        self.description = description
        self.severity = severity
        self.runIds = Array(Set(runIds)).sorted()
        window = try TimeWindow.parse(from: arguments.from, to: arguments.to, clock: clock)
        givenWindow = [arguments.from ?? "", arguments.to ?? ""]
        attachSupportPackage = arguments.attachSupportPackage ?? false
        wantsToSend = arguments.confirm == true && arguments.dryRun != true
        dryRunRefused = arguments.dryRun == false && arguments.confirm != true
    }

    /// Stable for the same report: a repeated confirmation, from this or another client, reaches the
    /// portal once. FNV-1a is enough here: the key tells reports apart, it protects nothing.
    var idempotencyKey: String {
        Self.hash([summary, description, severity, runIds.map(String.init).joined(separator: ","),
                   window.from?.text ?? "", window.to?.text ?? "", attachSupportPackage ? "package" : ""])
    }

    /// The report's arguments with the window as given: what a confirmation repeats of its preview.
    var asGiven: String {
        Self.hash([summary, description, severity, runIds.map(String.init).joined(separator: ",")] + givenWindow
            + [attachSupportPackage ? "package" : ""])
    }

    private static func hash(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{0}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "cdxmcp-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
