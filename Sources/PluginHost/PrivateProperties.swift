/// Which configuration values are secrets, after CloverDX's `private.properties` key: the keys it
/// lists (comma-separated names or wildcards) plus, always, keys that look like they hold a password,
/// secret, token, credential or private key. The one rule for `config_get` and `config.effective`.
public struct PrivateProperties: Sendable {
    /// The configuration key naming extra private keys.
    /// What a secret value is shown as.
    public static let mask = "*****"
    /// Keys that are private whatever `private.properties` says.
    public static let builtIn = ["*password*", "*passwd*", "*secret*", "*token*", "*credential*", "*private*key*", "*api*key*"]
        .map(WildcardPattern.init)

    public let patterns: [WildcardPattern]

    /// - Parameter listed: the value of `private.properties`, if set.
    public init(listed: String? = nil) {
        patterns = Self.builtIn + WildcardPattern.list(listed)
    }

    /// Whether the value of `key` must never be shown.
    public func isPrivate(_ key: String) -> Bool {
        patterns.contains { $0.matches(key) }
    }

    /// `value` as it may be shown: the mask for a private key; otherwise with the credentials a URL
    /// may carry masked (`//user:pass@host`, `?password=…`, `;password=…`), as a JDBC URL can.
    public func shown(_ key: String, _ value: String) -> String {
        isPrivate(key) ? Self.mask : maskingURLCredentials(value)
    }

    func maskingURLCredentials(_ value: String) -> String {
        var characters = Array(value)
        if let scheme = value.range(of: "://") {
            let start = value.distance(from: value.startIndex, to: scheme.upperBound)
            let end = characters[start...].firstIndex(where: { "/?#;".contains($0) }) ?? characters.count
            if let at = characters[start..<end].lastIndex(of: "@"), let colon = characters[start..<at].firstIndex(of: ":") {
                characters.replaceSubrange((colon + 1)..<at, with: Self.mask)
            }
        }
        // name=value parameters after ? & or ; whose name is private.
        var index = 0
        while index < characters.count {
            guard "?&;".contains(characters[index]) else {
                index += 1
                continue
            }
            let nameStart = index + 1
            guard let equals = characters[nameStart...].firstIndex(where: { "=?&;#".contains($0) }), characters[equals] == "=" else { break }
            let valueEnd = characters[(equals + 1)...].firstIndex(where: { "&;#".contains($0) }) ?? characters.count
            if isPrivate(String(characters[nameStart..<equals])), valueEnd > equals + 1 {
                characters.replaceSubrange((equals + 1)..<valueEnd, with: Self.mask)
            }
            index = equals + 1
        }
        return String(characters)
    }
}
