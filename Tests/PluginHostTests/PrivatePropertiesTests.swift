import Testing
@testable import PluginHost

@Suite struct WildcardPatternTests {
    @Test(arguments: [
        ("*.prm", "workspace.prm", true),
        ("*.prm", "graph/deep/params.PRM", true),
        ("graph/*", "graph/sub/LoadOrders.grf", true),
        ("graph/*.grf", "jobflow/x.grf", false),
        ("data-?n/*", "data-in/a.csv", true),
        ("*password*", "jdbc.PASSWORD", true),
        ("jdbc.password", "jdbc.password.file", false),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("", "", true),
        ("*", "", true),
    ])
    func matchesWholeTextCaseInsensitively(pattern: String, candidate: String, expected: Bool) {
        #expect(WildcardPattern(pattern).matches(candidate) == expected)
    }

    @Test func readsCommaLists() {
        #expect(WildcardPattern.list(" *.prm , conn/*,, ").map(\.text) == ["*.prm", "conn/*"])
        #expect(WildcardPattern.list(nil).isEmpty)
    }
}

@Suite struct PrivatePropertiesTests {
    @Test(arguments: ["jdbc.password", "email.smtp.password", "clover.mcp.remote.PASSWORD", "security.oauth.client.secret",
                      "clover.mcp.sidecar.auth.token", "aws.credentials", "sso.private.key", "service.apiKey", "x.passwd"])
    func builtInRuleHidesSecretLookingKeys(key: String) {
        #expect(PrivateProperties().isPrivate(key))
        #expect(PrivateProperties().shown(key, "value") == PrivateProperties.mask)
    }

    @Test func ordinaryKeysAreShownAsTheyAre() {
        let rule = PrivateProperties()
        for key in ["jdbc.username", "cluster.node.id", "private.properties", "worker.maxHeapSize"] {
            #expect(!rule.isPrivate(key), "\(key)")
        }
        #expect(rule.shown("cluster.node.id", "node01") == "node01")
    }

    @Test func honoursTheKeysListedInPrivateProperties() {
        let rule = PrivateProperties(listed: "license.key.file, acme.*")
        #expect(rule.isPrivate("license.key.file") && rule.isPrivate("ACME.endpoint"))
        #expect(!rule.isPrivate("license.file"))
    }

    @Test(arguments: [
        ("jdbc:postgresql://clover:S3cret@db:5432/clover", "jdbc:postgresql://clover:*****@db:5432/clover"),
        ("jdbc:postgresql://db/clover?user=clover&password=S3cret&ssl=true", "jdbc:postgresql://db/clover?user=clover&password=*****&ssl=true"),
        ("jdbc:sqlserver://db:1433;user=clover;password=S3cret", "jdbc:sqlserver://db:1433;user=clover;password=*****"),
        ("jdbc:postgresql://db:5432/clover", "jdbc:postgresql://db:5432/clover"),
        ("https://user@host/clover", "https://user@host/clover"),
    ])
    func masksCredentialsInsideURLs(value: String, shown: String) {
        #expect(PrivateProperties().shown("jdbc.url", value) == shown)
    }
}
