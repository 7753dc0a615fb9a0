/* cmd_rules: placeholder until it lands. */
#include "commands.h"
#include "util.h"
int cmd_rules(int argc, char **argv, struct options *opt) { (void)argc; (void)argv; (void)opt; error("rules is not built yet"); return EXIT_INTERNAL; }
