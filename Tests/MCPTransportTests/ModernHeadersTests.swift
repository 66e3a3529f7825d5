import Testing
@testable import MCPTransport

@Suite struct ModernHeadersTests {
    @Test func headerValuesLoseSurroundingBlanksOnly() {
        #expect(ModernHeaders.decode("tools/call") == "tools/call")
        #expect(ModernHeaders.decode(" \ttools/call\u{00A0} ") == "tools/call")
        #expect(ModernHeaders.decode("a b") == "a b")
        #expect(ModernHeaders.decode("   ") == "")
        #expect(ModernHeaders.decode("") == "")
    }

    @Test func base64HeaderValuesAreDecoded() {
        #expect(ModernHeaders.decode(" =?base64?xJvFocSNxZk=?= ") == "ěščř")
    }
}
