import Testing
@testable import MCPProtocol

@Suite struct ToolArgumentCheckTests {
    let schema = try! JSONValue.parse("""
        {"type":"object","additionalProperties":false,"required":["runId"],
         "properties":{"runId":{"type":"integer","minimum":1},"mode":{"type":"string","enum":["page","errors"]},
                       "levels":{"type":"array","items":{"type":"string","enum":["ERROR","WARN"]},"maxItems":2},
                       "window":{"type":"object","properties":{"minutes":{"type":"number","exclusiveMinimum":0}}},
                       "label":{"type":["string","null"],"maxLength":5}}}
        """)

    func problem(_ arguments: String) throws -> String? {
        ToolArgumentCheck.problem(try JSONValue.parse(arguments), schema: schema)
    }

    @Test func fittingArgumentsPass() throws {
        #expect(try problem(#"{"runId":18350}"#) == nil)
        #expect(try problem(#"{"runId":18350.0,"mode":"errors","levels":["ERROR"],"window":{"minutes":1.5},"label":null}"#) == nil)
    }

    @Test(arguments: [
        (#"{}"#, #""runId" is required"#),
        (#"{"runId":18350,"sandboxx":"dwh"}"#, #"unknown argument "sandboxx"; it takes "runId", "mode", "levels", "window", "label""#),
        (#"{"runId":"18350"}"#, #""runId" must be an integer, not the string "18350""#),
        (#"{"runId":1.5}"#, #""runId" must be an integer, not a number with a fraction"#),
        (#"{"runId":-3}"#, #""runId" must be at least 1"#),
        (#"{"runId":1,"mode":"all"}"#, #""mode" must be one of "page", "errors", not "all""#),
        (#"{"runId":1,"levels":["ERROR","INFO"]}"#, #""levels[1]" must be one of "ERROR", "WARN", not "INFO""#),
        (#"{"runId":1,"levels":["ERROR","WARN","ERROR"]}"#, #""levels" must have at most 2 items"#),
        (#"{"runId":1,"window":{"minutes":0}}"#, #""window.minutes" must be more than 0"#),
        (#"{"runId":1,"label":"too long"}"#, #""label" must have at most 5 characters"#),
        (#"[1]"#, #"the arguments must be an object, not an array"#),
    ])
    func misfitsAreNamed(arguments: String, expected: String) throws {
        #expect(try problem(arguments) == expected)
    }

    @Test func schemasWithoutConstraintsAcceptAnything() throws {
        let open = try JSONValue.parse(#"{"type":"object"}"#)
        #expect(ToolArgumentCheck.problem(try JSONValue.parse(#"{"anything":[1,{"x":null}]}"#), schema: open) == nil)
    }
}
