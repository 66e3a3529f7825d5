/* The ABI target is the header alone; this file lets the compiler check that it stands by itself, and
 * that version 1's layout, which every plugin ever built relies on, has not moved. */
#include "cloverdx_mcp_plugin.h"

_Static_assert(sizeof(((cdxmcp_plugin *)0)->struct_size) == 4, "struct_size is the first 32-bit field");
_Static_assert(offsetof(cdxmcp_host_api, struct_size) == 0 && offsetof(cdxmcp_plugin, struct_size) == 0,
               "struct_size comes first");
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(CDXMCP_HOST_API_V1_SIZE == 64, "version 1's host table is 64 bytes on 64-bit platforms");
_Static_assert(CDXMCP_PLUGIN_V1_SIZE == 104, "version 1's descriptor is 104 bytes on 64-bit platforms");
#endif
