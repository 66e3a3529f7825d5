import CloverPluginSupport
import PluginKit

/// JSON Schema fragments the job-tracking tools share.
enum JobSchemas {
    static let nullableString = #"{"type":["string","null"]}"#
    static let nullableInteger = #"{"type":["integer","null"]}"#

    /// A `RunSummary`.
    static let runSummary = """
        {"type":"object","properties":{"runId":{"type":"integer"},"sandbox":{"type":"string"},"jobFile":{"type":"string"},
        "jobType":{"type":"string"},"executionType":{"type":"string"},"status":{"type":"string"},"user":{"type":"string"},
        "node":{"type":"string"},"submitTime":{"type":"string"},"startTime":{"type":"string"},"stopTime":{"type":"string"},
        "durationMs":{"type":"integer"},"errorComponent":{"type":"string"},"errorMessage":{"type":"string"}},
        "required":["runId","sandbox","jobFile","status","submitTime"]}
        """

    static let runIdInput = """
        {"type":"object","properties":{"runId":{"type":"integer","minimum":1,"description":"The run ID (execution ID), e.g. 18342; job_list lists them"}},
        "required":["runId"],"additionalProperties":false}
        """

    static func timeArgument(_ what: String) -> String {
        PluginJSON.object(["type": .string("string"), "description": .string("\(what). Accepted: \(ServerTime.acceptedFormats)")]).text
    }

    /// Which `RunSource` answered.
    static let source = """
        {"type":"string","enum":["database","rest"],"description":"Where the runs came from: the system database or CloverDX's REST API (clover.mcp.sidecar.jobs.source)"}
        """

    static let statusList = RunStatusNames.all.joined(separator: ", ")
}
