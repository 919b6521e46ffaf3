#!/usr/bin/env bash
# Mount the pseudo file systems ebpfs and its tests use, when missing.
set -euo pipefail
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing 2>/dev/null ||
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
