# bench/: make bench (bench/README.md) runs bench/run.sh: the bare
# reflector, pktinfod, Unbound, Knot DNS, NSD and dnsmasq under the same
# pktbench load on loopback.  Builds only what it runs; installs nothing.
# The reflector answers with the daemon's own control-message code.
EXTRA_PROGRAMS += bench/reflector
bench_reflector_CPPFLAGS = -I$(top_srcdir)/lib/forbidden -I$(top_srcdir)/lib \
	-I$(top_srcdir)/lib/$(PLATFORM_DIR)
bench_reflector_LDADD = lib/libpktdaemon.a lib/libpktcore.a
CLEANFILES += bench/reflector$(EXEEXT)
EXTRA_DIST += bench/run.sh bench/README.md
# tests/tools/udpq only checks what the worst-case request shapes are
# answered.
bench: pktinfod/pktinfod$(EXEEXT) pktbench/pktbench$(EXEEXT) \
    bench/reflector$(EXEEXT) tests/tools/udpq$(EXEEXT)
	top_builddir='$(abs_top_builddir)' sh $(abs_top_srcdir)/bench/run.sh
.PHONY: bench
