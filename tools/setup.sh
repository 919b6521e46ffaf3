#!/usr/bin/env bash
# The README's first command: install, build, and run ebpfs.
#   tools/setup.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

bash tools/deps.sh
if [ -d "$build" ]; then
	meson setup --reconfigure "$build" >/dev/null
else
	meson setup "$build" >/dev/null
fi
ninja -C "$build"
bash tools/kernel-fs.sh

# Until the mount exists, the main job is the core's CLI loading the
# bundled example object and printing what it loaded.
"$build/tools/ebpfctl" obj show "$build/tools/xdp_hello.bpf.o"
"$build/tools/ebpfctl" obj load "$build/tools/xdp_hello.bpf.o"
