# lib/: the portable core, with its platform parts beside it in
# lib/posix/ and lib/win32/ (the socket layer, control messages, the
# system log).  Compiled with lib/'s own headers only: the programs'
# folders are not on the include path, and lib/forbidden/ comes first so
# that a libevent header stops the build.
LIB_CPPFLAGS = -I$(top_srcdir)/lib/forbidden -I$(top_srcdir)/lib \
	-I$(top_srcdir)/lib/$(PLATFORM_DIR)
EXTRA_DIST += lib/forbidden/event2/event-config.h

noinst_LIBRARIES += lib/libpktcore.a lib/libpktdaemon.a

# What every program links: addresses, command-line numbers, the clients'
# HOST[:PORT] (and on Windows the Winsock error names, which pktq prints
# too).
lib_libpktcore_a_SOURCES = \
	lib/addr.c lib/addr.h lib/netinc.h \
	lib/cli.c lib/cli.h \
	lib/hostport.c lib/hostport.h
if WINDOWS
lib_libpktcore_a_SOURCES += lib/win32/wsaerr_win32.c lib/win32/wsaerr.h
endif
lib_libpktcore_a_CPPFLAGS = $(LIB_CPPFLAGS)

# The daemon's modules, in the order a datagram meets them: the socket
# layer (sock.c, over the platform's calls and control messages), the
# source policy, ACL and rate limiter, the protocol with its strict JSON
# scan and writer, source selection; then counters, the metrics page and
# logging.  The unit tests, the fuzz harnesses, bench/reflector and
# tests/tools/hostile (for the strict scan) link it too; pktq and pktbench
# do not.
lib_libpktdaemon_a_SOURCES = \
	lib/dgram.h lib/sock.c lib/sock.h lib/sock_plat.h \
	lib/policy.c lib/policy.h \
	lib/acl.c lib/acl.h \
	lib/ratelimit.c lib/ratelimit.h \
	lib/siphash.c lib/siphash.h \
	lib/proto.c lib/proto.h \
	lib/jscan.c lib/jscan.h \
	lib/jwrite.c lib/jwrite.h \
	lib/srcsel.c lib/srcsel.h \
	lib/stats.c lib/stats.h \
	lib/metrics.c lib/metrics.h \
	lib/log.c lib/log.h lib/log_plat.h \
	lib/monotime.h
if WINDOWS
lib_libpktdaemon_a_SOURCES += \
	lib/win32/sock_win32.c lib/win32/sock_win32.h \
	lib/win32/cmsg_win32.c lib/win32/cmsg_win32.h \
	lib/win32/log_win32.c
else
lib_libpktdaemon_a_SOURCES += \
	lib/posix/sock_posix.c lib/posix/sock_posix.h \
	lib/posix/cmsg.c lib/posix/cmsg.h \
	lib/posix/log_posix.c
endif
lib_libpktdaemon_a_CPPFLAGS = $(LIB_CPPFLAGS) $(CJSON_CFLAGS)
