/* SPDX-License-Identifier: MIT */
/*
 * attach.h - attach points and links.
 *
 * Three steps, each usable on its own:
 *
 *   eb_attach_parse()	turns an attach line ("xdp eth0 drv", "auto", ...)
 *			into a struct eb_attach_spec, without touching the
 *			kernel or the file system;
 *   eb_attach()	attaches a loaded program where the spec says and
 *			returns a struct eb_link;
 *   eb_link_*()	describe, pin, reopen, update (replace the program in
 *			place), detach and close links.
 *
 * Attach lines (words separated by blanks; paths cannot hold blanks):
 *
 *   auto [ARG]				the hook the section name says (below)
 *   xdp IFNAME [skb|drv|hw]		XDP link (no mode: the kernel picks)
 *   tc IFNAME ingress|egress [tcx|netlink]
 *					tcx link; where the kernel has no tcx
 *					(or with "netlink") a clsact qdisc and a
 *					direct-action cls_bpf filter
 *   tracepoint CATEGORY/NAME		perf event + link (CATEGORY:NAME too)
 *   raw_tracepoint NAME		(also raw_tp NAME)
 *   tp_btf|fentry|fexit|fmod_ret|lsm|iter [TARGET]
 *					the BTF target was fixed when the program
 *					was loaded (section name); a TARGET given
 *					here must name the same one
 *   cgroup PATH [ATTACH_TYPE]		cgroup link (always multi); ATTACH_TYPE as
 *					bpftool spells it ("cgroup_inet_ingress")
 *					or short ("ingress", "connect4", "sock_ops");
 *					default: the program's expected attach type
 *   netns PATH				sk_lookup / flow_dissector (e.g. /proc/self/ns/net,
 *					/run/netns/NAME)
 *   sockmap MAP [stream_parser|stream_verdict|verdict|msg_verdict]
 *					sk_skb / sk_msg programs; MAP is resolved by
 *					struct eb_attach_opts.map_fd, or else: a pinned
 *					path (starts with '/'), "id:N", or the kernel
 *					name of a sockmap/sockhash (must be unique)
 *   uprobe BINARY:SYMBOL[+OFFSET]	BINARY is an absolute path; SYMBOL is
 *   uretprobe BINARY:SYMBOL[+OFFSET]	looked up in .symtab, then .dynsym
 *					(libelf) or is a number (a file offset)
 *   kprobe FUNCTION[+OFFSET]		through the kprobe PMU
 *   kretprobe FUNCTION
 *   perf_event EVENT FREQ		software/hardware EVENT (cpu-clock,
 *					task-clock, page-faults, context-switches,
 *					cpu-migrations, cycles, instructions)
 *					sampled FREQ times a second on every
 *					online CPU: one link per CPU
 *
 * `auto` by section name (eb_sec_def_find(), core/section.c):
 *   tracepoint/C/N, tp/C/N -> tracepoint; raw_tp/N -> raw_tracepoint;
 *   tp_btf/, fentry/, fexit/, fmod_ret/, lsm/, iter/ -> the same keyword;
 *   uprobe/BINARY:SYM, uretprobe/... -> uprobe / uretprobe;
 *   kprobe/F, kretprobe/F -> kprobe / kretprobe;
 *   xdp -> "xdp ARG"; tc/ingress, tcx/egress ... -> "tc ARG DIR";
 *   cgroup types -> "cgroup ARG" with the expected attach type;
 *   sk_lookup, flow_dissector -> "netns ARG" (ARG default /proc/self/ns/net);
 *   sk_skb*, sk_msg -> "sockmap ARG".
 * Sections that need ARG and lack it fail with a message that says what
 * to write instead.
 *
 * Errors: every function that can fail on user input takes an optional
 * struct eb_strbuf *errmsg (may be NULL).  On failure it is reset and
 * receives one line, without a newline, that names the word at fault:
 *	attach: 'xdp' needs an interface name
 *	attach: no such interface 'eth9'
 *	attach: kprobe: this kernel has no kprobe PMU (...)
 * The same line goes to the log (eb_warn, subsystem "attach").
 * Returns:  -EINVAL  a line that does not parse, a hook that does not fit
 *		      the program type
 *	     -ENOENT  a target that does not exist (interface, tracepoint,
 *		      binary, symbol, cgroup, map, BTF function)
 *	     -EOPNOTSUPP  a hook this kernel lacks (no kprobe PMU, ...)
 *	     otherwise the kernel's errno for a hook it refuses.
 *
 * Nothing here is thread safe per link; different links are independent.
 */
