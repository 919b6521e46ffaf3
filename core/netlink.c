/* SPDX-License-Identifier: MIT */
/*
 * netlink.c - tc attachment without tcx: a clsact qdisc and a
 * direct-action cls_bpf filter, through rtnetlink (NETLINK_ROUTE).
 *
 * The filter is added with handle 0 and priority 0 so the kernel picks
 * both; NLM_F_ECHO sends the created filter back, which tells us the
 * handle and priority to delete later.  The filter holds a reference on
 * the program: it stays attached after our process exits, until deleted.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attach_priv.h"
#include "log.h"
#include "util.h"

#define NL_BUF 8192

struct nl_req {
	struct nlmsghdr n;
	struct tcmsg t;
	char attrs[512];
};

static int add_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->n.nlmsg_len);
	struct rtattr *rta;

	if (off + RTA_SPACE(len) > sizeof(*r))
		return -E2BIG;
	rta = (struct rtattr *)((char *)r + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->n.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return 0;
}

static struct rtattr *nest_start(struct nl_req *r, uint16_t type)
{
	struct rtattr *rta = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	return add_attr(r, type, NULL, 0) ? NULL : rta;
}

static void nest_end(struct nl_req *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)r + r->n.nlmsg_len - (char *)nest);
}

static void req_init(struct nl_req *r, uint16_t type, uint16_t flags, uint32_t ifindex,
		     uint32_t parent, uint32_t handle, uint32_t info)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
	r->t.tcm_family = AF_UNSPEC;
	r->t.tcm_ifindex = (int)ifindex;
	r->t.tcm_parent = parent;
	r->t.tcm_handle = handle;
	r->t.tcm_info = info;
}

/* Called for every reply message that is not an error/ack/done. */
typedef void (*nl_msg_fn)(const struct nlmsghdr *n, void *ctx);

/*
 * Send r and read replies until the ack (or, for dumps, NLMSG_DONE).
 * Returns 0 or the -errno of the kernel's NLMSG_ERROR.
 */
