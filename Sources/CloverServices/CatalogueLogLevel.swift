import LogCatalogue

/// The log catalogue's level type. The module and its main type share a name, so
/// `LogCatalogue.LogLevel` cannot be spelled; this file sees no other `LogLevel` (MCPProtocol has one).
typealias CatalogueLogLevel = LogLevel