#ifndef EB_ATTACH_H
#define EB_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "uapi_ext.h"

struct eb_strbuf;

enum eb_hook {
	EB_HOOK_NONE = 0,
	EB_HOOK_XDP,
	EB_HOOK_TC,
	EB_HOOK_TRACEPOINT,
	EB_HOOK_RAW_TP,
	EB_HOOK_TP_BTF,
	EB_HOOK_FENTRY,
	EB_HOOK_FEXIT,
	EB_HOOK_FMOD_RET,
	EB_HOOK_LSM,
	EB_HOOK_ITER,
	EB_HOOK_CGROUP,
	EB_HOOK_NETNS,
	EB_HOOK_SOCKMAP,
	EB_HOOK_UPROBE,
	EB_HOOK_URETPROBE,
	EB_HOOK_KPROBE,
	EB_HOOK_KRETPROBE,
	EB_HOOK_PERF_EVENT,
	EB_HOOK_MAX,
};

/* The keyword of a hook ("xdp", "raw_tracepoint", ...); "?" if unknown. */
const char *eb_hook_str(enum eb_hook hook);

enum eb_tc_mode {
	EB_TC_AUTO = 0,		/* tcx, netlink where the kernel lacks tcx */
	EB_TC_TCX,		/* tcx only */
	EB_TC_NETLINK,		/* clsact + cls_bpf through rtnetlink only */
};

/*
 * A parsed attach line.  Strings are allocated and owned by the spec;
 * release with eb_attach_spec_release() (safe twice, and on a zeroed spec).
 */
struct eb_attach_spec {
	enum eb_hook hook;
	uint32_t prog_type;	/* as given to eb_attach_parse() (0: unknown) */
	uint32_t attach_type;	/* BPF attach type for link create (cgroup, netns,
				 * sockmap, tcx, tracing); 0 where not used */
	char *target;		/* IFNAME, CATEGORY/NAME, tp name, BTF target ("" when
				 * none), cgroup/netns PATH, MAP, BINARY, FUNCTION,
				 * EVENT */
	char *symbol;		/* uprobe: SYMBOL; NULL otherwise */
	uint64_t offset;	/* uprobe / kprobe: +OFFSET (uprobe with a numeric
				 * SYMBOL: that file offset) */
	uint32_t xdp_flags;	/* XDP_FLAGS_SKB_MODE / DRV_MODE / HW_MODE, 0: any */
	bool egress;		/* tc */
	enum eb_tc_mode tc_mode;
	uint64_t freq;		/* perf_event: samples per second */
	char *line;		/* the canonical explicit line ("xdp veth0 drv"):
				 * never "auto"; parses back to the same spec */
	bool self_netns;	/* "auto" without a path chose the caller's
				 * network namespace (/proc/self/ns/net) */
};

/*
 * Parse one attach line (a trailing newline is ignored).  prog_type and
 * expected_attach_type are the program's (0 when unknown: then the
 * type check is left to the kernel); sec_name is its ELF section name
 * (NULL when unknown: then `auto` fails with -EINVAL).  On success *spec is
 * filled (the caller releases it) and 0 is returned; on failure *spec is
 * zeroed and -EINVAL / -ENOMEM is returned with the message in errmsg.
 */
