/// A remote MCP server could not be used, in words the user can act on.
public struct RemoteMCPError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
