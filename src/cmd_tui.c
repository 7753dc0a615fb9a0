/* cmd_tui: placeholder until it lands. */
#include "commands.h"
#include "util.h"
int cmd_tui(int argc, char **argv, struct options *opt) { (void)argc; (void)argv; (void)opt; error("tui is not built yet"); return EXIT_INTERNAL; }
