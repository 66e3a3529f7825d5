import CCurlShim
import Foundation
import Synchronization

/// One HTTP exchange (no redirects) on its own easy handle, run on a dedicated thread so the
/// blocking libcurl loop never occupies Swift's cooperative pool.
struct CurlTransfer: Sendable {
    var url: String
    var method: HTTPMethod
    /// Complete `Name: value` lines, already validated.
    var headerLines: [String]
    var body: [UInt8]
    var connectTimeout: Duration
    var timeout: Duration
    var maxResponseBytes: Int
    var caBundlePath: String?
    var userAgent: String
    /// When set, the body of a non-redirect response goes here as it arrives instead of into `Result.body`.
    var streamingBody: HTTPBodyStream? = nil

    struct Result: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var effectiveURL: String
        /// Where a 3xx with a Location header points, resolved by libcurl against `url`.
        var redirectURL: String?
    }

    /// How a transfer failed, before HTTPClient puts it in the caller's terms.
    enum Failure: Error {
        case tooLarge
        case curl(code: CURLcode, message: String, connected: Bool)
        case setup(String)
    }

    /// Performs the transfer; cancelling the calling task stops it within milliseconds and throws `CancellationError`.
    func perform() async throws -> Result {
        let control = CancellationSwitch()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                let thread = Thread { [self] in
                    continuation.resume(with: run(control))
                }
                thread.name = "curl transfer"
                thread.start()
            }
        } onCancel: {
            control.cancel()
        }
    }

    /// The blocking part, on the transfer thread. The easy handle lives and dies here.
    private func run(_ control: CancellationSwitch) -> Swift.Result<Result, any Error> {
        guard let easy = cdxcurl_easy_init() else { return .failure(Failure.setup("libcurl could not be initialised")) }
        defer { cdxcurl_easy_cleanup(easy) }
        let sink = ResponseSink(limit: maxResponseBytes, stream: streamingBody)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { cdxcurl_slist_free_all(headerList) }
        for line in headerLines {
            guard let extended = cdxcurl_slist_append(headerList, line) else { return .failure(Failure.setup("out of memory for headers")) }
            headerList = extended
        }

        do {
            try configure(easy, headers: headerList, errorBuffer: errorBuffer, sink: sink)
        } catch {
            return .failure(error)
        }

        guard let transfer = cdxcurl_transfer_create(easy) else { return .failure(Failure.setup("libcurl could not start a transfer")) }
        guard control.attach(CancellationSwitch.Handle(pointer: transfer)) else {
            cdxcurl_transfer_free(transfer)
            return .failure(CancellationError())
        }
        let code = cdxcurl_transfer_perform(transfer)
        control.detach()
        cdxcurl_transfer_free(transfer)

        if control.isCancelled { return .failure(CancellationError()) }
        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED { return .failure(Failure.tooLarge) }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: cdxcurl_easy_strerror(code)) : detail
            var connectTime = 0.0
            _ = cdxcurl_getinfo_double(easy, CURLINFO_CONNECT_TIME, &connectTime)
            return .failure(Failure.curl(code: code, message: message, connected: connectTime > 0))
        }
        var status = 0
        _ = cdxcurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(Result(status: status, headers: sink.headers, body: sink.body,
                               effectiveURL: infoString(easy, CURLINFO_EFFECTIVE_URL) ?? url,
                               redirectURL: infoString(easy, CURLINFO_REDIRECT_URL)))
    }

    private func configure(_ easy: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?,
                           errorBuffer: UnsafeMutablePointer<CChar>, sink: ResponseSink) throws {
        func check(_ code: CURLcode, _ option: String) throws {
            guard code == CURLE_OK else {
                throw Failure.setup("libcurl refused \(option): \(String(cString: cdxcurl_easy_strerror(code)))")
            }
        }
        try check(cdxcurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(cdxcurl_setopt_string(easy, CURLOPT_URL, url), "CURLOPT_URL")
        try check(cdxcurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        // Redirects are followed by HTTPClient, which checks each Location against the allowed bases.
        try check(cdxcurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        // Signals are process-wide; with threads, libcurl must not use them for DNS timeouts.
        try check(cdxcurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        // No proxy from the environment: requests go straight to the configured hosts.
        try check(cdxcurl_setopt_string(easy, CURLOPT_PROXY, ""), "CURLOPT_PROXY")
        try check(cdxcurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1), "CURLOPT_SSL_VERIFYPEER")
        try check(cdxcurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2), "CURLOPT_SSL_VERIFYHOST")
        if let caBundlePath { try check(cdxcurl_setopt_string(easy, CURLOPT_CAINFO, caBundlePath), "CURLOPT_CAINFO") }
        try check(cdxcurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout.milliseconds)), "CURLOPT_CONNECTTIMEOUT_MS")
        try check(cdxcurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds)), "CURLOPT_TIMEOUT_MS")
        // Refuses a declared Content-Length over the limit before any body byte arrives; the
        // write callback enforces it for chunked or lying responses. A stream is not held, so not limited.
        if streamingBody == nil {
            try check(cdxcurl_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)), "CURLOPT_MAXFILESIZE_LARGE")
        }
        try check(cdxcurl_setopt_string(easy, CURLOPT_USERAGENT, userAgent), "CURLOPT_USERAGENT")
        try check(cdxcurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headers), "CURLOPT_HTTPHEADER")

        switch method {
        case .head:
            try check(cdxcurl_setopt_long(easy, CURLOPT_NOBODY, 1), "CURLOPT_NOBODY")
        case .get where body.isEmpty:
            try check(cdxcurl_setopt_long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        default:
            if !body.isEmpty || [.post, .put, .patch].contains(method) {
                try check(cdxcurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
                // COPYPOSTFIELDS: libcurl keeps its own copy, so nothing here must outlive this call.
                let code = body.isEmpty
                    ? cdxcurl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
                    : body.withUnsafeBytes { cdxcurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
                try check(code, "CURLOPT_COPYPOSTFIELDS")
            }
            if method != .post { try check(cdxcurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method.rawValue), "CURLOPT_CUSTOMREQUEST") }
        }

        let context = Unmanaged.passUnretained(sink).toOpaque()
        try check(cdxcurl_setopt_write_callback(easy, { data, size, count, userdata in
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
            return sink.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }, context), "CURLOPT_WRITEFUNCTION")
        try check(cdxcurl_setopt_header_callback(easy, { data, size, count, userdata in
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
            return sink.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }, context), "CURLOPT_HEADERFUNCTION")
    }

    private func infoString(_ easy: UnsafeMutableRawPointer, _ info: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        guard cdxcurl_getinfo_string(easy, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}

/// Lets the waiting task stop a transfer running on another thread. The C transfer is only
/// touched under the lock, so cancel never races with its release.
private final class CancellationSwitch: Sendable {
    /// cdxcurl_transfer_cancel is safe from any thread, which is all this pointer is used for across threads.
    struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private struct State {
        var cancelled = false
        var transfer: Handle?
    }

    private let state = Mutex(State())

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            if let transfer = state.transfer { cdxcurl_transfer_cancel(transfer.pointer) }
        }
    }

    /// False when cancelled already: the transfer must not start.
    func attach(_ transfer: Handle) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.transfer = transfer
            return true
        }
    }

    func detach() { state.withLock { $0.transfer = nil } }
}

