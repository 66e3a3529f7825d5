import CloverPluginSupport

/// The JSON Schemas of the support tools.
enum SupportSchemas {
    static let reportInput = """
        {"type":"object","properties":{
          "summary":{"type":"string","minLength":1,"maxLength":300,"description":"One line: what is wrong."},
          "description":{"type":"string","maxLength":65536,"description":"What happened, since when, what was tried; at most 64 KiB (logs are gathered by the tool)."},
          "severity":{"type":"string","enum":["low","medium","high","critical"],"description":"Default medium."},
          "runIds":{"type":"array","items":{"type":"integer","minimum":1},"maxItems":10,"description":"Runs the problem concerns: their records, errors and log errors are attached."},
          "from":{"type":"string","description":"Start of the incident window. \(ServerTime.acceptedFormats)"},
          "to":{"type":"string","description":"End of the incident window, same formats."},
          "attachSupportPackage":{"type":"boolean","description":"true: build a support package (configuration with secrets masked, newest server and Tomcat logs, at most 50 MB) on the sidecar and reference it in the report."},
          "dryRun":{"type":"boolean","description":"true (default): only show what would be sent."},
          "confirm":{"type":"boolean","description":"true sends the report, after the user agreed to the preview."}
        },"required":["summary"],"additionalProperties":false}
        """

    static let reportOutput = """
        {"type":"object","properties":{
          "mode":{"type":"string","enum":["preview","submitted"]},
          "idempotencyKey":{"type":"string"},
          "configured":{"type":"boolean"},
          "destination":{"type":["string","null"]},
          "rateLimitMs":{"type":"integer"},
          "report":{"type":"object","description":"Exactly what is sent to the portal."},
          "outbox":{"type":"object","description":"The queued report: id, state, expectedSendAt."},
          "duplicate":{"type":"boolean"},
          "next":{"type":"string"}
        },"required":["mode","idempotencyKey","report","next"]}
        """

    static let statusInput = """
        {"type":"object","properties":{
          "id":{"type":"string","description":"A report id (R-…), the portal's issue id or the idempotency key; omit to list recent reports."},
          "limit":{"type":"integer","minimum":1,"maximum":200,"description":"How many recent reports to list (default 20)."}
        },"additionalProperties":false}
        """

    static let statusOutput = """
        {"type":"object","properties":{
          "configured":{"type":"boolean"},
          "destination":{"type":["string","null"]},
          "rateLimitMs":{"type":"integer"},
          "reports":{"type":"array","items":{"type":"object","properties":{
            "id":{"type":"string"},"state":{"type":"string","enum":["queued","sending","sent","failed"]},
            "summary":{"type":["string","null"]},"severity":{"type":["string","null"]},"createdAt":{"type":"string"},
            "attempts":{"type":"integer"},"expectedSendAt":{"type":"string"},"sentAt":{"type":"string"},
            "issueId":{"type":"string"},"lastError":{"type":"string"},"idempotencyKey":{"type":"string"}},
            "required":["id","state","createdAt","attempts"]}}
        },"required":["configured","reports"]}
        """
}
