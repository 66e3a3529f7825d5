import CCurlShim
import Foundation

/// Receives a response body as it arrives: the response's status and header fields with each chunk.
/// Called on the transfer's thread, in order; it must not block for long.
public typealias HTTPBodyStream = @Sendable (_ status: Int, _ headers: HTTPHeaders, _ chunk: [UInt8]) -> Void

/// Outbound HTTP over libcurl, only to URLs under operator-configured bases.
///
/// Every request URL, and every redirect Location, is parsed by libcurl and checked against the
/// allowed bases before a connection is made; TLS certificates are always verified; response
/// bodies are capped; each transfer runs on its own thread and stops when its task is cancelled.
public struct HTTPClient: Sendable {
    /// What the operator configures.
    public struct Configuration: Sendable {
        /// The only URL prefixes requests may go to.
        public var allowedBases: [AllowedBase]
        /// Sent as `User-Agent` on every request.
        public var userAgent: String
        /// Time allowed to establish a connection (TCP and TLS).
        public var connectTimeout: Duration
        /// Time allowed for a whole request, redirects included, unless the request sets its own.
        public var timeout: Duration
        /// The largest response body accepted; a transfer is stopped as soon as it goes past.
        public var maxResponseBytes: Int
        /// PEM file of CA certificates to trust instead of the system's (for a CloverDX Server
        /// with a private CA or a self-signed certificate). Verification itself is always on.
        public var caBundlePath: String?
        /// Redirects followed per request, each only when it stays under an allowed base.
        public var maxRedirects: Int

        /// A configuration with the defaults: 5 s to connect, 30 s per request, 8 MiB per
        /// response, the system's CA certificates and up to 3 redirects. `version` is the host's,
        /// for the `User-Agent: cloverdx-mcp/<version>`.
        public init(allowedBases: [AllowedBase], version: String, connectTimeout: Duration = .seconds(5),
                    timeout: Duration = .seconds(30), maxResponseBytes: Int = 8 << 20, caBundlePath: String? = nil,
                    maxRedirects: Int = 3) {
            self.allowedBases = allowedBases
            self.userAgent = "cloverdx-mcp/\(version)"
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.caBundlePath = caBundlePath
            self.maxRedirects = maxRedirects
        }
    }

    /// The configuration the client was created with.
    public let configuration: Configuration
    private let policy: OutboundURLPolicy

    /// Checks the configuration: every base must be an http(s) URL without user info or query,
    /// limits must be positive and the CA bundle, if any, readable.
    public init(configuration: Configuration) throws(HTTPClientError) {
        guard configuration.connectTimeout > .zero, configuration.timeout > .zero else {
            throw .invalidConfiguration("timeouts must be positive")
        }
        guard configuration.maxResponseBytes > 0 else { throw .invalidConfiguration("maxResponseBytes must be positive") }
        guard configuration.maxRedirects >= 0 else { throw .invalidConfiguration("maxRedirects must not be negative") }
        if let path = configuration.caBundlePath, !FileManager.default.isReadableFile(atPath: path) {
            throw .invalidConfiguration("CA bundle \(path) does not exist or is not readable")
        }
        guard cdxcurl_global_init() == CURLE_OK else {
            throw .invalidConfiguration(cdxcurl_load_error().map { String(cString: $0) } ?? "libcurl failed to initialise")
        }
        self.configuration = configuration
        self.policy = try OutboundURLPolicy(configuration.allowedBases)
    }

    /// A client for `allowedBases` with the default limits.
    public init(allowedBases: [URL], version: String) throws(HTTPClientError) {
        try self.init(configuration: Configuration(allowedBases: allowedBases.map { AllowedBase($0) }, version: version))
    }

