/// Removes what a client's revision does not know from the objects we send (docs/PROTOCOL.md, "Result shaping per revision"):
/// older clients may reject fields and content types they have never seen.
enum RevisionShaping {
    /// A Tool object as `revision` defines it.
    static func tool(_ tool: JSONValue, for revision: ProtocolRevision) -> JSONValue {
        guard case .object(var members) = tool else { return tool }
        if revision < .v2025_03_26 { members.removeValue(forKey: "annotations") }
        if revision < .v2025_06_18 {
            members.removeValue(forKey: "title")
            members.removeValue(forKey: "outputSchema")
            members.removeValue(forKey: "_meta")
        }
        if revision < .v2025_11_25 {
            members.removeValue(forKey: "icons")
            members.removeValue(forKey: "execution")
        }
        return .object(members)
    }

    /// Resource, template and prompt objects: `title` and `icons` came later.
    static func listed(_ item: JSONValue, for revision: ProtocolRevision) -> JSONValue {
        guard case .object(var members) = item else { return item }
        if revision < .v2025_06_18 {
            members.removeValue(forKey: "title")
            members.removeValue(forKey: "_meta")
        }
        if revision < .v2025_11_25 { members.removeValue(forKey: "icons") }
        return .object(members)
    }

    /// A CallToolResult as `revision` defines it. `structuredContent` and `resource_link` arrived
    /// in 2025-06-18 and `audio` in 2025-03-26; for older clients the information stays as text.
    static func toolResult(_ result: JSONValue, for revision: ProtocolRevision) -> JSONValue {
        guard case .object(var members) = result else { return result }
        var content = members["content"]?.arrayValue ?? []
        if revision < .v2025_06_18 {
            if let structured = members.removeValue(forKey: "structuredContent"),
               !content.contains(where: { $0["type"] == "text" }) {
                content.append(["type": "text", "text": .string(structured.jsonText)])
            }
            content = content.map { item in
                guard item["type"] == "resource_link" else { return item }
                let uri = item["uri"]?.stringValue ?? ""
                let name = item["name"]?.stringValue ?? uri
                return ["type": "text", "text": .string("\(name): \(uri)")]
            }
        }
        if revision < .v2025_03_26 {
            content = content.filter { $0["type"] != "audio" }
        }
        members["content"] = .array(content)
        return .object(members)
    }
}
