import PluginKit

/// How many items a tool returns: the agent's `limit`, within the tool's bounds. A limit above the
/// maximum is lowered (and the result says so) rather than refused, so an eager agent still gets an
/// answer; zero or negative is a mistake.
public struct ResultLimit: Sendable, Equatable {
    public let value: Int
    /// Set when the requested limit was lowered to the maximum; tools pass it on as a note.
    public let note: String?

    /// - Parameter more: how to get what the lowered limit leaves out, ending the note; nil when there is no way.
    /// - Throws: `ToolError.invalidArguments` for a limit below 1.
    public init(_ requested: Int?, default defaultValue: Int, maximum: Int, argument: String = "limit",
                more: String? = "page on with the cursor for more") throws {
        guard let requested else {
            value = defaultValue
            note = nil
            return
        }
        guard requested >= 1 else { throw ToolError.invalidArguments("\"\(argument)\" must be at least 1 (got \(requested))") }
        if requested > maximum {
            value = maximum
            note = "\"\(argument)\" \(requested) was lowered to the maximum of \(maximum)" + (more.map { "; \($0)" } ?? "")
        } else {
            value = requested
            note = nil
        }
    }
}
