/* SPDX-License-Identifier: MIT */
/*
 * section.c - program type, expected attach type and flags from a SEC()
 * name, following libbpf's conventions.
 *
 * Supported section names (docs-ready; "+" means the name may be followed
 * by "/TARGET", which becomes eb_prog.attach_target):
 *
 * | section name                       | program type            | expected attach type             | flags      |
 * |------------------------------------|-------------------------|----------------------------------|------------|
 * | socket                             | SOCKET_FILTER           |                                  |            |
 * | sk_reuseport                       | SK_REUSEPORT            | SK_REUSEPORT_SELECT              |            |
 * | sk_reuseport/migrate               | SK_REUSEPORT            | SK_REUSEPORT_SELECT_OR_MIGRATE   |            |
 * | kprobe+ kretprobe+                 | KPROBE                  |                                  |            |
 * | uprobe+ uretprobe+                 | KPROBE                  |                                  |            |
 * | uprobe.s+ uretprobe.s+             | KPROBE                  |                                  | sleepable  |
 * | ksyscall+ kretsyscall+ usdt+       | KPROBE                  |                                  |            |
 * | kprobe.multi+ kretprobe.multi+     | KPROBE                  | TRACE_KPROBE_MULTI               |            |
 * | kprobe.session+                    | KPROBE                  | TRACE_KPROBE_SESSION             |            |
 * | uprobe.multi+ uretprobe.multi+     | KPROBE                  | TRACE_UPROBE_MULTI               |            |
 * | uprobe.multi.s+ uretprobe.multi.s+ | KPROBE                  | TRACE_UPROBE_MULTI               | sleepable  |
 * | tc  classifier+                    | SCHED_CLS               |                                  |            |
 * | tc/ingress tcx/ingress             | SCHED_CLS               | TCX_INGRESS                      |            |
 * | tc/egress tcx/egress               | SCHED_CLS               | TCX_EGRESS                       |            |
 * | netkit/primary netkit/peer         | SCHED_CLS               | NETKIT_PRIMARY / NETKIT_PEER     |            |
 * | action+                            | SCHED_ACT               |                                  |            |
 * | tracepoint+ tp+                    | TRACEPOINT              |                                  |            |
 * | raw_tracepoint+ raw_tp+            | RAW_TRACEPOINT          |                                  |            |
 * | raw_tracepoint.w+ raw_tp.w+        | RAW_TRACEPOINT_WRITABLE |                                  |            |
 * | tp_btf+                            | TRACING                 | TRACE_RAW_TP                     |            |
 * | fentry+ fexit+ fmod_ret+           | TRACING                 | TRACE_FENTRY / FEXIT / MODIFY_RETURN |        |
 * | fentry.s+ fexit.s+ fmod_ret.s+     | TRACING                 | (same)                           | sleepable  |
 * | freplace+                          | EXT                     |                                  |            |
 * | lsm+  lsm.s+                       | LSM                     | LSM_MAC                          | .s: sleepable |
 * | lsm_cgroup+                        | LSM                     | LSM_CGROUP                       |            |
 * | iter+  iter.s+                     | TRACING                 | TRACE_ITER                       | .s: sleepable |
 * | syscall                            | SYSCALL                 |                                  | sleepable  |
 * | xdp  xdp.frags                     | XDP                     | XDP                              | .frags: XDP_HAS_FRAGS |
 * | xdp/devmap xdp.frags/devmap        | XDP                     | XDP_DEVMAP                       | (same)     |
 * | xdp/cpumap xdp.frags/cpumap        | XDP                     | XDP_CPUMAP                       | (same)     |
 * | perf_event                         | PERF_EVENT              |                                  |            |
 * | lwt_in lwt_out lwt_xmit lwt_seg6local | LWT_IN / LWT_OUT / LWT_XMIT / LWT_SEG6LOCAL |         |            |
 * | sockops                            | SOCK_OPS                | CGROUP_SOCK_OPS                  |            |
 * | sk_skb/stream_parser               | SK_SKB                  | SK_SKB_STREAM_PARSER             |            |
 * | sk_skb/stream_verdict              | SK_SKB                  | SK_SKB_STREAM_VERDICT            |            |
 * | sk_skb/verdict                     | SK_SKB                  | SK_SKB_VERDICT                   |            |
 * | sk_skb                             | SK_SKB                  |                                  |            |
 * | sk_msg                             | SK_MSG                  | SK_MSG_VERDICT                   |            |
 * | lirc_mode2                         | LIRC_MODE2              | LIRC_MODE2                       |            |
 * | flow_dissector                     | FLOW_DISSECTOR          | FLOW_DISSECTOR                   |            |
 * | cgroup_skb/ingress  cgroup_skb/egress | CGROUP_SKB           | CGROUP_INET_INGRESS / _EGRESS    |            |
 * | cgroup/skb                         | CGROUP_SKB              |                                  |            |
 * | cgroup/sock_create cgroup/sock     | CGROUP_SOCK             | CGROUP_INET_SOCK_CREATE          |            |
 * | cgroup/sock_release                | CGROUP_SOCK             | CGROUP_INET_SOCK_RELEASE         |            |
 * | cgroup/post_bind4 cgroup/post_bind6 | CGROUP_SOCK            | CGROUP_INET4/6_POST_BIND         |            |
 * | cgroup/bind4 cgroup/bind6          | CGROUP_SOCK_ADDR        | CGROUP_INET4/6_BIND              |            |
 * | cgroup/connect4 6 _unix            | CGROUP_SOCK_ADDR        | CGROUP_INET4/6/UNIX_CONNECT      |            |
 * | cgroup/sendmsg4 6 _unix            | CGROUP_SOCK_ADDR        | CGROUP_UDP4/6/UNIX_SENDMSG       |            |
 * | cgroup/recvmsg4 6 _unix            | CGROUP_SOCK_ADDR        | CGROUP_UDP4/6/UNIX_RECVMSG       |            |
 * | cgroup/getpeername4 6 _unix        | CGROUP_SOCK_ADDR        | CGROUP_INET4/6/UNIX_GETPEERNAME  |            |
 * | cgroup/getsockname4 6 _unix        | CGROUP_SOCK_ADDR        | CGROUP_INET4/6/UNIX_GETSOCKNAME  |            |
 * | cgroup/sysctl                      | CGROUP_SYSCTL           | CGROUP_SYSCTL                    |            |
 * | cgroup/getsockopt cgroup/setsockopt | CGROUP_SOCKOPT         | CGROUP_GETSOCKOPT / SETSOCKOPT   |            |
 * | cgroup/dev                         | CGROUP_DEVICE           | CGROUP_DEVICE                    |            |
 * | struct_ops+ struct_ops.s+          | STRUCT_OPS              |                                  | .s: sleepable |
 * | sk_lookup                          | SK_LOOKUP               | SK_LOOKUP                        |            |
 * | netfilter                          | NETFILTER               | NETFILTER                        |            |
 *
 * Matching: an exact name first; then "NAME/TARGET" for the "+" entries;
 * then, for old objects, the longest entry the section name starts with
 * ("xdp_prog" -> xdp, "socket1" -> socket, "classifier_x" -> classifier).
 * The expected attach type is passed to BPF_PROG_LOAD as listed.
 * Programs in other sections are parsed and listed but not loaded.
 */
