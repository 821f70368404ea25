# tests/tools/: the clients and helpers the integration tests drive
# (Linux).  udpq, the independent client, plain sendto/recvfrom; rawudp,
# datagrams from source ports no socket could bind; notifyd, a service
# manager's NOTIFY_SOCKET.  These three build from their one file with no
# project header or library, so that they share nothing with what they
# test.  hostile, the hostile-input client, links the daemon's strict
# JSON scan (jscan.c) to check every answer with it.
if !WINDOWS
check_PROGRAMS += tests/tools/udpq tests/tools/rawudp tests/tools/notifyd \
	tests/tools/hostile
endif
tests_tools_udpq_CPPFLAGS =
tests_tools_udpq_LDADD =
tests_tools_rawudp_CPPFLAGS =
tests_tools_rawudp_LDADD =
tests_tools_notifyd_CPPFLAGS =
tests_tools_notifyd_LDADD =
tests_tools_hostile_SOURCES = tests/tools/hostile.c tests/tools/hostile.h \
	tests/tools/hostile_cat.c tests/tools/hostile_mix.c
tests_tools_hostile_CPPFLAGS = -I$(top_srcdir)/lib $(CJSON_CFLAGS)
tests_tools_hostile_LDADD = lib/libpktdaemon.a $(CJSON_LIBS)
