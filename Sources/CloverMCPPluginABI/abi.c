/* The ABI target is the header alone; this file only lets the compiler check that it stands by itself. */
#include "cloverdx_mcp_plugin.h"

_Static_assert(sizeof(((cdxmcp_plugin *)0)->struct_size) == 4, "struct_size is the first 32-bit field");
