/// One log entry: its first line and every continuation line (stack trace, multi-line message) after it.
public struct LogEntry: Sendable, Hashable {
    /// When the entry was written, on the catalogue's wall-clock scale; nil for a line in an unexpected
    /// format at the start of a file.
    public let timestamp: LogTimestamp?
    /// The level, where the format has one (not access, performance, job-queue or server-integration logs).
    public let level: LogEntryLevel?
    /// The thread name, trimmed of its padding, where the format has one.
    public let thread: String?
    /// The logger (`ExecutionManager`, `org.apache.catalina.startup.Catalina.start`), where the format has one.
    public let logger: String?
    /// The text after the parsed prefix, continuation lines included; for access, performance and
    /// job-queue logs, which have no prefix, the whole entry.
    public let message: String
    /// The entry exactly as written (lines joined with `\n`), cut to the per-entry cap when ``isTruncated``.
    public let rawText: String
    /// The name of the file the entry is in.
    public let file: String
    /// The 1-based line number of the entry's first line; nil when the entry was reached by reading a
    /// file from its end (``LogCatalogue/tail(_:entries:maxBytes:maxEntryBytes:isCancelled:)``), where counting lines would mean reading it all.
    public let line: Int?
    /// The entry's full length in the file, in bytes.
    public let byteLength: Int
    /// Whether ``rawText`` and ``message`` were cut; they then end with a marker saying how much is missing.
    public let isTruncated: Bool
}
