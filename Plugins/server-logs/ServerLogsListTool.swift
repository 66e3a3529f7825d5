import CloverPluginSupport
import PluginKit

/// `server_logs_list`: the logs the server has, with the appender name that searches each.
enum ServerLogsListTool {
    struct Output: Encodable {
        let logs: [LogListing]
        let timeZoneOffset: String
    }

    static var definition: ToolDefinition {
        ToolDefinition(
            name: "server_logs_list", title: "List server logs",
            description: """
                Lists the CloverDX Server logs that exist (cloverlogs and Tomcat): log ID, the appender name server_logs_search \
                takes for it, category, number of files (rotated and gzipped archives included), total size, and the first and \
                last entry time (server local). Use it to see which logs there are and what time span they cover before searching.
                """,
            inputSchema: #"{"type":"object","properties":{},"additionalProperties":false}"#,
            outputSchema: #"""
                {"type":"object","properties":{"timeZoneOffset":{"type":"string"},"logs":{"type":"array","items":{"type":"object","properties":{
                 "id":{"type":"string"},"appender":{"type":"string"},"category":{"type":"string"},"files":{"type":"integer"},
                 "bytes":{"type":"integer"},"firstTime":{"type":["string","null"]},"lastTime":{"type":["string","null"]}},
                 "required":["id","appender","category","files","bytes"]}}},"required":["logs"]}
                """#,
            arguments: NoArguments.self
        ) { _, call in
            let logs = try LogListing.all(call: call)
            guard !logs.isEmpty else { throw ToolError.failed(LogListing.noLogsMessage(call: call)) }
            let clock = ServerTime.of(call)
            let offset = clock.offsetText(at: clock.wallClock(of: clock.now()))
            let table = TextTable.render(
                header: ["log", "appender", "category", "files", "size", "first entry", "last entry"],
                rows: logs.map { [$0.id, $0.appender, $0.category, String($0.files), ByteSize.text($0.bytes), $0.firstTime ?? "", $0.lastTime ?? ""] })
            let text = "\(logs.count) logs; times are server local (UTC\(offset)). Search one with server_logs_search "
                + "(appender = the log or appender name).\n\n" + table
            return try .structured(Output(logs: logs, timeZoneOffset: offset), text: text)
        }
    }
}
