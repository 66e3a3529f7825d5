import enum CloverServiceContract.HostServices
import Foundation
import LogCatalogue
import MCPProtocol
import PluginHost

/// "logs.list", "logs.search", "logs.tail", "logs.window" over the installation's log catalogue.
/// Plugins name logs by ID; the catalogue alone turns IDs into files inside the log roots.
enum LogServices {
    static func all(_ catalogue: LogCatalogue) -> [any HostService] {
        [List(catalogue: catalogue), Search(catalogue: catalogue), Tail(catalogue: catalogue), Window(catalogue: catalogue)]
    }

    struct List: HostService {
        let name = HostServices.LogsList.name
        let grant = HostServices.LogsList.grant
        let catalogue: LogCatalogue

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            ["logs": .array(catalogue.list().map { log in
                [
                    "id": .string(log.id), "category": .string(log.category.rawValue),
                    "files": .array(log.files.map { ["name": .string($0.name), "bytes": .int($0.bytes)] }),
                    "bytes": .int(log.totalBytes),
                    "firstTime": log.firstTimestamp.map { .string($0.description) } ?? .null,
                    "lastTime": log.lastTimestamp.map { .string($0.description) } ?? .null,
                ]
            })]
        }
    }

    struct Search: HostService {
        let name = HostServices.LogsSearch.name
        let grant = HostServices.LogsSearch.grant
        let isHeavy = true
        let catalogue: LogCatalogue

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let query = LogQuery(
                logID: try requiredString(request, "log"),
                from: try timestamp(request, "from"), to: try timestamp(request, "to"),
                levels: try levels(request),
                regex: request["regex"]?.stringValue, text: request["text"]?.stringValue,
                limit: Int(request["limit"]?.intValue ?? Int64(LogQuery.defaultLimit)),
                cursor: request["cursor"]?.stringValue,
                maxBytes: Int(request["maxBytes"]?.intValue ?? Int64(LogQuery.defaultMaxBytes)))
            // The catalogue reports every 64 KiB read; a notification each time would flood the client
            // (thousands per large log), so one per percent of the log goes out.
            var reportedBytes: Int64 = -1
            let page = try await serviceErrors(name) {
                try catalogue.search(query, progress: { progress in
                    let step = max(progress.totalBytes / 100, 1)
                    let advanced = progress.processedBytes - reportedBytes
                    guard advanced >= step || (advanced > 0 && progress.processedBytes == progress.totalBytes) else { return }
                    reportedBytes = progress.processedBytes
                    context.request?.reportProgress(Double(progress.processedBytes), total: Double(progress.totalBytes))
                }, isCancelled: { context.isCancelled })
            }
            return json(page)
        }
    }

    struct Tail: HostService {
        let name = HostServices.LogsTail.name
        let grant = HostServices.LogsTail.grant
        let catalogue: LogCatalogue

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let log = try requiredString(request, "log")
            let count = Int(request["entries"]?.intValue ?? Int64(LogQuery.defaultLimit))
            return json(try await serviceErrors(name) { try catalogue.tail(log, entries: count, isCancelled: { context.isCancelled }) })
        }
    }

    struct Window: HostService {
        let name = HostServices.LogsWindow.name
        let grant = HostServices.LogsWindow.grant
        let isHeavy = true
        let catalogue: LogCatalogue

        func handle(_ request: JSONValue, context: ServiceContext) async throws -> JSONValue {
            let log = try requiredString(request, "log")
            guard let around = try timestamp(request, "around") else {
                throw ServiceError(.invalidArguments, "logs.window needs \"around\": a time such as 2025-03-05 02:10:07")
            }
            let page = try await serviceErrors(name) {
                try catalogue.window(log, around: around, before: request["beforeSeconds"]?.doubleValue ?? 60,
                                     after: request["afterSeconds"]?.doubleValue ?? 60,
                                     limit: Int(request["limit"]?.intValue ?? Int64(LogQuery.defaultLimit)),
                                     isCancelled: { context.isCancelled })
            }
            return json(page)
        }
    }

    static func json(_ page: LogSearchPage) -> JSONValue {
        var result: JSONValue = [
            "entries": .array(page.entries.map { entry in
                [
                    "time": entry.timestamp.map { .string($0.description) } ?? .null,
                    "level": entry.level.map { .string($0.rawValue) } ?? .null,
                    "thread": entry.thread.map(JSONValue.string) ?? .null,
                    "logger": entry.logger.map(JSONValue.string) ?? .null,
                    "message": .string(entry.message),
                    "text": .string(entry.rawText),
                    "file": .string(entry.file),
                    "line": entry.line.map { .int(Int64($0)) } ?? .null,
                    "truncated": .bool(entry.isTruncated),
                ]
            }),
            "matched": .int(Int64(page.matchedSoFar)),
            "scannedBytes": .int(page.scannedBytes),
            "totalBytes": .int(page.totalBytes),
            "truncated": ["entryText": .bool(page.truncated.entryText), "pageBytes": .bool(page.truncated.pageBytes),
                          "limit": .bool(page.truncated.limit)],
            "warnings": .array(page.warnings.map(JSONValue.string)),
        ]
        if let cursor = page.nextCursor { result["nextCursor"] = .string(cursor) }
        return result
    }

    static func requiredString(_ request: JSONValue, _ key: String) throws -> String {
        guard let value = request[key]?.stringValue, !value.isEmpty else {
            throw ServiceError(.invalidArguments, "\"\(key)\" is required (a string)")
        }
        return value
    }

    static func timestamp(_ request: JSONValue, _ key: String) throws -> LogTimestamp? {
        guard let value = request[key] else { return nil }
        guard let text = value.stringValue, let stamp = LogTimestamp(text) else {
            throw ServiceError(.invalidArguments, "\"\(key)\" must be a time such as 2025-03-05 02:10:07 (server local time)")
        }
        return stamp
    }

    static func levels(_ request: JSONValue) throws -> Set<LogEntryLevel> {
        guard let list = request["levels"]?.arrayValue else { return [] }
        return Set(try list.map { value in
            guard let name = value.stringValue, let level = LogEntryLevel(name) else {
                throw ServiceError(.invalidArguments, "\"levels\" holds names such as ERROR, WARN, INFO, DEBUG")
            }
            return level
        })
    }
}
