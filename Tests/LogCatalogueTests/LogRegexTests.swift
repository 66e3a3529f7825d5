import Testing
@testable import LogCatalogue

@Suite struct LogRegexTests {
    func matches(_ pattern: String, _ text: [UInt8], multiline: Bool = true) throws -> Bool {
        let regex = try LogRegex(pattern, multiline: multiline)
        return try text.withUnsafeBytes { try regex.matches($0, scratch: LogRegex.Scratch()) }
    }

    @Test func aPatternThatDoesNotCompileSaysWhereItBreaks() {
        let error = #expect(throws: LogRegex.Failure.self) { try LogRegex("runId=(123", multiline: true) }
        guard case let .invalidPattern(message, offset)? = error else { Issue.record("not a compile error: \(String(describing: error))"); return }
        #expect(message.contains("missing closing parenthesis"))
        #expect(offset == 10)
    }

    @Test func catastrophicBacktrackingRunsIntoTheMatchLimit() throws {
        let poison = Array((String(repeating: "a", count: 64) + "!").utf8)
        #expect(throws: LogRegex.Failure.tooComplex) { try matches("(a+)+$", poison) }
        // The same pattern decides small texts at once.
        #expect(try matches("(a+)+$", Array("aaa".utf8)))
        #expect(try !matches("(a+)+$", Array("aa!".utf8)))
    }

    @Test func matchesUTF8TextWithUnicodeClasses() throws {
        let text = Array("Uživatel Žluťoučký přihlášen".utf8)
        #expect(try matches(#"\bŽluťoučký\b"#, text))
        #expect(try matches(#"^\w+ \w+ký"#, text))
        #expect(try !matches(#"^[a-z]+ [a-z]+ký"#, text))
    }

    @Test func bytesThatAreNotUTF8NeverMatchButDoNotHideTheRest() throws {
        let text: [UInt8] = Array("before ".utf8) + [0xFF, 0xC3] + Array(" after OutOfMemoryError".utf8)
        #expect(try matches("after Out\\w+Error", text))
        #expect(try matches("^before ", text))
        #expect(try !matches("before .+ after", text))
    }

    @Test func anchorsMatchAtLineBreaksOnlyWhenMultiline() throws {
        let text = Array("2025-03-05 ERROR failed\r\nCaused by: java.net.ConnectException".utf8)
        #expect(try matches("^Caused by:", text))
        #expect(try matches("failed$", text))
        #expect(try !matches("^Caused by:", text, multiline: false))
        #expect(try matches("^/clover/api/", Array("/clover/api/rest".utf8), multiline: false))
    }
}
