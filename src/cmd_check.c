/* cmd_check: placeholder until it lands. */
#include "commands.h"
#include "util.h"
int cmd_check(int argc, char **argv, struct options *opt) { (void)argc; (void)argv; (void)opt; error("check is not built yet"); return EXIT_INTERNAL; }
