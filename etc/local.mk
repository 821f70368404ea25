# etc/: the sample configuration and the systemd unit.

# The sample configuration (pktinfod.conf(5)): every key at its default.
# make install puts it in place only where there is none, so that an
# operator's edited file survives a reinstall; uninstall removes it only
# while it is still the sample.
pktinfodconfdir = $(sysconfdir)/pktinfod
CONF_SAMPLE = $(srcdir)/etc/pktinfod.conf
CONF_DEST = $(DESTDIR)$(pktinfodconfdir)/pktinfod.conf
install-data-local:
	$(MKDIR_P) '$(DESTDIR)$(pktinfodconfdir)'
	@if test -f '$(CONF_DEST)'; then \
	    echo "keeping $(CONF_DEST): the sample is not installed over it"; \
	else \
	    echo " $(INSTALL_DATA) $(CONF_SAMPLE) '$(CONF_DEST)'"; \
	    $(INSTALL_DATA) $(CONF_SAMPLE) '$(CONF_DEST)'; \
	fi
uninstall-local:
	@if cmp -s $(CONF_SAMPLE) '$(CONF_DEST)'; then \
	    echo " rm -f '$(CONF_DEST)'"; rm -f '$(CONF_DEST)'; \
	elif test -f '$(CONF_DEST)'; then \
	    echo "keeping $(CONF_DEST): it is not the sample"; \
	fi

# The systemd unit, with the installation directories make knows
# (substituted here rather than by configure, so that `make prefix=...`
# and `make sbindir=...` still hold: GNU Coding Standards, "Variables for
# Installation Directories"; the Autoconf manual, "Installation Directory
# Variables").
if INSTALL_UNIT
systemdsystemunit_DATA = etc/pktinfod.service
endif
etc/pktinfod.service: $(srcdir)/etc/pktinfod.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && rm -f $@ $@.tmp && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/etc/pktinfod.service.in >$@.tmp && mv $@.tmp $@
CLEANFILES += etc/pktinfod.service
# distcheck installs under its own prefix: the unit too, not into the
# host's systemd directory.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$$(prefix)/lib/systemd/system'

EXTRA_DIST += etc/pktinfod.conf etc/pktinfod.service.in
