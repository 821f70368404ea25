/* Not libevent's header.  lib/, pktq/ and pktbench/ are compiled with
 * -Ilib/forbidden ahead of the system's headers, so a file there that
 * includes a libevent header ends here: every libevent header that
 * declares a function includes <event2/event-config.h>.  Only pktinfod/
 * is built with libevent (HACKING.md, "Layout"). */
#error "libevent is pktinfod/'s alone: lib/, pktq/ and pktbench/ are built without it (HACKING.md, Layout)"
