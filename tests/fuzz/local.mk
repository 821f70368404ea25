# tests/fuzz/: the fuzz harnesses (Linux), with their seed corpus in
# corpus/NAME/.  make check builds them with a replay main() (fuzz_replay.c)
# so that tests/integration/t_fuzz.sh runs the corpus through them (and so
# under ASan and valgrind in tests/sanitize.sh); make fuzz runs them under
# libFuzzer (fuzz.sh).
if !WINDOWS
check_PROGRAMS += tests/fuzz/fuzz_proto tests/fuzz/fuzz_cmsg tests/fuzz/fuzz_addr
endif
FUZZ_CPPFLAGS = -I$(top_srcdir)/lib -I$(top_srcdir)/lib/$(PLATFORM_DIR) \
	-I$(top_srcdir)/tests/fuzz $(CJSON_CFLAGS)
FUZZ_LDADD = lib/libpktdaemon.a lib/libpktcore.a $(CJSON_LIBS)
FUZZ_COMMON = tests/fuzz/fuzz_replay.c tests/fuzz/fuzz.h
tests_fuzz_fuzz_proto_SOURCES = tests/fuzz/fuzz_proto.c $(FUZZ_COMMON)
tests_fuzz_fuzz_proto_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_proto_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_cmsg_SOURCES = tests/fuzz/fuzz_cmsg.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cmsg_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_cmsg_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_addr_SOURCES = tests/fuzz/fuzz_addr.c $(FUZZ_COMMON)
tests_fuzz_fuzz_addr_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_addr_LDADD = $(FUZZ_LDADD)
EXTRA_DIST += tests/fuzz/fuzz.sh tests/fuzz/corpus
fuzz: config.h
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
	    sh $(abs_top_srcdir)/tests/fuzz/fuzz.sh
.PHONY: fuzz
