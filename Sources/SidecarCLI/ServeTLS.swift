import ArgumentParser
import HostConfiguration
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// HTTPS for the HTTP transport, from a PEM certificate chain and key named in the configuration.
/// ChatGPT and claude.ai connectors only talk to `https://` URLs; a reverse proxy in front works too.
enum ServeTLS {

    /// The server builder: plain HTTP/1.1 without the keys, TLS with both; one alone is a mistake.
    /// - Parameter channel: the HTTP/1.1 connection settings (idle timeout, connection cap).
    static func serverBuilder(_ configuration: HostConfiguration, channel: HTTP1Channel.Configuration) throws -> (builder: HTTPServerBuilder, scheme: String) {
        let certificate = configuration[ConfigKey.tlsCertificateFile].flatMap { $0.isEmpty ? nil : $0 }
        let key = configuration[ConfigKey.tlsKeyFile].flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (nil, nil):
            return (.http1(configuration: channel), "http")
        case (let certificate?, let key?):
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
                let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
                return (try .tls(.http1(configuration: channel), tlsConfiguration: tls), "https")
            } catch {
                throw ValidationError("cannot use the TLS certificate \(certificate) and key \(key): \(error); give PEM files the server can read")
            }
        default:
            throw ValidationError("set both \(ConfigKey.tlsCertificateFile) and \(ConfigKey.tlsKeyFile) (PEM files) to serve HTTPS, or neither for HTTP")
        }
    }
}
