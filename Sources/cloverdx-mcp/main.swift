import SidecarCLI

await CloverDXMCP.main()
