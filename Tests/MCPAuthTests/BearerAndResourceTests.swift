import Foundation
@testable import MCPAuth
import MCPProtocol
import Testing

@Suite struct BearerAndResourceTests {
    @Test func parsesBearerHeaders() throws {
        #expect(try BearerAuthenticator.bearerToken("Bearer abc.def-_~+/=").get() == "abc.def-_~+/=")
        #expect(try BearerAuthenticator.bearerToken("bearer   abc").get() == "abc")
        #expect(throws: TokenRejection.self) { try BearerAuthenticator.bearerToken("Bearer").get() }
        #expect(throws: TokenRejection.self) { try BearerAuthenticator.bearerToken("Bearer a b").get() }
        #expect(throws: TokenRejection.self) { try BearerAuthenticator.bearerToken("Bearer a=b").get() }
        if case .failure(let basic) = BearerAuthenticator.bearerToken("Basic dXNlcjpwdw==") {
            #expect(!basic.isInvalidRequest, "another scheme is answered like a missing token")
        } else {
            Issue.record("Basic accepted as a bearer token")
        }
    }

    @Test func heldScopesCoverNarrowerOnes() {
        let caller = Principal(subject: "a", scopes: ["cloverdx", "x.read"])
        #expect(caller.missing(["cloverdx.logs", "cloverdx:db", "x.read", "x.write", "cloverdxfoo"]) == ["x.write", "cloverdxfoo"])
        #expect(Principal.anonymous(user: "clover").allows(["anything"]))
        #expect(!Principal.anonymous(user: "clover", scopes: []).allows(["anything"]))
    }

    @Test func eachPathHasItsOwnResourceAndMetadataURL() {
        let identity = ResourceIdentity(resource: "https://h.example/cdx/mcp", paths: ["/mcp", "/clover/mcp/mcp"])
        #expect(identity.resource(forPath: "/mcp") == "https://h.example/cdx/mcp")
        #expect(identity.resource(forPath: "/clover/mcp/mcp") == "https://h.example/cdx/clover/mcp/mcp")
        #expect(identity.metadataURL(forResource: "https://h.example/cdx/mcp") == "https://h.example/.well-known/oauth-protected-resource/cdx/mcp")
        #expect(identity.resource(forMetadataPath: "/.well-known/oauth-protected-resource") == "https://h.example/cdx/mcp")
        #expect(identity.resource(forMetadataPath: "/.well-known/oauth-protected-resource/cdx/clover/mcp/mcp") == "https://h.example/cdx/clover/mcp/mcp")
        #expect(identity.resource(forMetadataPath: "/.well-known/oauth-protected-resource/other") == nil)
        #expect(identity.audiences.contains("https://h.example"))
    }

    @Test func challengeValuesAreQuotedStrings() {
        #expect(BearerChallenge.quoted(#"say "hi" \ é"#) == #"say \"hi\" \\ ?"#)
    }

    @Test func canonicalResourceURLs() {
        #expect(OAuthSettings.canonical(URL(string: "HTTPS://MCP.Example/mcp/#x")!) == "https://mcp.example/mcp")
    }
}


