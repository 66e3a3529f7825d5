import Foundation
import GRDB
import LogCatalogue
import Synchronization

/// SQL functions the log tables add to SQLite, which has neither regular expressions nor percentiles:
/// - `text REGEXP pattern` (and `regexp(pattern, text)`): Perl-compatible (PCRE2) syntax, the engine
///   of logs.search; 1 when the pattern is found anywhere in the text, NULL when the text is NULL.
///   Each match has a backtracking limit, so a pathological pattern fails the query instead of hanging it.
/// - `percentile(value, fraction)`: an aggregate, the nearest-rank percentile of the non-NULL values,
///   fraction 0…1 (`percentile(duration_ms, 0.95)`), by nearest rank.
enum LogTableFunctions {
    static func register(in db: Database) {
        let cache = RegexCache()
        db.add(function: DatabaseFunction("regexp", argumentCount: 2, pure: true) { values in
            guard let pattern = String.fromDatabaseValue(values[0]) else {
                throw DatabaseError(message: "REGEXP needs a text pattern, e.g. path REGEXP '^/clover/api/'")
            }
            guard !values[1].isNull else { return nil }
            let text = String.fromDatabaseValue(values[1]) ?? values[1].description
            let regex = try cache.regex(pattern)
            do {
                return try cache.matches(regex, text) ? 1 : 0
            } catch {
                throw DatabaseError(message: "REGEXP pattern \"\(pattern.prefix(100))\" backtracks too much on one value (over "
                    + "\(LogRegex.matchLimit) steps); simplify it (no nested quantifiers such as (a+)+) or use LIKE")
            }
        })
        db.add(function: DatabaseFunction("percentile", argumentCount: 2, pure: true, aggregate: Percentile.self))
    }

    /// Compiled patterns of one database, so a pattern compiles once per query, not once per row,
    /// and one match state for all its rows (PCRE2's match data, otherwise allocated per row).
    private final class RegexCache: Sendable {
        private let compiled = Mutex<[String: LogRegex]>([:])
        private let scratch = Mutex(LogRegex.Scratch())

        func matches(_ regex: LogRegex, _ text: String) throws(LogRegex.Failure) -> Bool {
            try scratch.withLock { scratch throws(LogRegex.Failure) in try regex.matches(text, scratch: scratch) }
        }

        func regex(_ pattern: String) throws -> LogRegex {
            if let known = compiled.withLock({ $0[pattern] }) { return known }
            guard pattern.utf8.count <= LogRegex.maximumPatternLength else {
                throw DatabaseError(message: "REGEXP pattern is \(pattern.utf8.count) bytes long; at most \(LogRegex.maximumPatternLength) are allowed")
            }
            let regex: LogRegex
            do {
                regex = try LogRegex(pattern, multiline: false)
            } catch {
                throw DatabaseError(message: "REGEXP pattern \"\(pattern.prefix(200))\" does not compile (\(error)); use Perl-compatible (PCRE2) syntax, "
                    + "e.g. '^/clover/api/rest/v1/executions(/[0-9]+)?$'")
            }
            compiled.withLock { cache in
                if cache.count > 64 { cache.removeAll() }
                cache[pattern] = regex
            }
            return regex
        }
    }

    /// The nearest-rank percentile of the non-NULL values.
    private struct Percentile: DatabaseAggregate {
        private var values: [Double] = []
        private var fraction: Double?

        init() {}

        mutating func step(_ arguments: [DatabaseValue]) throws {
            guard let requested = Double.fromDatabaseValue(arguments[1]), (0...1).contains(requested) else {
                throw DatabaseError(message: "percentile(value, fraction): fraction must be a number from 0 to 1, e.g. percentile(duration_ms, 0.95)")
            }
            fraction = requested
            if let value = Double.fromDatabaseValue(arguments[0]) { values.append(value) }
        }

        func finalize() throws -> (any DatabaseValueConvertible)? {
            guard let fraction, !values.isEmpty else { return nil }
            let sorted = values.sorted()
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[min(max(rank, 1), sorted.count) - 1]
        }
    }
}
