# tests/unit/: the Check unit tests, one per module (check_MODULE.c, built
# from that one file), and their shared helpers (testutil*.c).  On Windows
# they run under Wine.  They link every project library: each takes from
# the archives only the modules it calls.
AM_CPPFLAGS = -I$(top_srcdir)/lib -I$(top_srcdir)/lib/$(PLATFORM_DIR) \
	-I$(top_srcdir)/pktinfod -I$(top_srcdir)/pktq -I$(top_srcdir)/pktbench \
	-I$(top_srcdir)/tests/unit $(CHECK_CFLAGS) $(CJSON_CFLAGS)
UNIT_LIBS = tests/unit/libtestutil.a pktinfod/libpktinfod.a pktq/libpktq.a
if !WINDOWS
UNIT_LIBS += pktbench/libpktbench.a
endif
UNIT_LIBS += lib/libpktdaemon.a lib/libpktcore.a
LDADD = $(UNIT_LIBS) $(CHECK_LIBS) $(CJSON_LIBS) $(WIN32_LIBS)

UNIT_TESTS = \
	tests/unit/check_addr tests/unit/check_proto tests/unit/check_jscan \
	tests/unit/check_jwrite tests/unit/check_srcsel tests/unit/check_stats \
	tests/unit/check_opts tests/unit/check_pktq_req \
	tests/unit/check_pktq_json tests/unit/check_policy \
	tests/unit/check_siphash tests/unit/check_metrics tests/unit/check_acl \
	tests/unit/check_ratelimit tests/unit/check_conf tests/unit/check_hostport
if WINDOWS
UNIT_TESTS += tests/unit/check_cmsg_win32 tests/unit/check_sock_win32
else
UNIT_TESTS += tests/unit/check_cmsg tests/unit/check_sock_posix \
	tests/unit/check_pktbench_hist tests/unit/check_pktbench_req \
	tests/unit/check_pktq_errq
endif
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

# testutil: what every Check test shares; fakesys: the call log of the
# socket layer's fake-syscall tests (check_sock_posix, check_sock_win32).
check_LIBRARIES += tests/unit/libtestutil.a
tests_unit_libtestutil_a_SOURCES = tests/unit/testutil.c tests/unit/testutil.h \
	tests/unit/fakesys.c tests/unit/fakesys.h
if WINDOWS
tests_unit_libtestutil_a_SOURCES += tests/unit/testutil_win32.c
else
tests_unit_libtestutil_a_SOURCES += tests/unit/testutil_posix.c
endif
# The cases check_cmsg.c and check_cmsg_win32.c both run.
EXTRA_DIST += tests/unit/cmsg_cases.h
