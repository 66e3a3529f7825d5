import CPCRE2

/// A Perl-compatible regular expression (PCRE2, JIT-compiled) matched against UTF-8 bytes as they
/// are, without building a String: the one engine of the log search and the log tables' REGEXP.
///
/// Syntax is Perl's (PCRE2): `\d`, `\w`, `\b` and `\s` follow Unicode properties, `.` and `$` treat
/// any line terminator as the end of a line. Bytes that are not valid UTF-8 never match, but do not
/// stop a match elsewhere in the text. Patterns such as `(a+)+$` that backtrack without end are cut
/// off by PCRE2's match and heap limits, deterministically, instead of by a clock.
public final class LogRegex: @unchecked Sendable {
    // @unchecked: the compiled code and the match context are only read after init; PCRE2 allows
    // sharing them between threads as long as each match has its own match data.

    /// The longest pattern accepted, in UTF-8 bytes.
    public static let maximumPatternLength = 1_000
    /// Backtracking steps one match may take: far beyond what a sane pattern needs on one log entry
    /// (at most 1 MiB), while `(a+)+$` on a line of 64 letters runs into it within a tenth of a second.
    public static let matchLimit: UInt32 = 10_000_000
    /// KiB of heap the interpreter may use for backtracking (the JIT uses a fixed stack instead).
    static let heapLimitKiB: UInt32 = 16 * 1_024

    /// Why a pattern was refused or a match was given up.
    public enum Failure: Error, Sendable, Equatable {
        /// The pattern does not compile: PCRE2's message and the offset in the pattern it points at.
        case invalidPattern(message: String, offset: Int)
        /// Matching one text needed more backtracking than ``matchLimit`` allows.
        case tooComplex
    }

    /// The pattern as given.
    public let pattern: String
    private let code: OpaquePointer
    private let matchContext: OpaquePointer
    private let isJITCompiled: Bool

    /// Compiles `pattern`; with `multiline`, `^` and `$` also match at line breaks inside the text.
    public init(_ pattern: String, multiline: Bool) throws(Failure) {
        self.pattern = pattern
        var options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF
        if multiline { options |= PCRE2_MULTILINE }
        guard let compileContext = pcre2_compile_context_create_8(nil) else { fatalError("PCRE2 is out of memory") }
        defer { pcre2_compile_context_free_8(compileContext) }
        pcre2_set_newline_8(compileContext, UInt32(PCRE2_NEWLINE_ANY))
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled = pattern.utf8.withContiguousStorageIfAvailable { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, compileContext)
        } ?? Array(pattern.utf8).withUnsafeBufferPointer { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, compileContext)
        }
        guard let compiled else { throw .invalidPattern(message: Self.message(errorCode), offset: errorOffset) }
        code = compiled
        // Without JIT support (an unusual build of the library) the interpreter still works, only slower.
        isJITCompiled = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0
        guard let context = pcre2_match_context_create_8(nil) else { fatalError("PCRE2 is out of memory") }
        pcre2_set_match_limit_8(context, Self.matchLimit)
        pcre2_set_heap_limit_8(context, Self.heapLimitKiB)
        matchContext = context
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// The per-match state of one thread: reuse it across matches (it is allocated once).
    public final class Scratch {
        fileprivate let matchData: OpaquePointer

        public init() {
            // One pair of offsets: only whether and where the whole pattern matched is asked.
            guard let data = pcre2_match_data_create_8(1, nil) else { fatalError("PCRE2 is out of memory") }
            matchData = data
        }

        deinit { pcre2_match_data_free_8(matchData) }
    }

    /// Whether the pattern matches somewhere in `text`.
    /// - Throws: ``Failure/tooComplex`` when the match needs more backtracking than the limits allow.
    public func matches(_ text: UnsafeRawBufferPointer, scratch: Scratch) throws(Failure) -> Bool {
        var result = run(text, options: 0, scratch: scratch)
        // The JIT's fixed stack is small; the interpreter backtracks on the heap, within its limit.
        if result == PCRE2_ERROR_JIT_STACKLIMIT, isJITCompiled { result = run(text, options: PCRE2_NO_JIT, scratch: scratch) }
        if result >= 0 { return true }
        if result == PCRE2_ERROR_NOMATCH { return false }
        throw .tooComplex
    }

    /// Whether the pattern matches somewhere in `text` (a String's UTF-8).
    public func matches(_ text: String, scratch: Scratch) throws(Failure) -> Bool {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(Failure) in try matches(UnsafeRawBufferPointer(bytes), scratch: scratch) }
        }.get()
    }

    private func run(_ text: UnsafeRawBufferPointer, options: UInt32, scratch: Scratch) -> Int32 {
        // An empty buffer may have no address; PCRE2 takes any valid pointer with length 0.
        let empty: UInt8 = 0
        return withUnsafePointer(to: empty) { fallback in
            let subject = text.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? fallback
            return pcre2_match_8(code, subject, text.count, 0, options, scratch.matchData, matchContext)
        }
    }

    private static func message(_ errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "PCRE2 error \(errorCode)"
    }
}

extension LogRegex.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .invalidPattern(message, offset): "\(message) at offset \(offset)"
        case .tooComplex: "a match needs more than \(LogRegex.matchLimit) backtracking steps"
        }
    }
}