    /// Sends `request` and returns the final response, whatever its status.
    ///
    /// Throws `HTTPClientError` when the URL or a redirect is not allowed, the transfer fails, times
    /// out or passes the size limit; throws `CancellationError` when the task is cancelled.
    ///
    /// With `streamingBody`, the final response's body is handed over chunk by chunk as it arrives
    /// (for Server-Sent Events) and the returned response has an empty body; no size limit applies.
    public func send(_ request: HTTPRequest, streamingBody: HTTPBodyStream? = nil) async throws -> HTTPResponse {
        let start = ContinuousClock.now
        let budget = request.timeout ?? configuration.timeout
        guard budget > .zero else { throw HTTPClientError.invalidRequest("the request timeout must be positive") }
        try Self.validate(request)
        var target = try policy.check(request.url.absoluteString)
        var method = request.method
        var body = request.body
        var headers = request.headers
        var redirects = 0

        while true {
            let remaining = budget - (ContinuousClock.now - start)
            guard remaining > .zero else { throw HTTPClientError.timeout(target.display, after: budget, detail: "no time left for the next redirect") }
            let result: CurlTransfer.Result
            do {
                var exchange = transfer(to: target, method: method, headers: headers, body: body, timeout: remaining)
                exchange.streamingBody = streamingBody
                result = try await exchange.perform()
            } catch let failure as CurlTransfer.Failure {
                throw describe(failure, url: target.display, budget: budget)
            }

            guard [301, 302, 303, 307, 308].contains(result.status), let location = result.redirectURL else {
                return HTTPResponse(status: result.status, headers: result.headers, body: result.body,
                                    url: URL(string: result.effectiveURL) ?? request.url, redirects: redirects,
                                    totalTime: ContinuousClock.now - start)
            }
            guard redirects < configuration.maxRedirects else {
                throw HTTPClientError.tooManyRedirects(redactingPassword(request.url.absoluteString), location: redactingPassword(location),
                                                       limit: configuration.maxRedirects)
            }
            let next: OutboundURLPolicy.Target
            do {
                next = try policy.check(location)
            } catch {
                throw HTTPClientError.redirectRefused(target.display, location: redactingPassword(location))
            }
            // As browsers and libcurl do: 303 always, and 301/302 after POST, continue as GET without a body.
            if (result.status == 303 && method != .head) || ([301, 302].contains(result.status) && method == .post) {
                method = .get
                body = []
                headers.removeAll("Content-Type")
            }
            // Caller-supplied secrets stay with the origin they were meant for.
            if next.url.origin != target.url.origin {
                headers.removeAll("Authorization")
                headers.removeAll("Cookie")
            }
            target = next
            redirects += 1
        }
    }

    private func transfer(to target: OutboundURLPolicy.Target, method: HTTPMethod, headers: HTTPHeaders, body: [UInt8],
                          timeout: Duration) -> CurlTransfer {
        var headers = headers
        if let credentials = target.base.credentials { headers["Authorization"] = credentials.headerValue }
        var lines = headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        // libcurl would otherwise label a body as a form and delay large ones behind 100-continue.
        if !headers.contains("Content-Type") { lines.append("Content-Type:") }
        if !headers.contains("Expect") { lines.append("Expect:") }
        return CurlTransfer(url: target.url.string, method: method, headerLines: lines, body: body,
                            connectTimeout: min(configuration.connectTimeout, timeout), timeout: timeout,
                            maxResponseBytes: configuration.maxResponseBytes, caBundlePath: configuration.caBundlePath,
                            userAgent: configuration.userAgent)
    }

    /// Header fields libcurl computes itself; a caller's copy would contradict or smuggle.
    private static let reservedHeaders: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "te", "upgrade"]

    private static func validate(_ request: HTTPRequest) throws(HTTPClientError) {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !request.method.rawValue.isEmpty, request.method.rawValue.allSatisfy(tokenCharacters.contains) else {
            throw .invalidRequest("method \"\(request.method)\" is not an HTTP token")
        }
        if request.method == .head, !request.body.isEmpty { throw .invalidRequest("a HEAD request cannot carry a body") }
        for field in request.headers {
            guard !field.name.isEmpty, field.name.allSatisfy(tokenCharacters.contains) else {
                throw .invalidRequest("header name \"\(field.name)\" is not an HTTP token")
            }
            guard !field.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw .invalidRequest("header \(field.name) contains a line break or NUL")
            }
            guard !reservedHeaders.contains(field.name.lowercased()) else {
                throw .invalidRequest("header \(field.name) is set by the client itself and cannot be supplied")
            }
        }
    }

    private func describe(_ failure: CurlTransfer.Failure, url: String, budget: Duration) -> HTTPClientError {
        switch failure {
        case .tooLarge:
            return .tooLarge(url, limit: configuration.maxResponseBytes)
        case .setup(let message):
            return .transferFailed(url, curlCode: Int(CURLE_FAILED_INIT.rawValue), detail: message)
        case .curl(let code, let message, let connected):
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                return .timeout(url, after: connected ? budget : min(configuration.connectTimeout, budget), detail: message)
            case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
                 CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
                return .connectionFailed(url, detail: message)
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
                 CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
                return .tlsFailed(url, detail: message, certificate: true)
            case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED:
                return .tlsFailed(url, detail: message, certificate: false)
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
                return .invalidURL(url, why: message)
            default:
                return .transferFailed(url, curlCode: Int(code.rawValue), detail: message)
            }
        }
    }
}
