import Foundation
import Testing
@testable import HostConfiguration

@Suite struct JavaPropertiesTests {
    @Test func readsTheFormatsOfCloverProperties() {
        let text = """
            # comment
            ! also a comment
            jdbc.url=jdbc:postgresql://db:5432/clover
            clover.mcp.enabled : true
            spaced   value with spaces
            continued = one, \\
                        two, \\
              three
            escaped\\ key=tab\\there\\u00e9
            empty=
            url=http\\://host/path
            """
        let values = JavaProperties.parse(text)
        #expect(values["jdbc.url"] == "jdbc:postgresql://db:5432/clover")
        #expect(values["clover.mcp.enabled"] == "true")
        #expect(values["spaced"] == "value with spaces")
        #expect(values["continued"] == "one, two, three")
        #expect(values["escaped key"] == "tab\there\u{e9}")
        #expect(values["empty"] == "")
        #expect(values["url"] == "http://host/path")
        #expect(values.count == 7)
    }

    @Test func laterDuplicatesWin() {
        #expect(JavaProperties.parse("a=1\na=2")["a"] == "2")
    }
}

@Suite struct HostConfigurationLayeringTests {
    func propertiesFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clover-\(UUID().uuidString).properties")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func environmentOverridesFileAndFlagsOverrideEnvironment() throws {
        let file = try propertiesFile("clover.mcp.sidecar.page.size=10\nclover.mcp.enabled=true\njdbc.password=${env:DB_PASS}\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try HostConfiguration.load(
            propertiesFile: file,
            environment: ["CLOVER_MCP_SIDECAR_PAGE_SIZE": "20", "clover.jdbc.user": "clover", "DB_PASS": "s3cret", "HOME": "/root"],
            overrides: ["clover.mcp.enabled": "false"])
        #expect(configuration["clover.mcp.sidecar.page.size"] == "20")
        #expect(configuration.sources["clover.mcp.sidecar.page.size"] == "environment CLOVER_MCP_SIDECAR_PAGE_SIZE")
        #expect(configuration["jdbc.user"] == "clover")
        #expect(configuration["jdbc.password"] == "s3cret")
        #expect(try configuration.bool("clover.mcp.enabled", default: true) == false)
        #expect(configuration["home"] == nil)
    }

    @Test func readsALatin1PropertiesFileAsJavaWritesThem() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID().uuidString).properties")
        try Data([UInt8]("cluster.node.name=N".utf8) + [0xE9] + [UInt8]("mec\n".utf8)).write(to: url)  // é in ISO-8859-1
        defer { try? FileManager.default.removeItem(at: url) }
        let configuration = try HostConfiguration.load(propertiesFile: url, environment: [:])
        #expect(configuration["cluster.node.name"] == "N\u{E9}mec")
    }

    @Test func namedButMissingFileIsAnError() {
        #expect(throws: HostConfiguration.Invalid.self) {
            try HostConfiguration.load(propertiesFile: URL(fileURLWithPath: "/nonexistent/clover.properties"), environment: [:])
        }
    }

    @Test func typedReadsNameTheBadKey() throws {
        let configuration = HostConfiguration(values: ["a": "yes", "n": "12x", "m": "5", "l": " x, ,y "])
        #expect(throws: HostConfiguration.Invalid.self) { try configuration.bool("a", default: false) }
        #expect(throws: HostConfiguration.Invalid.self) { try configuration.int("n", default: 1) }
        #expect(throws: HostConfiguration.Invalid.self) { try configuration.int("m", default: 1, range: 10...20) }
        #expect(try configuration.int("missing", default: 7) == 7)
        #expect(configuration.list("l") == ["x", "y"])
        do {
            _ = try configuration.bool("a", default: false)
        } catch {
            #expect("\(error)".contains("a=yes"))
        }
    }
}
