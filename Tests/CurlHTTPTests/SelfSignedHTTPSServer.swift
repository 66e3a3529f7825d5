import Foundation

/// An HTTPS server with a freshly generated self-signed certificate for 127.0.0.1: `openssl req
/// -x509` writes the certificate into a temporary folder, Python's http.server serves it over
/// `ssl` as a subprocess. The subprocess exits when its stdin closes, so it never outlives the
/// test process (a child of a test runner may inherit a blocked SIGTERM).
///
/// Starting and stopping block on subprocesses, so they run on a thread of their own: blocking
/// Swift's cooperative pool (two threads on a two-core machine) would stall every other test.
final class SelfSignedHTTPSServer: @unchecked Sendable {
    /// Runs `body` with a started server and stops it afterwards, whatever `body` does.
    static func with<T: Sendable>(_ body: (SelfSignedHTTPSServer) async throws -> T) async throws -> T {
        let server = try await offCooperativePool { try SelfSignedHTTPSServer() }
        do {
            let value = try await body(server)
            await server.stop()
            return value
        } catch {
            await server.stop()
            throw error
        }
    }

    let port: Int
    /// The server's certificate, usable as a CA bundle that trusts it.
    let certificatePath: String
    private let directory: URL
    private let process: Process
    private let input = Pipe()

    private static let script = """
    import http.server, os, ssl, sys, threading
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"tls":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("curlhttp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificatePath = directory.appendingPathComponent("cert.pem").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try Self.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                      "-keyout", keyPath, "-out", certificatePath, "-days", "2", "-subj", "/CN=127.0.0.1",
                      "-addext", "subjectAltName=IP:127.0.0.1"])

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, certificatePath, keyPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            try? input.fileHandleForWriting.close()
            throw SetupError(message: "the Python HTTPS server did not report its port")
        }
        self.port = port
    }

    private func stop() async {
        try? await offCooperativePool { [self] in
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    struct SetupError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SetupError(message: "\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }
}

/// Runs blocking `work` on a new thread and waits for it without holding a cooperative thread.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
