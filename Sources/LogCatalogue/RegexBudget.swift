import Foundation

/// Limits on the ICU regular expressions agents send, shared by the log search and the log tables'
/// REGEXP: patterns with nested quantifiers such as `(a+)+$` backtrack exponentially, and ICU offers
/// no way to stop a match other than its progress callback.
public enum RegexBudget {
    /// The longest pattern accepted, in UTF-8 bytes.
    public static let maximumPatternLength = 1_000
    /// The longest one match may run on one value (a log entry is at most 16 KiB).
    public static let perValue: Duration = .milliseconds(250)

    public enum Outcome: Sendable {
        case found, notFound
        /// The budget ran out or `isCancelled` said stop before ICU decided.
        case abandoned
    }

    /// Whether `regex` matches somewhere in `text`, within ``perValue``.
    public static func firstMatch(_ regex: NSRegularExpression, in text: String, isCancelled: () -> Bool = { false }) -> Outcome {
        var found = false
        var abandoned = false
        let start = ContinuousClock.now
        // `.reportProgress` makes ICU call back during a long match, the only point where it can be stopped.
        // The block runs before enumerateMatches returns, though its type says it may escape.
        withoutActuallyEscaping(isCancelled) { isCancelled in
            regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { match, _, stop in
                if match != nil {
                    found = true
                    stop.pointee = true
                } else if ContinuousClock.now - start > perValue || isCancelled() {
                    abandoned = true
                    stop.pointee = true
                }
            }
        }
        return abandoned ? .abandoned : (found ? .found : .notFound)
    }
}
