# tests/integration/: shell tests (t_*.sh) that drive the real binaries
# as a user would, on loopback and in network namespaces they create;
# lib.sh is what they share, netns.sh builds namespaces, lib_wine.sh runs
# the Windows programs under Wine.  t_package.sh (the Debian package)
# needs root and a git checkout, so quickstart.sh runs it, not make check.
POSIX_TESTS = tests/integration/t_loopback.sh tests/integration/t_source.sh \
	tests/integration/t_pktq.sh tests/integration/t_badinput.sh \
	tests/integration/t_daemon.sh tests/integration/t_startup.sh \
	tests/integration/t_netns.sh tests/integration/t_fallback.sh \
	tests/integration/t_batch.sh tests/integration/t_sendfail.sh \
	tests/integration/t_fuzz.sh tests/integration/t_hostile.sh

# Anycast with BGP (BIRD) and ECMP in namespaces; it runs contrib/'s BIRD
# configuration and health check themselves, so they are distributed.
POSIX_TESTS += tests/integration/t_anycast.sh
EXTRA_DIST += contrib/README.md \
	contrib/bird.conf contrib/bird-local.conf \
	contrib/pktinfod-healthcheck contrib/keepalived-ipvs-dr.conf

# Reflection loops (doc/protocol.md, "Silence") and the daemon under load
# and signals (tests/tools/rawudp sends from source ports no socket could
# bind); the configuration file through the real binary, and the policy
# it sets (ACLs, rate limits, reload, the metrics endpoint); readiness and
# reload as a service manager hears them (NOTIFY_SOCKET).
POSIX_TESTS += tests/integration/t_loops.sh tests/integration/t_flood.sh \
	tests/integration/t_config.sh tests/integration/t_policy.sh \
	tests/integration/t_notify.sh

# Counts malloc calls through an LD_PRELOAD shim, so not under ASan
# (tests/sanitize.sh empties it).
ALLOC_TESTS = tests/integration/t_alloc.sh

# The Windows programs under Wine, queried by the native pktq and udpq of
# the build named by --with-native-build, and pktq.exe against the native
# daemon.  Wine 8 sends no control data with WSASendMsg, so an answer to
# 127.0.0.2 leaves from 127.0.0.1: t_win_source.sh is an expected failure.
WINDOWS_TESTS = tests/integration/t_win_loopback.sh \
	tests/integration/t_win_pktq.sh tests/integration/t_win_service.sh \
	tests/integration/t_win_source.sh

if WINDOWS
TESTS += $(WINDOWS_TESTS)
XFAIL_TESTS += tests/integration/t_win_source.sh
else
TESTS += $(POSIX_TESTS) $(ALLOC_TESTS)
endif
EXTRA_DIST += $(POSIX_TESTS) $(ALLOC_TESTS) $(WINDOWS_TESTS) \
	tests/integration/lib.sh tests/integration/lib_wine.sh \
	tests/integration/netns.sh
