/* SPDX-License-Identifier: MIT */
/*
 * attach_priv.h - internals shared by attach.c (lines, attaching),
 * link.c (links), netlink.c (tc through rtnetlink) and probe.c (tracefs,
 * PMUs, ELF symbols).  Front ends include attach.h only.
 */
#ifndef EB_ATTACH_PRIV_H
#define EB_ATTACH_PRIV_H

#include <stdint.h>

#include "attach.h"
#include "strbuf.h"

/*
 * Report a failure: reset errmsg (may be NULL) and fill it with
 * "attach: " + the formatted text, log the same line, return err.
 */
int eb_att_fail(struct eb_strbuf *errmsg, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A zeroed link with every fd -1; NULL when out of memory. */
struct eb_link *eb_att_link_new(enum eb_link_kind kind, enum eb_hook hook);
/* Set link->name from the kind's fields (id, tc, map).  0 or -ENOMEM. */
int eb_att_link_set_name(struct eb_link *link);

/* --- netlink.c ------------------------------------------------------------ */

/*
 * Add a direct-action cls_bpf filter for prog_fd at ifindex's clsact
 * ingress or egress, creating the clsact qdisc when there is none.  Fills
 * link's tc fields (ifindex, parent, handle, prio, qdisc_created).  On
 * failure nothing stays (a qdisc we created is deleted again).  0 or -errno.
 */
int eb_nl_tc_attach(uint32_t ifindex, bool egress, int prog_fd, const char *prog_name,
		    struct eb_link *link);
/* Swap the filter's program in place (NLM_F_REPLACE). */
int eb_nl_tc_replace(const struct eb_link *link, int prog_fd, const char *prog_name);
/* Delete the filter; then the qdisc if qdisc_created and no filter is left. */
int eb_nl_tc_detach(const struct eb_link *link);
/* Number of filters on ifindex's clsact (both directions), or -errno. */
int eb_nl_tc_filter_count(uint32_t ifindex);

/* --- probe.c -------------------------------------------------------------- */

/* perf_event_open(2) with close-on-exec: the fd or -errno. */
int eb_att_perf_event_open(void *attr, int pid, int cpu);
/* The bit of "config" that the PMU's format/retprobe names (0 when the file
 * is absent), or -errno. */
int eb_att_pmu_retprobe_bit(const char *pmu);
/* The online CPUs as a list: *cpus allocated (caller frees), count returned. */
int eb_att_online_cpus(int **cpus);

#endif