/// Collects the response on the transfer thread, refusing to hold more than the limits.
private final class ResponseSink {
    /// Header bytes allowed per response on top of the body limit; libcurl caps single lines itself.
    static let headerLimit = 256 << 10

    let limit: Int
    let stream: HTTPBodyStream?
    private(set) var body: [UInt8] = []
    private(set) var headers = HTTPHeaders()
    private(set) var exceeded = false
    private var headerBytes = 0
    /// The status of the current header block, so a redirect's body is never streamed.
    private var status = 0

    init(limit: Int, stream: HTTPBodyStream?) {
        self.limit = limit
        self.stream = stream
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let stream, !(300..<400).contains(status) {
            stream(status, headers, [UInt8](bytes))
            return true
        }
        guard body.count + bytes.count <= limit else {
            exceeded = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// One header line with its CRLF. A status line starts a new header block (after a 100
    /// Continue, for instance), so only the final response's fields remain.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= Self.headerLimit else {
            exceeded = true
            return false
        }
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = HTTPHeaders()
            status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        } else if line.first == " " || line.first == "\t" {
            // An obsolete folded continuation: it belongs to the previous field's value.
            if var last = headers.fields.last {
                last.value += " " + line.trimmingCharacters(in: .whitespaces)
                headers = HTTPHeaders(headers.fields.dropLast() + [last])
            }
        } else if let colon = line.firstIndex(of: ":") {
            headers.add(String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                        String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        return true
    }
}
