#!/usr/bin/env bash
# Install every Debian package ebpfs needs to build, run and test.
# Idempotent: packages already present are not reinstalled.
set -euo pipefail

pkgs=(
	build-essential meson ninja-build pkg-config
	clang llvm			# clang -target bpf, llvm-objdump
	libelf-dev zlib1g-dev
	libfuse3-dev fuse3
	libcmocka-dev
	libbpf-dev			# bpf_helpers.h for the BPF C test programs only
	bpftool				# independent witness in tests, benchmarks
	iproute2 kmod procps util-linux python3
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
