import Testing
@testable import MCPProtocol

/// Read-only mode and the individual tool switches (docs/CLOVERDX.md, "Tool governance").
@Suite struct ToolGovernanceTests {
    func tool(_ name: String, readOnly: Bool?) -> JSONValue {
        var tool: JSONValue = ["name": .string(name)]
        if let readOnly { tool["annotations"] = ["readOnlyHint": .bool(readOnly)] }
        return tool
    }

    @Test func openAllowsEverything() {
        #expect(ToolGovernance.open.allows(tool("report_support_issue", readOnly: false)))
        #expect(ToolGovernance.open.allows(tool("no_annotations", readOnly: nil)))
    }

    @Test func readOnlyKeepsOnlyToolsMarkedReadOnly() throws {
        let governance = ToolGovernance(readOnly: true, enabled: [], disabled: [])
        #expect(governance.allows(tool("job_list", readOnly: true)))
        #expect(!governance.allows(tool("report_support_issue", readOnly: false)))
        // Without annotations a tool might write, so read-only mode hides it too.
        #expect(!governance.allows(tool("no_annotations", readOnly: nil)))
        let refusal = try #require(governance.refusal(tool("report_support_issue", readOnly: false)))
        #expect(refusal.contains("clover.mcp.read.only=true"))
        #expect(refusal.contains("clover.mcp.tools.individual.enabled=report_support_issue"))
    }

    @Test func individualSettingsWinOverReadOnly() {
        let governance = ToolGovernance(readOnly: true, enabled: ["report_support_issue"], disabled: ["job_list"])
        #expect(governance.allows(tool("report_support_issue", readOnly: false)))
        #expect(!governance.allows(tool("job_list", readOnly: true)))
        #expect(governance.refusal(tool("job_list", readOnly: true))?.contains("clover.mcp.tools.individual.disabled") == true)
    }

    @Test func disabledWinsOverEnabledForTheSameName() {
        let governance = ToolGovernance(readOnly: false, enabled: ["x"], disabled: ["x"])
        #expect(!governance.allows(tool("x", readOnly: true)))
    }
}
