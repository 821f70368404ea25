# pktbench/: the load generator (epoll, so Linux only).  pktbench.c is the
# main; pktbench_run.c the sending and receiving threads, pktbench_req.c
# the request shapes, pktbench_hist.c the latency histogram.  It links
# lib/libpktcore.a alone.
PKTBENCH_CPPFLAGS = -I$(top_srcdir)/lib/forbidden -I$(top_srcdir)/lib \
	-I$(top_srcdir)/pktbench

if !WINDOWS
bin_PROGRAMS += pktbench/pktbench
# Everything but the main, so that the unit tests link it.
noinst_LIBRARIES += pktbench/libpktbench.a
endif

pktbench_libpktbench_a_SOURCES = \
	pktbench/pktbench_run.c pktbench/pktbench_run.h \
	pktbench/pktbench_req.c pktbench/pktbench_req.h \
	pktbench/pktbench_hist.c pktbench/pktbench_hist.h
pktbench_libpktbench_a_CPPFLAGS = $(PKTBENCH_CPPFLAGS)
pktbench_libpktbench_a_CFLAGS = $(AM_CFLAGS) -pthread

pktbench_pktbench_SOURCES = pktbench/pktbench.c
pktbench_pktbench_CPPFLAGS = $(PKTBENCH_CPPFLAGS)
pktbench_pktbench_CFLAGS = $(AM_CFLAGS) -pthread
pktbench_pktbench_LDADD = pktbench/libpktbench.a lib/libpktcore.a
pktbench_pktbench_LDFLAGS = $(AM_LDFLAGS) -pthread
