import Testing
@testable import JSON

@Suite struct JSONValueTests {
    @Test func parsesAndSerializesRoundTrip() throws {
        let text = #"{"b":1,"a":[true,false,null,-2.5e3,"x\"\\\n\u00e9\ud83d\ude00"],"c":{}}"#
        let value = try JSONValue.parse(text)
        #expect(value["b"] == .int(1))
        #expect(value["a"]?.arrayValue?[3] == .double(-2500))
        #expect(value["a"]?.arrayValue?[4] == .string("x\"\\\né😀"))
        // Key order is kept, so what a plugin wrote is passed on unchanged.
        #expect(value.objectValue?.keys.elements == ["b", "a", "c"])
        #expect(try JSONValue.parse(value.jsonText) == value)
    }

    @Test func keepsIntegersExact() throws {
        let value = try JSONValue.parse("9007199254740993")
        #expect(value == .int(9_007_199_254_740_993))
        #expect(value.jsonText == "9007199254740993")
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"\u{01}\"", "01", "1.", "\"\\ud800\"", "{} x", "[\"\\q\"]", "1e400", "[-1E999]"])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func serializedTextHasNoNewlines() {
        let value: JSONValue = ["text": "line one\nline two\r\t\u{07}"]
        #expect(!value.jsonText.contains("\n"))
        #expect(value.jsonText == #"{"text":"line one\nline two\r\t\u0007"}"#)
    }
}
