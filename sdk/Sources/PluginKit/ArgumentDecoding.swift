import Foundation

/// Turns a tool's JSON arguments into its Decodable type, and decoding errors into sentences a model can act on.
enum ArgumentDecoding {
    /// Decodes the host's JSON text straight into `T`: one pass, where going through `PluginJSON` costs
    /// three. Only text that does not decode directly takes the lenient path, which also accepts what
    /// the host's schema check lets through (5.0 for an integer) and gives the error to explain.
    static func decode<T: Decodable>(_ type: T.Type, fromText text: String) throws -> T {
        if let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) { return value }
        return try decode(T.self, from: PluginJSON(parsing: text))
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: PluginJSON) throws -> T {
        let data = try JSONEncoder().encode(json)
        return try JSONDecoder().decode(T.self, from: data)
    }

    static func explain(_ error: any Error, tool: String) -> String {
        func path(_ context: DecodingError.Context) -> String {
            // runIds[0].name, not runIds.[0].name
            let path = context.codingPath.reduce(into: "") { path, key in
                if let index = key.intValue { path += "[\(index)]" } else { path += (path.isEmpty ? "" : ".") + key.stringValue }
            }
            return path.isEmpty ? "the arguments" : "\"\(path)\""
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?:
            return "\(tool): missing required argument \"\(key.stringValue)\""
        case .typeMismatch(let type, let context)?:
            return "\(tool): \(path(context)) must be \(describe(type))"
        case .valueNotFound(let type, let context)?:
            return "\(tool): \(path(context)) must be \(describe(type)), not null"
        case .dataCorrupted(let context)?:
            return "\(tool): \(path(context)) is invalid: \(context.debugDescription)"
        default:
            return "\(tool): invalid arguments: \(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "a value of type \(type)"
        }
    }
}