#include <string.h>

#include "object.h"

#define PT(x) BPF_PROG_TYPE_##x
#define AT(x) BPF_##x
#define SL BPF_F_SLEEPABLE
#define FR BPF_F_XDP_HAS_FRAGS

/* { prefix, prog type, expected attach type, flags, takes target } */
static const struct eb_sec_def sec_defs[] = {
	{ "socket", PT(SOCKET_FILTER), 0, 0, false },
	{ "sk_reuseport/migrate", PT(SK_REUSEPORT), AT(SK_REUSEPORT_SELECT_OR_MIGRATE), 0, false },
	{ "sk_reuseport", PT(SK_REUSEPORT), AT(SK_REUSEPORT_SELECT), 0, false },
	{ "kprobe", PT(KPROBE), 0, 0, true },
	{ "kretprobe", PT(KPROBE), 0, 0, true },
	{ "uprobe", PT(KPROBE), 0, 0, true },
	{ "uretprobe", PT(KPROBE), 0, 0, true },
	{ "uprobe.s", PT(KPROBE), 0, SL, true },
	{ "uretprobe.s", PT(KPROBE), 0, SL, true },
	{ "kprobe.multi", PT(KPROBE), AT(TRACE_KPROBE_MULTI), 0, true },
	{ "kretprobe.multi", PT(KPROBE), AT(TRACE_KPROBE_MULTI), 0, true },
	{ "kprobe.session", PT(KPROBE), EB_ATTACH_TRACE_KPROBE_SESSION, 0, true },
	{ "uprobe.multi", PT(KPROBE), EB_ATTACH_TRACE_UPROBE_MULTI, 0, true },
	{ "uretprobe.multi", PT(KPROBE), EB_ATTACH_TRACE_UPROBE_MULTI, 0, true },
	{ "uprobe.multi.s", PT(KPROBE), EB_ATTACH_TRACE_UPROBE_MULTI, SL, true },
	{ "uretprobe.multi.s", PT(KPROBE), EB_ATTACH_TRACE_UPROBE_MULTI, SL, true },
	{ "ksyscall", PT(KPROBE), 0, 0, true },
	{ "kretsyscall", PT(KPROBE), 0, 0, true },
	{ "usdt", PT(KPROBE), 0, 0, true },
	{ "usdt.s", PT(KPROBE), 0, SL, true },
	{ "tc/ingress", PT(SCHED_CLS), EB_ATTACH_TCX_INGRESS, 0, false },
	{ "tc/egress", PT(SCHED_CLS), EB_ATTACH_TCX_EGRESS, 0, false },
	{ "tcx/ingress", PT(SCHED_CLS), EB_ATTACH_TCX_INGRESS, 0, false },
	{ "tcx/egress", PT(SCHED_CLS), EB_ATTACH_TCX_EGRESS, 0, false },
	{ "netkit/primary", PT(SCHED_CLS), EB_ATTACH_NETKIT_PRIMARY, 0, false },
	{ "netkit/peer", PT(SCHED_CLS), EB_ATTACH_NETKIT_PEER, 0, false },
	{ "tc", PT(SCHED_CLS), 0, 0, false },
	{ "classifier", PT(SCHED_CLS), 0, 0, true },
	{ "action", PT(SCHED_ACT), 0, 0, true },
	{ "tracepoint", PT(TRACEPOINT), 0, 0, true },
	{ "tp", PT(TRACEPOINT), 0, 0, true },
	{ "raw_tracepoint", PT(RAW_TRACEPOINT), 0, 0, true },
	{ "raw_tp", PT(RAW_TRACEPOINT), 0, 0, true },
	{ "raw_tracepoint.w", PT(RAW_TRACEPOINT_WRITABLE), 0, 0, true },
	{ "raw_tp.w", PT(RAW_TRACEPOINT_WRITABLE), 0, 0, true },
	{ "tp_btf", PT(TRACING), AT(TRACE_RAW_TP), 0, true },
	{ "fentry", PT(TRACING), AT(TRACE_FENTRY), 0, true },
	{ "fmod_ret", PT(TRACING), AT(MODIFY_RETURN), 0, true },
	{ "fexit", PT(TRACING), AT(TRACE_FEXIT), 0, true },
	{ "fentry.s", PT(TRACING), AT(TRACE_FENTRY), SL, true },
	{ "fmod_ret.s", PT(TRACING), AT(MODIFY_RETURN), SL, true },
	{ "fexit.s", PT(TRACING), AT(TRACE_FEXIT), SL, true },
	{ "freplace", PT(EXT), 0, 0, true },
	{ "lsm", PT(LSM), AT(LSM_MAC), 0, true },
	{ "lsm.s", PT(LSM), AT(LSM_MAC), SL, true },
	{ "lsm_cgroup", PT(LSM), AT(LSM_CGROUP), 0, true },
	{ "iter", PT(TRACING), AT(TRACE_ITER), 0, true },
	{ "iter.s", PT(TRACING), AT(TRACE_ITER), SL, true },
	{ "syscall", PT(SYSCALL), 0, SL, false },
	{ "xdp.frags/devmap", PT(XDP), AT(XDP_DEVMAP), FR, false },
	{ "xdp/devmap", PT(XDP), AT(XDP_DEVMAP), 0, false },
	{ "xdp.frags/cpumap", PT(XDP), AT(XDP_CPUMAP), FR, false },
	{ "xdp/cpumap", PT(XDP), AT(XDP_CPUMAP), 0, false },
	{ "xdp.frags", PT(XDP), AT(XDP), FR, false },
	{ "xdp", PT(XDP), AT(XDP), 0, false },
	{ "perf_event", PT(PERF_EVENT), 0, 0, false },
	{ "lwt_in", PT(LWT_IN), 0, 0, false },
	{ "lwt_out", PT(LWT_OUT), 0, 0, false },
	{ "lwt_xmit", PT(LWT_XMIT), 0, 0, false },
	{ "lwt_seg6local", PT(LWT_SEG6LOCAL), 0, 0, false },
	{ "sockops", PT(SOCK_OPS), AT(CGROUP_SOCK_OPS), 0, false },
	{ "sk_skb/stream_parser", PT(SK_SKB), AT(SK_SKB_STREAM_PARSER), 0, false },
	{ "sk_skb/stream_verdict", PT(SK_SKB), AT(SK_SKB_STREAM_VERDICT), 0, false },
	{ "sk_skb/verdict", PT(SK_SKB), AT(SK_SKB_VERDICT), 0, false },
	{ "sk_skb", PT(SK_SKB), 0, 0, false },
	{ "sk_msg", PT(SK_MSG), AT(SK_MSG_VERDICT), 0, false },
	{ "lirc_mode2", PT(LIRC_MODE2), AT(LIRC_MODE2), 0, false },
	{ "flow_dissector", PT(FLOW_DISSECTOR), AT(FLOW_DISSECTOR), 0, false },
	{ "cgroup_skb/ingress", PT(CGROUP_SKB), AT(CGROUP_INET_INGRESS), 0, false },
	{ "cgroup_skb/egress", PT(CGROUP_SKB), AT(CGROUP_INET_EGRESS), 0, false },
	{ "cgroup/skb", PT(CGROUP_SKB), 0, 0, false },
	{ "cgroup/sock_create", PT(CGROUP_SOCK), AT(CGROUP_INET_SOCK_CREATE), 0, false },
	{ "cgroup/sock_release", PT(CGROUP_SOCK), AT(CGROUP_INET_SOCK_RELEASE), 0, false },
	{ "cgroup/sock", PT(CGROUP_SOCK), AT(CGROUP_INET_SOCK_CREATE), 0, false },
	{ "cgroup/post_bind4", PT(CGROUP_SOCK), AT(CGROUP_INET4_POST_BIND), 0, false },
	{ "cgroup/post_bind6", PT(CGROUP_SOCK), AT(CGROUP_INET6_POST_BIND), 0, false },
	{ "cgroup/bind4", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET4_BIND), 0, false },
	{ "cgroup/bind6", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET6_BIND), 0, false },
	{ "cgroup/connect4", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET4_CONNECT), 0, false },
	{ "cgroup/connect6", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET6_CONNECT), 0, false },
	{ "cgroup/connect_unix", PT(CGROUP_SOCK_ADDR), EB_ATTACH_CGROUP_UNIX_CONNECT, 0, false },
	{ "cgroup/sendmsg4", PT(CGROUP_SOCK_ADDR), AT(CGROUP_UDP4_SENDMSG), 0, false },
	{ "cgroup/sendmsg6", PT(CGROUP_SOCK_ADDR), AT(CGROUP_UDP6_SENDMSG), 0, false },
	{ "cgroup/sendmsg_unix", PT(CGROUP_SOCK_ADDR), EB_ATTACH_CGROUP_UNIX_SENDMSG, 0, false },
	{ "cgroup/recvmsg4", PT(CGROUP_SOCK_ADDR), AT(CGROUP_UDP4_RECVMSG), 0, false },
	{ "cgroup/recvmsg6", PT(CGROUP_SOCK_ADDR), AT(CGROUP_UDP6_RECVMSG), 0, false },
	{ "cgroup/recvmsg_unix", PT(CGROUP_SOCK_ADDR), EB_ATTACH_CGROUP_UNIX_RECVMSG, 0, false },
	{ "cgroup/getpeername4", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET4_GETPEERNAME), 0, false },
	{ "cgroup/getpeername6", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET6_GETPEERNAME), 0, false },
	{ "cgroup/getpeername_unix", PT(CGROUP_SOCK_ADDR), EB_ATTACH_CGROUP_UNIX_GETPEERNAME, 0, false },
	{ "cgroup/getsockname4", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET4_GETSOCKNAME), 0, false },
	{ "cgroup/getsockname6", PT(CGROUP_SOCK_ADDR), AT(CGROUP_INET6_GETSOCKNAME), 0, false },
	{ "cgroup/getsockname_unix", PT(CGROUP_SOCK_ADDR), EB_ATTACH_CGROUP_UNIX_GETSOCKNAME, 0, false },
	{ "cgroup/sysctl", PT(CGROUP_SYSCTL), AT(CGROUP_SYSCTL), 0, false },
	{ "cgroup/getsockopt", PT(CGROUP_SOCKOPT), AT(CGROUP_GETSOCKOPT), 0, false },
	{ "cgroup/setsockopt", PT(CGROUP_SOCKOPT), AT(CGROUP_SETSOCKOPT), 0, false },
	{ "cgroup/dev", PT(CGROUP_DEVICE), AT(CGROUP_DEVICE), 0, false },
	{ "struct_ops", PT(STRUCT_OPS), 0, 0, true },
	{ "struct_ops.s", PT(STRUCT_OPS), 0, SL, true },
	{ "sk_lookup", PT(SK_LOOKUP), AT(SK_LOOKUP), 0, false },
	{ "netfilter", EB_PROG_TYPE_NETFILTER, EB_ATTACH_NETFILTER, 0, false },
	{ NULL, 0, 0, 0, false },
};

const struct eb_sec_def *eb_sec_defs(void)
{
	return sec_defs;
}

const struct eb_sec_def *eb_sec_def_find(const char *name, const char **target)
{
	const struct eb_sec_def *d, *best = NULL;
	size_t len, best_len = 0;

	if (target)
		*target = "";
	if (!name)
		return NULL;
	for (d = sec_defs; d->prefix; d++)
		if (!strcmp(name, d->prefix))
			return d;
	/* "prefix/TARGET": the longest entry that takes a target */
	for (d = sec_defs; d->prefix; d++) {
		len = strlen(d->prefix);
		if (d->takes_target && len > best_len &&
		    !strncmp(name, d->prefix, len) && name[len] == '/') {
			best = d;
			best_len = len;
		}
	}
	if (best) {
		if (target)
			*target = name + best_len + 1;
		return best;
	}
	/* old objects: any name starting with an entry */
	for (d = sec_defs; d->prefix; d++) {
		len = strlen(d->prefix);
		if (len > best_len && !strncmp(name, d->prefix, len)) {
			best = d;
			best_len = len;
		}
	}
	return best;
}
