import Foundation

/// How run values read in the tools' text: short messages, durations, times without zone noise.
enum RunText {
    /// The first line of an error message, at most 160 characters.
    static func shortMessage(_ message: String) -> String {
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }

    /// `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
    static func duration(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "" }
        if milliseconds < 1_000 { return "\(milliseconds) ms" }
        if milliseconds < 60_000 { return String(format: "%.1f s", Double(milliseconds) / 1_000) }
        let seconds = milliseconds / 1_000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if seconds < 3_600 { return "\(seconds / 60) min \(two(seconds % 60)) s" }
        return "\(seconds / 3_600) h \(two(seconds / 60 % 60)) min"
    }

    /// `2025-03-05 02:10:00` from the database's `2025-03-05T02:10:00.020+01:00`.
    static func time(_ iso: String?) -> String {
        guard let iso else { return "" }
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    /// `1.5 MB`, `820 KB`, `12 B`.
    static func bytes(_ count: Int64?) -> String {
        guard let count else { return "" }
        if count < 1_024 { return "\(count) B" }
        if count < 1_048_576 { return "\(count / 1_024) KB" }
        return String(format: "%.1f MB", Double(count) / 1_048_576)
    }
}
