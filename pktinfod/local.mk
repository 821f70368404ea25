# pktinfod/: the daemon.  pktinfod.c is the main; server.c runs the
# workers and the control thread, settings.c holds what a reload
# publishes, metrics_http.c serves /metrics, opts.c and conf.c read the
# command line and the config file, plat_posix.c or plat_win32.c (behind
# plat.h) does start-up.  The only folder compiled with libevent.  It
# sees lib/ but not lib/posix/ or lib/win32/: the socket layer is lib/sock.h.
PKTINFOD_CPPFLAGS = -I$(top_srcdir)/lib -I$(top_srcdir)/pktinfod \
	$(LIBEVENT_CFLAGS) $(CJSON_CFLAGS) $(SYSTEMD_CFLAGS) $(LIBBSD_CFLAGS)

sbin_PROGRAMS += pktinfod/pktinfod
# Everything but the main, so that the unit tests link opts.c and conf.c.
noinst_LIBRARIES += pktinfod/libpktinfod.a

pktinfod_libpktinfod_a_SOURCES = \
	pktinfod/server.c pktinfod/server.h \
	pktinfod/settings.c pktinfod/settings.h \
	pktinfod/metrics_http.c pktinfod/metrics_http.h \
	pktinfod/opts.c pktinfod/opts.h \
	pktinfod/conf.c pktinfod/conf.h \
	pktinfod/plat.h
if WINDOWS
pktinfod_libpktinfod_a_SOURCES += pktinfod/plat_win32.c
else
pktinfod_libpktinfod_a_SOURCES += pktinfod/plat_posix.c
endif
pktinfod_libpktinfod_a_CPPFLAGS = $(PKTINFOD_CPPFLAGS)
pktinfod_libpktinfod_a_CFLAGS = $(AM_CFLAGS) -pthread

pktinfod_pktinfod_SOURCES = pktinfod/pktinfod.c
pktinfod_pktinfod_CPPFLAGS = $(PKTINFOD_CPPFLAGS)
pktinfod_pktinfod_CFLAGS = $(AM_CFLAGS) -pthread
pktinfod_pktinfod_LDADD = pktinfod/libpktinfod.a lib/libpktdaemon.a \
	lib/libpktcore.a $(LIBEVENT_PTHREADS_LIBS) $(LIBEVENT_LIBS) \
	$(CJSON_LIBS) $(SYSTEMD_LIBS) $(LIBBSD_LIBS) $(WIN32_LIBS)
pktinfod_pktinfod_LDFLAGS = $(AM_LDFLAGS) -pthread
