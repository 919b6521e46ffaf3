/* SPDX-License-Identifier: MIT */
/*
 * test_attach.h - fixtures shared by the attach tests (test_attach.c,
 * test_attach_net.c, test_attach_trace.c), defined in
 * test_attach_common.c, which each of them links.
 *
 * What a test attaches is tracked: the per-test teardown
 * (att_test_teardown()) detaches and closes every tracked link and object
 * and returns to the original network namespace, also after a failure;
 * the group teardown removes the fixtures (network namespaces with their
 * veth pair, the cgroup directory, the private bpffs), as does a SIGTERM
 * or SIGINT (meson's timeout).
 *
 * Helpers documented as "asserting" fail the calling test through cmocka
 * when they cannot do their job.  Include after <cmocka.h> and
 * testutil.h.
 */
#ifndef EB_TEST_ATTACH_H
#define EB_TEST_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "object.h"

#define ATT_PORT 31337			/* UDP port the att_net programs count */
#define ATT_CG_PORT 31338		/* ... and the cgroup_skb program */
#define ATT_ADDR_A "10.199.77.1"	/* eba0 in att_ns_a */
#define ATT_ADDR_B "10.199.77.2"	/* ebb0 in att_ns_b */

/* --- fixtures (set up by the group setup) ---------------------------------- */

extern bool att_have_bpf;		/* root, and bpf(2) works */
extern bool att_have_net;		/* att_ns_a / att_ns_b exist */
extern char att_ns_a[64], att_ns_b[64];	/* network namespaces we created */
extern char *att_bpffs;			/* a private bpffs mount, or NULL */
extern char att_cgroot[512];		/* the cgroup v2 root we use, or "" */
extern char att_cgdir[600];		/* our cgroup v2 directory, or "" */

/* Skip the calling test visibly without root and bpf(2) / without the
 * network namespaces. */
#define ATT_REQUIRE_BPF() \
	TU_SKIP_UNLESS(att_have_bpf, "needs root and bpf(2)")
#define ATT_REQUIRE_NET() do {						\
	ATT_REQUIRE_BPF();						\
	TU_SKIP_UNLESS(att_have_net, "cannot create network namespaces / veth"); \
} while (0)

/* Group setup: log capture (WARN), the bpffs and the cgroup directory;
 * att_group_setup_net() also the namespaces with a veth pair between
 * them.  Both return 0 (a missing fixture makes the tests that need it
 * skip). */
int att_group_setup(void **state);
int att_group_setup_net(void **state);
/* Group teardown: everything the group setup made, and every tracked
 * link and object.  Returns 0. */
int att_group_teardown(void **state);
/* Per-test teardown (see the header comment).  Returns 0. */
int att_test_teardown(void **state);

/* A cmocka test with att_test_teardown(). */
#define ATT_T(f) cmocka_unit_test_teardown(f, att_test_teardown)

/* --- commands --------------------------------------------------------------- */

/* Run the command (printf arguments) with /bin/sh, its output dropped:
 * its exit status, or -1 when it did not exit normally or did not run. */
int att_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The standard output of the command (printf arguments), "" when it
 * could not run.  Owned here: valid until the next call. */
const char *att_output(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- objects and links, tracked for the teardown --------------------------- */

/* Open and load $EB_BPF_DIR/NAME.bpf.o (tracked).  Asserting. */
struct eb_object *att_load(const char *name);
/* Track obj (opened elsewhere) so that the teardown closes it. */
void att_adopt(struct eb_object *obj);
/* Close a tracked object now (and forget it). */
void att_obj_close(struct eb_object *obj);

/* The loaded program `name` of obj.  Asserting: it exists and has an
 * fd. */
struct eb_prog *att_prog(struct eb_object *obj, const char *name);
/* The fd of map `name` of obj (owned by obj).  Asserting: it exists. */
int att_map_fd(struct eb_object *obj, const char *name);
/* The kernel's id of the program fd.  Asserting. */
uint32_t att_prog_id_of(int fd);
/* The u64 at key of map fd / store v there.  Asserting. */
uint64_t att_get(int fd, uint32_t key);
void att_set(int fd, uint32_t key, uint64_t v);

/* Track l / forget it (the caller takes it over). */
void att_track(struct eb_link *l);
void att_untrack(struct eb_link *l);
/* Detach, close and forget *l, and set it to NULL.  NULL is fine. */
void att_drop(struct eb_link **l);

/* Parse `line` for program p and attach it: the new link (tracked).
 * Asserting: fails the test with the message on error. */
struct eb_link *att_attach(const struct eb_prog *p, const char *line);
/* Parse `line` for p (NULL: no program; fd is then the program fd) and
 * attach, expecting a failure: returns its -errno and the message in msg
 * (len bytes).  Asserting: fails the test when the attach succeeds. */
int att_attach_err(const struct eb_prog *p, int fd, const char *line, char *msg, size_t len);
/* eb_link_describe() of l, malloc'd.  Asserting. */
char *att_describe(const struct eb_link *l);

/* --- network namespaces and traffic ------------------------------------------ */

/* Enter network namespace name (/run/netns/NAME; NULL: ours again).
 * Returns 0 or -errno. */
int att_enter_ns(const char *name);

/*
 * Send count UDP datagrams to dst:port from network namespace ns (NULL:
 * the current one), pausing 200 us after every `burst` packets (0: never).
 * Runs in a child process; returns the number sent.  Asserting: every
 * datagram was sent.
 */
int att_send_udp(const char *ns, const char *dst, int port, int count, int burst);

#endif
