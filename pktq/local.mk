# pktq/: the client that checks an answer's source.  pktq.c is the main;
# pktq_req.c builds the request from the command line, pktq_json.c prints
# the answer, pktq_net*.c are the sockets (one file per platform) and
# pktq_errq.c reads ICMP errors from Linux's error queue.  It links
# lib/libpktcore.a alone: nothing of the daemon it checks.
PKTQ_CPPFLAGS = -I$(top_srcdir)/lib/forbidden -I$(top_srcdir)/lib \
	-I$(top_srcdir)/pktq $(CJSON_CFLAGS)
if WINDOWS
# wsaerr.h: Winsock's error names.
PKTQ_CPPFLAGS += -I$(top_srcdir)/lib/win32
endif

bin_PROGRAMS += pktq/pktq
# Everything but the main, so that the unit tests link it.
noinst_LIBRARIES += pktq/libpktq.a

pktq_libpktq_a_SOURCES = \
	pktq/pktq_req.c pktq/pktq_req.h \
	pktq/pktq_json.c pktq/pktq_json.h \
	pktq/pktq_net.h
if WINDOWS
pktq_libpktq_a_SOURCES += pktq/pktq_net_win32.c
else
pktq_libpktq_a_SOURCES += pktq/pktq_net.c pktq/pktq_errq.c pktq/pktq_errq.h
endif
pktq_libpktq_a_CPPFLAGS = $(PKTQ_CPPFLAGS)

pktq_pktq_SOURCES = pktq/pktq.c
pktq_pktq_CPPFLAGS = $(PKTQ_CPPFLAGS)
pktq_pktq_LDADD = pktq/libpktq.a lib/libpktcore.a $(CJSON_LIBS) $(WIN32_LIBS)
