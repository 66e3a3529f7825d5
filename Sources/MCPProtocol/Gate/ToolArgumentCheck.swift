
/// Checks a tool call's arguments against the tool's `inputSchema` before the plugin runs, as MCP asks
/// of servers: a misspelt argument, a string where a number belongs, a missing required one or a value
/// out of range comes back to the model as a tool error naming the argument and what it accepts,
/// whatever language the plugin is written in. The plugin still validates meaning (a time that does
/// not parse, a run that does not exist).
///
/// The JSON Schema keywords tool schemas use are checked: `type`, `properties`, `required`,
/// `additionalProperties: false`, `enum`, `const`, `minimum`/`maximum` (and exclusive forms),
/// `minLength`/`maxLength`, `items`, `minItems`/`maxItems`. Others (`pattern`, `format`, `oneOf`, …)
/// are left to the plugin.
enum ToolArgumentCheck {
    /// Why `arguments` do not fit `schema`, or nil when they do.
    static func problem(_ arguments: JSONValue, schema: JSONValue) -> String? {
        check(arguments, schema, path: "")
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, path: String) -> String? {
        guard case .object = schema else { return nil }
        let name = path.isEmpty ? "the arguments" : "\"\(path)\""
        if let types = allowedTypes(schema), !types.contains(where: { fits(value, type: $0) }) {
            return "\(name) must be \(types.map(article).joined(separator: " or ")), not \(describe(value))"
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(where: { equal($0, value) }) {
            return "\(name) must be one of \(options.map(\.jsonText).joined(separator: ", ")), not \(value.jsonText)"
        }
        if let constant = schema["const"], !equal(constant, value) {
            return "\(name) must be \(constant.jsonText)"
        }
        switch value {
        case .int, .double:
            return range(value.doubleValue ?? 0, schema, name: name)
        case .string(let text):
            if let least = schema["minLength"]?.intValue, text.count < least { return "\(name) must have at least \(least) characters" }
            if let most = schema["maxLength"]?.intValue, text.count > most { return "\(name) must have at most \(most) characters" }
        case .array(let items):
            if let least = schema["minItems"]?.intValue, items.count < least { return "\(name) must have at least \(least) items" }
            if let most = schema["maxItems"]?.intValue, items.count > most { return "\(name) must have at most \(most) items" }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    if let problem = check(item, itemSchema, path: "\(path.isEmpty ? "arguments" : path)[\(index)]") { return problem }
                }
            }
        case .object(let members):
            let properties = schema["properties"]?.objectValue ?? [:]
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[required] == nil {
                return "\(qualified(path, required)) is required"
            }
            for (key, member) in members {
                if let propertySchema = properties[key] {
                    if let problem = check(member, propertySchema, path: qualified(path, key, quoted: false)) { return problem }
                } else if schema["additionalProperties"]?.boolValue == false {
                    let accepted = properties.keys.map { "\"\($0)\"" }.joined(separator: ", ")
                    return "unknown argument \(qualified(path, key)); " + (accepted.isEmpty ? "it takes none" : "it takes \(accepted)")
                }
            }
        default:
            break
        }
        return nil
    }

    private static func range(_ number: Double, _ schema: JSONValue, name: String) -> String? {
        func text(_ bound: JSONValue) -> String { bound.jsonText }
        if let bound = schema["minimum"], let least = bound.doubleValue, number < least { return "\(name) must be at least \(text(bound))" }
        if let bound = schema["maximum"], let most = bound.doubleValue, number > most { return "\(name) must be at most \(text(bound))" }
        if let bound = schema["exclusiveMinimum"], let least = bound.doubleValue, number <= least { return "\(name) must be more than \(text(bound))" }
        if let bound = schema["exclusiveMaximum"], let most = bound.doubleValue, number >= most { return "\(name) must be less than \(text(bound))" }
        return nil
    }

    private static func allowedTypes(_ schema: JSONValue) -> [String]? {
        if let single = schema["type"]?.stringValue { return [single] }
        return schema["type"]?.arrayValue?.compactMap(\.stringValue)
    }

    private static func fits(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null),
             ("number", .int), ("number", .double), ("integer", .int):
            return true
        case ("integer", .double(let number)):
            return number.rounded() == number
        default:
            return false
        }
    }

    /// JSON equality where 1 and 1.0 are the same number.
    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }

    private static func qualified(_ path: String, _ key: String, quoted: Bool = true) -> String {
        let full = path.isEmpty ? key : "\(path).\(key)"
        return quoted ? "\"\(full)\"" : full
    }

    private static func article(_ type: String) -> String {
        switch type {
        case "integer": return "an integer"
        case "object": return "an object"
        case "array": return "an array"
        case "null": return "null"
        default: return "a \(type)"
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number with a fraction"
        case .string(let text): return "the string \"\(text.prefix(40))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
