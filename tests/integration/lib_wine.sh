# lib_wine.sh: what a Windows build adds to lib.sh, which loads it when RUN
# is set.  The Windows programs of this build run under Wine through $RUN
# (tests/wine-run.sh, in the prefix make check made); the clients that
# query them are the native pktq and udpq of the build named by configure
# --with-native-build.  So a test body written for Linux (t_loopback.sh,
# t_badinput.sh) drives pktinfod.exe when a Wine test runs it.
if [ -z "${NATIVE_BUILDDIR:-}" ] || ! [ -x "$NATIVE_BUILDDIR/pktq/pktq" ] ||
    ! [ -x "$NATIVE_BUILDDIR/tests/tools/udpq" ]; then
	t_skip "no native pktq/pktq and tests/tools/udpq: configure with" \
	    "--with-native-build=DIR (a native build of this tree, after" \
	    "make check there)"
fi
t_require wine jq

# The daemon under test is pktinfod.exe; every shell-side client is native.
PKTINFOD_WRAPPER=$RUN
PKTQ="$NATIVE_BUILDDIR/pktq/pktq"
UDPQ="$NATIVE_BUILDDIR/tests/tools/udpq"
NATIVE_PKTINFOD="$NATIVE_BUILDDIR/pktinfod/pktinfod"
PKTQ_EXE="$top_builddir/pktq/pktq$EXEEXT"

# What pktinfod.exe is like (lib.sh has the native daemon's): answers take
# longer through Wine; SIGINT is Wine's CTRL_C_EVENT, the graceful stop
# (SIGTERM ends Wine at once); Wine names the loopback loopback_N, with
# Linux's index; one worker and no batches on Windows.
T_REPLY_MS=2000
T_STOP_SIGNAL=INT
T_LO_IFNAME='loopback_*'
T_WORKERS=1
T_FEATURES='["dualstack","pktinfo4","pktinfo6"]'

# The line pktinfod.exe logs at start when ntdll exports wine_get_version.
WINE_NOTE="running under Wine"

# t_wine OUT ERR PROGRAM.exe [ARG]...: run a Windows program of this build
# under Wine; its stdout and stderr land in OUT and ERR without the CRs of
# Windows text streams (.ci/WINDOWS.md P2).  The program's exit status.
t_wine() {
	out=$1 err=$2
	shift 2
	$RUN "$@" >"$out.raw" 2>"$err.raw"
	rc=$?
	tr -d '\r' <"$out.raw" >"$out"
	tr -d '\r' <"$err.raw" >"$err"
	rm -f "$out.raw" "$err.raw"
	return $rc
}
