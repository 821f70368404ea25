# lib_wine.sh: what the Wine tests add to lib.sh.  The Windows programs of
# this build run under Wine through $RUN (tests/wine-run.sh, in the prefix
# make check made); the clients that query them are the native pktq and
# udpq of the build named by configure --with-native-build.  Sourced by
# tests/integration/t_win_*.sh.
. "$(dirname "$0")/lib.sh"

[ -n "${RUN:-}" ] || t_skip "not a Windows build: RUN is empty"
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
