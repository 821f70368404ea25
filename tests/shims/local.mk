# tests/shims/: LD_PRELOAD shims for the integration tests, shared objects
# for make check only, built by plain rules since the project does not use
# libtool.  shim_sockfail.so fakes kernels without IPv6 or IPv4
# (t_fallback.sh); shim_malloc.so counts allocations (t_alloc.sh).
if !WINDOWS
check_DATA += tests/shims/shim_sockfail.so tests/shims/shim_malloc.so
endif
tests/shims/shim_malloc.so: $(srcdir)/tests/shims/shim_malloc.c
	$(AM_V_CC)$(MKDIR_P) tests/shims && $(CC) $(WARN_CFLAGS) $(CFLAGS) \
	    -shared -fPIC -o $@ $(srcdir)/tests/shims/shim_malloc.c
tests/shims/shim_sockfail.so: $(srcdir)/tests/shims/shim_sockfail.c
	$(AM_V_CC)$(MKDIR_P) tests/shims && $(CC) $(WARN_CFLAGS) $(CFLAGS) \
	    -shared -fPIC -o $@ $(srcdir)/tests/shims/shim_sockfail.c -ldl
CLEANFILES += tests/shims/shim_malloc.so tests/shims/shim_sockfail.so
EXTRA_DIST += tests/shims/shim_sockfail.c tests/shims/shim_malloc.c
