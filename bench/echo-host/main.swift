import BuiltinEcho
import SidecarCLI

// cloverdx-mcp with echo_arguments compiled into the host, beneath the same gate: the benchmark's
// reference for what a plugin call costs (bench/compare.py, "plugin-call overhead").
ServeAssembly.localCatalog = { BuiltinEchoCatalog(next: $0) }
await CloverDXMCP.runFromCommandLine()
