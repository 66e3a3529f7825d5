/// HTTP header fields in the order they were sent or received.
///
/// A name may occur more than once (`Set-Cookie`, `WWW-Authenticate`); lookups ignore the case of
/// names, as HTTP does.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One header line.
    public struct Field: Sendable, Equatable {
        /// The name as written; compared without regard to case.
        public var name: String
        /// The value without surrounding whitespace.
        public var value: String

        /// A field `name: value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Every field in order.
    public private(set) var fields: [Field]

    /// Headers holding `fields` in this order.
    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// `["Accept": "application/json"]`; a literal may repeat a name.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, or nil. Setting replaces every field of that name.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
        set {
            removeAll(name)
            if let newValue { add(name, newValue) }
        }
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// Whether a field named `name` exists.
    public func contains(_ name: String) -> Bool {
        let key = name.lowercased()
        return fields.contains { $0.name.lowercased() == key }
    }

    /// Appends a field, keeping any earlier ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name`.
    public mutating func removeAll(_ name: String) {
        let key = name.lowercased()
        fields.removeAll { $0.name.lowercased() == key }
    }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }
    /// The number of fields, repeated names counted each time.
    public var count: Int { fields.count }
}

extension HTTPHeaders: Sequence {
    /// The fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}
