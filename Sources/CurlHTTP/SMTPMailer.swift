import CCurlShim
import Foundation

/// Sends one e-mail through an SMTP server with libcurl (the same library as our HTTP client), for
/// reports that go by mail. STARTTLS is used when the server offers it; credentials only then, or over smtps.
public struct SMTPMailer: Sendable {
    /// `smtp://host:port` or `smtps://host:port`.
    public let url: String
    public let username: String?
    public let password: String?
    public let from: String
    public let timeout: Duration

    public init(url: String, username: String?, password: String?, from: String, timeout: Duration) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.timeout = timeout
    }

    /// Why a message was not accepted: libcurl's reason (connection refused, a 5xx reply, a timeout).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Hands `message` (a complete RFC 5322 message, CRLF line ends) to the server for `recipients`.
    /// Blocks a thread for the transfer, so it runs off the cooperative pool.
    public func send(_ message: [UInt8], to recipients: [String]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try perform(message, recipients) })
            }
        }
    }

    private func perform(_ message: [UInt8], _ recipients: [String]) throws {
        guard let easy = cdxcurl_easy_init() else { throw Failure(description: "libcurl could not be initialised") }
        defer { cdxcurl_easy_cleanup(easy) }
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { list = cdxcurl_slist_append(list, "<\(recipient)>") }
        defer { cdxcurl_slist_free_all(list) }
        // libcurl's default read function fread()s the message from an in-memory stream over this copy,
        // which must stay put until the transfer ends.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(message.count, 1), alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: message)
        guard let stream = fmemopen(buffer.baseAddress, message.count, "r") else {
            throw Failure(description: "cannot stage the message: \(String(cString: strerror(errno)))")
        }
        defer { fclose(stream) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(to: 0)
        defer { errorBuffer.deallocate() }
        func check(_ code: CURLcode, _ option: String) throws {
            guard code == CURLE_OK else { throw Failure(description: "libcurl refused \(option): \(String(cString: cdxcurl_easy_strerror(code)))") }
        }
        try check(cdxcurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(cdxcurl_setopt_string(easy, CURLOPT_URL, url), "CURLOPT_URL")
        try check(cdxcurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "CURLOPT_PROTOCOLS_STR")
        try check(cdxcurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(cdxcurl_setopt_long(easy, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)), "CURLOPT_USE_SSL")
        try check(cdxcurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeout.milliseconds)), "CURLOPT_TIMEOUT_MS")
        if let username, !username.isEmpty {
            try check(cdxcurl_setopt_string(easy, CURLOPT_USERNAME, username), "CURLOPT_USERNAME")
            try check(cdxcurl_setopt_string(easy, CURLOPT_PASSWORD, password ?? ""), "CURLOPT_PASSWORD")
        }
        try check(cdxcurl_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(from)>"), "CURLOPT_MAIL_FROM")
        try check(cdxcurl_setopt_slist(easy, CURLOPT_MAIL_RCPT, list), "CURLOPT_MAIL_RCPT")
        try check(cdxcurl_setopt_long(easy, CURLOPT_UPLOAD, 1), "CURLOPT_UPLOAD")
        try check(cdxcurl_setopt_pointer(easy, CURLOPT_READDATA, UnsafeMutableRawPointer(stream)), "CURLOPT_READDATA")
        let code = cdxcurl_easy_perform(easy)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw Failure(description: "\(url): " + (detail.isEmpty ? String(cString: cdxcurl_easy_strerror(code)) : detail))
        }
    }
}
