"""deploy/centre-test: every role installed by install.sh on its own Debian 12 machine (a
systemd-nspawn container booted with systemd), wired on a private LAN, driven through a day with
faults. See docs/install.md, "The centre test"."""
