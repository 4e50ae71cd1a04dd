#!/usr/bin/env bash
# What the Linux wheels are built against, installed in cibuildwheel's containers (pyproject.toml,
# [tool.cibuildwheel.linux] before-all): PortMidi, which the PortMidi binding links (auditwheel then copies it and
# libasound into the wheel), the ALSA headers, pkg-config (how setup.py finds PortMidi), and the kernel's sequencer
# header for the ALSA sequencer stand-in of the wheel tests (tests/alsaseq/fakeseq.c, built with gcc).
# The wheel build sets MIDOX_PORTMIDI=required: without PortMidi it fails there rather than ship no binding.
set -euo pipefail

say() { echo "tools/wheel-deps.sh: $*" >&2; }

if command -v dnf >/dev/null; then
    # manylinux_2_28 (AlmaLinux 8): PortMidi is not in the base repositories; EPEL has it, and EPEL's -devel
    # packages may need PowerTools.
    dnf install -y epel-release
    dnf config-manager --set-enabled powertools || say "no PowerTools repository to enable; going on without it"
    dnf install -y alsa-lib-devel pkgconf-pkg-config kernel-headers
    if ! dnf install -y portmidi-devel; then
        say "portmidi-devel is not installable from $(. /etc/os-release && echo "$PRETTY_NAME") with EPEL;" \
            "the wheels cannot have the PortMidi binding (MIDOX_PORTMIDI=required)"
        exit 1
    fi
elif command -v apk >/dev/null; then
    # musllinux_1_2 (Alpine): portmidi-dev is in the community repository.
    apk add --no-cache alsa-lib-dev portmidi-dev pkgconf linux-headers
else
    say "neither dnf (manylinux) nor apk (musllinux) is here: install PortMidi, the ALSA headers and pkg-config"
    exit 1
fi
pkg-config --modversion portmidi >/dev/null 2>&1 || say "pkg-config does not know portmidi; setup.py tries -lportmidi"