int eb_attach_parse(const char *line, uint32_t prog_type, uint32_t expected_attach_type,
		    const char *sec_name, struct eb_attach_spec *spec,
		    struct eb_strbuf *errmsg);
void eb_attach_spec_release(struct eb_attach_spec *spec);

/* --- links ------------------------------------------------------------------ */

enum eb_link_kind {
	EB_LINK_BPF = 0,	/* a kernel BPF link (fd, id) */
	EB_LINK_TC_NETLINK,	/* a cls_bpf filter on a clsact qdisc (no kernel link) */
	EB_LINK_PROG_ATTACH,	/* BPF_PROG_ATTACH to a map (sockmap on kernels
				 * without sockmap links; no kernel link) */
};

struct eb_link {
	enum eb_link_kind kind;
	enum eb_hook hook;	/* EB_HOOK_NONE when reopened from an fd whose
				 * link type does not say (see eb_link_from_fd) */
	int fd;			/* EB_LINK_BPF: the link fd, else -1 */
	uint32_t id;		/* EB_LINK_BPF: the kernel link id, else 0 */
	uint32_t prog_id;	/* the attached program */
	char *name;		/* entry name for a links/ directory: the id in
				 * decimal ("12"); "tc-IFINDEX-ingress-HANDLE" for
				 * netlink filters, "sockmap-MAPID-TYPE-PROGID" for
				 * prog attachments */
	char *line;		/* the canonical attach line, NULL when unknown
				 * (a link reopened from an fd) */
	/* perf_event: the links of CPUs after the first (fd/id is the first) */
	int *cpu_fds;
	uint32_t *cpu_ids;
	unsigned int cpu_cnt;
	/* EB_LINK_TC_NETLINK */
	uint32_t ifindex;
	uint32_t tc_parent;	/* TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS/EGRESS) */
	uint32_t tc_handle;
	uint32_t tc_prio;
	bool qdisc_created;	/* we created the clsact qdisc: delete it on detach
				 * once no filter is left on it */
	/* EB_LINK_PROG_ATTACH */
	uint32_t map_id;
	uint32_t attach_type;
};

struct eb_attach_opts {
	/*
	 * sockmap: return a new fd of the map named `name` (the caller's map
	 * names, e.g. the daemon's maps/ directory); eb_attach() closes it.
	 * -ENOENT: no such map.  NULL: resolved as the header comment says.
	 */
	int (*map_fd)(const char *name, void *ctx);
	void *ctx;
};

/*
 * Attach prog_fd (not taken) where spec says.  opts may be NULL.  On
 * success *out is a new link owned by the caller (eb_link_close()) and 0 is
 * returned.  Errors: see the header comment; nothing stays attached.
 * XDP, tc and netns targets are resolved in the caller's network namespace.
 */
int eb_attach(int prog_fd, const struct eb_attach_spec *spec,
	      const struct eb_attach_opts *opts, struct eb_link **out,
	      struct eb_strbuf *errmsg);

/*
 * Wrap an existing link fd (taken: closed by eb_link_close(), also on
 * failure).  The hook is derived from the kernel's link type where it says
 * enough; line stays NULL.  0 or -errno (-EINVAL: not a link fd).
 */
int eb_link_from_fd(int fd, struct eb_link **out);

/*
 * Pin a link at path in a bpffs (parents created as eb_pin() does).
 *   EB_LINK_BPF: the link at path; the links of further CPUs at "path@1",
 *     "path@2", ... (bpffs refuses names with a '.')
 *   other kinds: a symlink at path whose target is a record of what detach
 *     must undo ("ebpfs-tc ifindex=5 parent=ffff:fff2 handle=1 prio=49152
 *     qdisc=created prog=34"): bpffs keeps symlinks, so the record
 *     survives the process like a pin does.
 * 0 or -errno (-EEXIST: something is pinned there).
 */
