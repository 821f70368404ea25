# tests/: what every kind of test shares (tests/README.md tells what each
# proves).  make check runs the unit tests, then the integration tests;
# on Windows the programs run under Wine.

# Check is the unit tests' framework, and configure does without it: then
# make check stops here (once make all is done), before building any test.
if !HAVE_CHECK
check-am: check-needs-check
check-needs-check:
	@echo "make check needs Check, which configure did not find:" \
	    "install the Debian package check, then run configure again" >&2
	@exit 1
endif

TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
TESTS_ENVIRONMENT = \
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)'; \
	EXEEXT='$(EXEEXT)'; RUN='$(RUN)'; WINEPREFIX='$(WINEPREFIX_DIR)'; \
	NATIVE_BUILDDIR='$(NATIVE_BUILDDIR)'; \
	export top_builddir top_srcdir EXEEXT RUN WINEPREFIX NATIVE_BUILDDIR;
EXTRA_DIST += tests/README.md tests/sanitize.sh tests/wine-run.sh

if WINDOWS
# Windows programs run under Wine, all in one prefix made afresh for every
# make check (.ci/WINDOWS.md P3, P4, P7); shell tests start them via $RUN.
LOG_COMPILER = $(SHELL) $(srcdir)/tests/wine-run.sh
RUN = $(SHELL) $(abs_top_srcdir)/tests/wine-run.sh
WINEPREFIX_DIR = $(abs_top_builddir)/tests/wineprefix
# One fresh prefix per make check (wine-run.sh --init replaces the old
# one), made in the sub-make that writes the test logs: a check_DATA item
# would be made twice.  Removed again once the tests are done, and by make
# clean when they failed.
$(TEST_LOGS): tests/wineprefix
tests/wineprefix: FORCE
	$(AM_V_GEN)WINEPREFIX='$(WINEPREFIX_DIR)' \
	    $(SHELL) $(srcdir)/tests/wine-run.sh --init
# No such file, so always out of date.
FORCE:
check-local: check-TESTS
	-WINEPREFIX='$(WINEPREFIX_DIR)' $(SHELL) $(srcdir)/tests/wine-run.sh --remove
clean-local:
	-WINEPREFIX='$(WINEPREFIX_DIR)' $(SHELL) $(srcdir)/tests/wine-run.sh --remove
else
RUN =
WINEPREFIX_DIR =
endif
