/* SPDX-License-Identifier: MIT */
/*
 * uapi_ext.h - kernel UAPI constants newer than the installed headers.
 *
 * The build uses the distribution's <linux/bpf.h> (Debian 12 ships 6.1),
 * while the running kernel may be much newer.  Everything the core needs
 * from later kernels is defined here, each guarded so a newer header wins.
 * Values are the kernel's ABI and never change once released.
 */
#ifndef EB_UAPI_EXT_H
#define EB_UAPI_EXT_H

#include <linux/bpf.h>
#include <linux/btf.h>

/* cpu v4 instruction forms (Linux 6.6) */
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80	/* LDX mode: sign-extending load */
#endif
#ifndef BPF_JCOND
#define BPF_JCOND	0xe0	/* JMP op: may_goto (off encodes target) */
#endif
/* BPF_ALU|BPF_END|BPF_TO_LE with class ALU64 is the unconditional bswap. */
#ifndef BPF_LOAD_ACQ
#define BPF_LOAD_ACQ	0x100	/* atomic imm: load-acquire (Linux 6.15) */
#define BPF_STORE_REL	0x110	/* atomic imm: store-release (Linux 6.15) */
#endif

/* Program types / attach types added after 6.1.  Numeric values are ABI. */
#define EB_PROG_TYPE_NETFILTER		32
#define EB_ATTACH_STRUCT_OPS		44
#define EB_ATTACH_NETFILTER		45
#define EB_ATTACH_TCX_INGRESS		46
#define EB_ATTACH_TCX_EGRESS		47
#define EB_ATTACH_TRACE_UPROBE_MULTI	48
#define EB_ATTACH_CGROUP_UNIX_CONNECT	49
#define EB_ATTACH_CGROUP_UNIX_SENDMSG	50
#define EB_ATTACH_CGROUP_UNIX_RECVMSG	51
#define EB_ATTACH_CGROUP_UNIX_GETPEERNAME 52
#define EB_ATTACH_CGROUP_UNIX_GETSOCKNAME 53
#define EB_ATTACH_NETKIT_PRIMARY	54
#define EB_ATTACH_NETKIT_PEER		55
#define EB_ATTACH_TRACE_KPROBE_SESSION	56
#define EB_ATTACH_TRACE_UPROBE_SESSION	57

/* Map types added after 6.1 */
#define EB_MAP_TYPE_CGRP_STORAGE	32
#define EB_MAP_TYPE_ARENA		33

/* Link types added after 6.1 */
#define EB_LINK_TYPE_NETFILTER		10
#define EB_LINK_TYPE_TCX		11
#define EB_LINK_TYPE_UPROBE_MULTI	12
#define EB_LINK_TYPE_NETKIT		13
#define EB_LINK_TYPE_SOCKMAP		14

/* Verifier log level bits (the kernel's BPF_LOG_LEVEL1/2 and BPF_LOG_STATS) */
#define EB_LOG_LEVEL1	1u	/* verbose: every instruction and the reason of a refusal */
#define EB_LOG_LEVEL2	2u	/* more verbose: every state */
#define EB_LOG_STATS	4u	/* statistics only: cheap */

/* Map flags added after 6.1 */
#ifndef BPF_F_LINK
#define BPF_F_LINK	(1U << 13)	/* struct_ops map usable as a link (6.4) */
#endif

/* Commands added after 6.1 */
#define EB_BPF_TOKEN_CREATE		36

#endif
