#!/usr/bin/env bash
# The README's first command: install what is needed, build, and mount
# ebpfs, ready to use.
#   tools/setup.sh [MOUNTPOINT] [BUILD_DIR]     (defaults: /mnt/bpf, build)
set -euo pipefail
cd "$(dirname "$0")/.."
mnt=${1:-/mnt/bpf}
build=${2:-build}

bash tools/deps.sh
if [ -d "$build" ]; then
	meson setup --reconfigure "$build" >/dev/null
else
	meson setup "$build" >/dev/null
fi
ninja -C "$build"
bash tools/kernel-fs.sh

# A daemon from an earlier run is replaced; what it loaded stays pinned
# and the new daemon shows it again.
# A daemon that was killed leaves a dead mount (ENOTCONN): unmount lazily.
if mountpoint -q "$mnt" 2>/dev/null || ! stat "$mnt" >/dev/null 2>&1; then
	fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -u -z "$mnt" 2>/dev/null ||
		umount -l "$mnt" 2>/dev/null || true
fi
mkdir -p "$mnt"
# Per-CPU io_uring queues instead of /dev/fuse (Linux 6.14+; README.md,
# "FUSE over io_uring").  EBPFS_URING=N leaves the kernel setting alone.
uring_param=/sys/module/fuse/parameters/enable_uring
if [ "${EBPFS_URING:-Y}" = Y ] && [ -w "$uring_param" ]; then
	echo Y >"$uring_param"
fi
"$build/fs/ebpfs" "$mnt"

# The example object, so there is something to look at.
if [ ! -e "$mnt/progs/xdp_hello.bpf.o" ]; then
	cp "$build/tools/xdp_hello.bpf.o" "$mnt/progs/"
fi
echo "ebpfs is mounted on $mnt:"
ls "$mnt" "$mnt/progs" "$mnt/maps"
cat <<EOT

Try:
    cat $mnt/progs/hello_xdp/info
    cat $mnt/maps/hello_count/0
    echo 7 > $mnt/maps/hello_count/0
    rm $mnt/progs/xdp_hello.bpf.o
    fusermount3 -u $mnt        # unmount (what is loaded stays pinned)
EOT
