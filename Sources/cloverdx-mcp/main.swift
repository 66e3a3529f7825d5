import SidecarCLI

await CloverDXMCP.runFromCommandLine()