int eb_link_pin(const struct eb_link *link, const char *path);
/* Remove what eb_link_pin() created (all of it; -ENOENT if nothing). */
int eb_link_unpin(const struct eb_link *link, const char *path);
/* Reopen a link pinned by eb_link_pin() (any kind, every CPU).  The line is
 * not known afterwards (NULL) for BPF links.  0 or -errno. */
int eb_link_open_pinned(const char *path, struct eb_link **out);

/*
 * Detach: BPF links with BPF_LINK_DETACH where the link type supports it
 * (xdp, tcx, cgroup, netns, sockmap, ...); for the others (perf event,
 * raw tracepoint, tracing, iter) the attachment ends when the last fd and
 * pin are gone: close the link and unpin it.  Netlink filters are deleted
 * (and the clsact qdisc when we created it and it is now empty); prog
 * attachments are detached.  The link stays allocated (close it).
 * 0 or -errno.
 */
int eb_link_detach(struct eb_link *link);
/* Close the fds and free the link; does not detach what is pinned or not
 * fd-bound (netlink filters, prog attachments).  NULL is fine. */
void eb_link_close(struct eb_link *link);

/*
 * Replace the program in place.  BPF links with BPF_LINK_UPDATE (xdp, tcx,
 * cgroup, netns, iter, sockmap): atomic, no event goes unprocessed.
 * Netlink filters: replaced in place with NLM_F_REPLACE (atomic too).
 * Links whose kernel type has no update (perf event, raw tracepoint,
 * tracing) and prog attachments: when the line is known, the new program is
 * attached first and then the old link detached (make before break: for
 * a moment both run, nothing is missed), and link is changed to the new
 * attachment (its id and name change: the caller re-pins).  Without a
 * line: -EOPNOTSUPP.  0 or -errno with errmsg.
 */
int eb_link_update(struct eb_link *link, int new_prog_fd, struct eb_strbuf *errmsg);

/*
 * Describe a link as "key: value" lines, appended to out:
 *	id: 12				(BPF links; "name: ..." for others)
 *	type: xdp			(the kernel's link type; "tc_netlink", "prog_attach")
 *	prog_id: 34
 *	target: ifindex 5 (veth0)	(what it is attached to)
 *	attach_type: ...		(where the link has one)
 *	line: xdp veth0			(when known)
 *	cpu_links: 13 14		(perf_event on several CPUs)
 * 0 or -errno.
 */
int eb_link_describe(const struct eb_link *link, struct eb_strbuf *out);
/* The same for any link fd / kernel link id (no line). */
int eb_link_describe_fd(int fd, struct eb_strbuf *out);
int eb_link_describe_id(uint32_t id, struct eb_strbuf *out);

/*
 * Run an iterator link (BPF_ITER_CREATE, read to EOF) and append its
 * output to out.  0 or -errno (-EINVAL: not an iterator link).
 */
int eb_iter_read(int link_fd, struct eb_strbuf *out);

/* --- helpers (exposed for tests and front ends) -------------------------- */

/*
 * The tracefs mount point: /sys/kernel/tracing when tracefs is mounted
 * there, else /sys/kernel/debug/tracing, else tracefs is mounted on
 * /sys/kernel/tracing.  Returns a static string, or NULL (mount failed:
 * errno-style code in *err when err is not NULL).
 */
const char *eb_tracefs_dir(int *err);
/* The id of tracepoint CATEGORY/NAME from tracefs, or -ENOENT. */
int eb_tracepoint_id(const char *category, const char *name);
/* The PMU type of /sys/bus/event_source/devices/NAME/type, or -ENOENT. */
int eb_pmu_type(const char *name);
/*
 * The file offset of SYMBOL (a function or object symbol of .symtab, else
 * .dynsym) in the ELF file binary: st_value mapped through the PT_LOAD
 * segment that holds it (or its section, for files without segments).
 * 0 with *off set, -ENOENT (no such file or symbol), -ENOEXEC (not ELF).
 */
int eb_elf_symbol_offset(const char *binary, const char *symbol, uint64_t *off);

#endif
