/* cli: what the three programs' command lines share. */
#ifndef PKTINFOD_CLI_H
#define PKTINFOD_CLI_H

/* Parse a decimal number from min to max written as digits only (no sign,
 * no spaces, no "0x"), into *out.  0 / -1 (EINVAL or ERANGE). */
int cli_number(long *out, const char *text, long min, long max);
/* Write text to stderr with "prog: " before each of its '\n'-separated
 * lines, so that every line names the program that wrote it. */
void cli_error_lines(const char *prog, const char *text);

#endif