static int nl_talk(struct nl_req *r, nl_msg_fn fn, void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	bool dump = (r->n.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	char *buf;
	int fd, err = 0, done = 0;
	ssize_t len;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	buf = malloc(NL_BUF);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	r->n.nlmsg_seq = 1;
	if (sendto(fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	while (!done) {
		struct nlmsghdr *n;

		len = recv(fd, buf, NL_BUF, 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0) {
			err = -errno;
			break;
		}
		if (len == 0) {
			err = -EPROTO;
			break;
		}
		for (n = (struct nlmsghdr *)buf; NLMSG_OK(n, (unsigned int)len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (n->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(n);

				err = e->error;
				if (err || !dump) {
					done = 1;
					break;
				}
				continue;
			}
			if (fn)
				fn(n, ctx);
		}
	}
out:
	free(buf);
	close(fd);
	return err;
}

static uint32_t filter_info(uint32_t prio)
{
	return TC_H_MAKE(prio << 16, htons(ETH_P_ALL));
}

static int qdisc_clsact(uint32_t ifindex, bool add)
{
	struct nl_req r;
	int err;

	req_init(&r, add ? RTM_NEWQDISC : RTM_DELQDISC,
		 NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), ifindex,
		 TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0);
	err = add_attr(&r, TCA_KIND, "clsact", sizeof("clsact"));
	return err ?: nl_talk(&r, NULL, NULL);
}

struct echo {
	uint32_t handle;
	uint32_t prio;
	bool seen;
};

static void on_echo(const struct nlmsghdr *n, void *ctx)
{
	const struct tcmsg *t = NLMSG_DATA(n);
	struct echo *e = ctx;

	if (n->nlmsg_type != RTM_NEWTFILTER || n->nlmsg_len < NLMSG_LENGTH(sizeof(*t)))
		return;
	e->handle = t->tcm_handle;
	e->prio = TC_H_MAJ(t->tcm_info) >> 16;
	e->seen = true;
}

static int filter_new(uint32_t ifindex, uint32_t parent, uint32_t prio, uint32_t handle,
		      int prog_fd, const char *prog_name, bool replace, struct echo *echo)
{
	uint32_t fd = (uint32_t)prog_fd, flags = TCA_BPF_FLAG_ACT_DIRECT;
	struct rtattr *opts;
	struct nl_req r;
	int err;

	req_init(&r, RTM_NEWTFILTER,
		 NLM_F_ACK | NLM_F_ECHO | NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL),
		 ifindex, parent, handle, filter_info(prio));
	err = add_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
	opts = err ? NULL : nest_start(&r, TCA_OPTIONS);
	if (!opts)
		return -E2BIG;
	err = add_attr(&r, TCA_BPF_FD, &fd, sizeof(fd)) ?:
	      add_attr(&r, TCA_BPF_NAME, prog_name, strlen(prog_name) + 1) ?:
	      add_attr(&r, TCA_BPF_FLAGS, &flags, sizeof(flags));
	if (err)
		return err;
	nest_end(&r, opts);
	return nl_talk(&r, on_echo, echo);
}

static int filter_del(uint32_t ifindex, uint32_t parent, uint32_t prio, uint32_t handle)
{
	struct nl_req r;
	int err;

	req_init(&r, RTM_DELTFILTER, NLM_F_ACK, ifindex, parent, handle, filter_info(prio));
	err = add_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
	return err ?: nl_talk(&r, NULL, NULL);
}

static void on_filter(const struct nlmsghdr *n, void *ctx)
{
	const struct tcmsg *t = NLMSG_DATA(n);
	int *cnt = ctx;

	/* a dump lists each classifier instance (handle 0), then its filters */
	if (n->nlmsg_type == RTM_NEWTFILTER && n->nlmsg_len >= NLMSG_LENGTH(sizeof(*t)) &&
	    t->tcm_handle)
		(*cnt)++;
}

int eb_nl_tc_filter_count(uint32_t ifindex)
{
	static const uint32_t mins[] = { TC_H_MIN_INGRESS, TC_H_MIN_EGRESS };
	struct nl_req r;
	unsigned int i;
	int cnt = 0, err;

	for (i = 0; i < EB_ARRAY_SIZE(mins); i++) {
		req_init(&r, RTM_GETTFILTER, NLM_F_DUMP, ifindex,
			 TC_H_MAKE(TC_H_CLSACT, mins[i]), 0, 0);
		err = nl_talk(&r, on_filter, &cnt);
		if (err)
			return err;
	}
	return cnt;
}

int eb_nl_tc_attach(uint32_t ifindex, bool egress, int prog_fd, const char *prog_name,
		    struct eb_link *link)
{
	uint32_t parent = TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
	struct echo echo = { 0 };
	bool created = false;
	int err;

	err = qdisc_clsact(ifindex, true);
	if (!err)
		created = true;
	else if (err != -EEXIST)
		return err;
	err = filter_new(ifindex, parent, 0, 0, prog_fd, prog_name, false, &echo);
	if (!err && !echo.seen)
		err = -EPROTO;
	if (err) {
		if (created)
			qdisc_clsact(ifindex, false);
		return err;
	}
	link->ifindex = ifindex;
	link->tc_parent = parent;
	link->tc_handle = echo.handle;
	link->tc_prio = echo.prio;
	link->qdisc_created = created;
	return 0;
}

int eb_nl_tc_replace(const struct eb_link *link, int prog_fd, const char *prog_name)
{
	struct echo echo = { 0 };

	return filter_new(link->ifindex, link->tc_parent, link->tc_prio, link->tc_handle,
			  prog_fd, prog_name, true, &echo);
}

int eb_nl_tc_detach(const struct eb_link *link)
{
	int err, cnt;

	err = filter_del(link->ifindex, link->tc_parent, link->tc_prio, link->tc_handle);
	if (err)
		return err;
	if (!link->qdisc_created)
		return 0;
	cnt = eb_nl_tc_filter_count(link->ifindex);
	if (cnt)
		return cnt < 0 ? cnt : 0;
	err = qdisc_clsact(link->ifindex, false);
	return err == -ENOENT || err == -EINVAL ? 0 : err;
}
