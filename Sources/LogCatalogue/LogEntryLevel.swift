/// The severity of an entry, on log4j's scale. Tomcat's JULI levels are mapped onto it (`SEVERE` is
/// ``error``, `WARNING` ``warn``, `CONFIG` and `FINE` ``debug``, `FINER` and `FINEST` ``trace``), so one
/// level filter works across CloverDX and Tomcat logs; the entry's raw text keeps the original word.
public enum LogEntryLevel: String, Sendable, Hashable, CaseIterable, Codable {
    case trace = "TRACE"
    case debug = "DEBUG"
    case info = "INFO"
    case warn = "WARN"
    case error = "ERROR"
    case fatal = "FATAL"

    /// A level name as log4j or JULI writes it, in any case: `ERROR`, `warn`, `WARNING`, `SEVERE`, ….
    public init?(_ name: String) {
        switch name.uppercased() {
        case "TRACE", "FINER", "FINEST": self = .trace
        case "DEBUG", "FINE", "CONFIG": self = .debug
        case "INFO": self = .info
        case "WARN", "WARNING": self = .warn
        case "ERROR", "SEVERE": self = .error
        case "FATAL": self = .fatal
        default: return nil
        }
    }

    /// The level word in `bytes`, which must be upper case as the log layouts write it.
    init?(token bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 4, bytes.count <= 7 else { return nil }
        // Short strings are stored inline, so this allocates nothing.
        switch String(decoding: bytes, as: UTF8.self) {
        case "TRACE", "FINER", "FINEST": self = .trace
        case "DEBUG", "FINE", "CONFIG": self = .debug
        case "INFO": self = .info
        case "WARN", "WARNING": self = .warn
        case "ERROR", "SEVERE": self = .error
        case "FATAL": self = .fatal
        default: return nil
        }
    }
}
