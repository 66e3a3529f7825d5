extension JSONValue {
    /// A `tools/call` result that reports a failure to the model (`isError: true`) with `message`,
    /// rather than a protocol error: the model reads it and can correct its call.
    public static func toolError(_ message: String) -> JSONValue {
        ["content": [["type": "text", "text": .string(message)]], "isError": true]
    }
}
