// SPDX-License-Identifier: MIT
/*
 * main.c - ebpfs: options, the FUSE session, daemonizing.
 *
 *   ebpfs MOUNTPOINT [-f] [-d] [-s] [-o OPTIONS]
 *
 * Options parse into struct fs_config (fuse_opt with offsetof); the rest
 * goes to libfuse (fuse_parse_cmdline, fuse_session_new).
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <syslog.h>
#include <unistd.h>

#include "eventfiles.h"
#include "evlog.h"
#include "fs.h"
#include "info.h"
#include "log.h"
#include "objects.h"
#include "strbuf.h"
#include "util.h"

struct fs_state fs_st;

static struct fs_config cfg = {
	.log_level = FS_DEFAULT_LOG_LEVEL,
	.max_object = FS_DEFAULT_MAX_OBJECT,
	.max_read = FS_DEFAULT_MAX_READ,
};

enum {
	KEY_HELP,
	KEY_VERSION,
	KEY_ALLOW_OTHER,
	KEY_EVENTS_LOG,
	KEY_MAX_OBJECT,
	KEY_MAX_READ,
	KEY_URING,
};

#define FS_OPT(t, p, v) { t, offsetof(struct fs_config, p), v }

static const struct fuse_opt fs_opts[] = {
	FS_OPT("pin_dir=%s", pin_dir, 0),
	FS_OPT("log_level=%u", log_level, 0),
	FUSE_OPT_KEY("max_object=", KEY_MAX_OBJECT),
	FUSE_OPT_KEY("max_read=", KEY_MAX_READ),
	FUSE_OPT_KEY("uring=", KEY_URING),
	FS_OPT("no_restore", no_restore, 1),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("events_log=", KEY_EVENTS_LOG),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

/* A byte count: digits with an optional K, M or G suffix, 1 to 2^40. */
static int parse_bytes(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift)
		end++;
	if (*end || !v || v > (1ULL << 40) >> shift)
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct fs_config *c = data;

	switch (key) {
	case KEY_ALLOW_OTHER:
		c->allow_other = 1;
		return 1;	/* keep: libfuse passes it to the mount */
	case KEY_EVENTS_LOG:
		if (fs_evlog_parse_size(arg + strlen("events_log="), &c->events_log)) {
			fprintf(stderr, "ebpfs: bad %s (a size of at least %u bytes, "
				"K/M/G suffixes)\n", arg, FS_EVLOG_MIN);
			return -1;
		}
		return 0;
	case KEY_MAX_OBJECT:
		if (parse_bytes(arg + strlen("max_object="), &c->max_object)) {
			fprintf(stderr, "ebpfs: bad %s (bytes, 1 to 2^40, K/M/G "
				"suffixes)\n", arg);
			return -1;
		}
		return 0;
	case KEY_MAX_READ:
		if (parse_bytes(arg + strlen("max_read="), &c->max_read) ||
		    c->max_read < FS_MIN_MAX_READ || c->max_read > FS_MAX_MAX_READ) {
			fprintf(stderr, "ebpfs: bad %s (bytes, 4K to 1M, K/M "
				"suffixes)\n", arg);
			return -1;
		}
		return 0;
	case KEY_URING:
		arg += strlen("uring=");
		if (!strcmp(arg, "auto")) {
			c->no_uring = 0;
		} else if (!strcmp(arg, "off")) {
			c->no_uring = 1;
		} else {
			fprintf(stderr, "ebpfs: bad uring=%s (auto or off)\n", arg);
			return -1;
		}
		return 0;
	case KEY_HELP:
		c->show_help = 1;
		return 1;	/* keep: fuse_parse_cmdline sees it too */
	case KEY_VERSION:
		c->show_version = 1;
		return 1;
	default:
		return 1;
	}
}

static void usage(const char *prog)
{
	printf("usage: %s MOUNTPOINT [options]\n"
	       "\n"
	       "ebpfs presents Linux eBPF programs and maps as files.\n"
	       "\n"
	       "ebpfs options:\n"
	       "    -f                     stay in the foreground (log to stderr)\n"
	       "    -d                     debug: foreground, print every FUSE request\n"
	       "    -s                     single-threaded\n"
	       "    -o pin_dir=PATH        bpffs directory for the pins (default %s;\n"
	       "                           bpffs is mounted on /sys/fs/bpf if missing)\n"
	       "    -o allow_other         other users may read progs/ and maps/ (not load,\n"
	       "                           write, delete); sys/ stays root's\n"
	       "    -o log_level=N         verifier log level of loads (default %u)\n"
	       "    -o max_object=BYTES    largest object accepted in progs/ (default %lluM;\n"
	       "                           K/M/G suffixes)\n"
	       "    -o max_read=BYTES      largest read request (default %lluK, 4K to 1M;\n"
	       "                           small: fewer pages of a reader's buffer pinned)\n"
	       "    -o no_restore          do not show what earlier daemons pinned\n"
	       "    -o events_log=SIZE     bound of each map's events log (default %uM;\n"
	       "                           K/M/G suffixes)\n"
	       "    -o uring=auto|off      serve requests through per-CPU io_uring queues\n"
	       "                           when the kernel allows it (fuse module parameter\n"
	       "                           enable_uring=Y; default auto)\n"
	       "\n", prog, FS_DEFAULT_PIN_DIR, FS_DEFAULT_LOG_LEVEL,
	       (unsigned long long)FS_DEFAULT_MAX_OBJECT >> 20,
	       (unsigned long long)FS_DEFAULT_MAX_READ >> 10, FS_EVLOG_DEFAULT >> 20);
}

/* --- logging ---------------------------------------------------------------- */

static bool log_to_syslog;
static bool log_debug;

static void fs_print(enum eb_log_level level, const char *msg)
{
	if (level == EB_LOG_DEBUG && !log_debug)
		return;
	if (log_to_syslog) {
		syslog(level == EB_LOG_WARN ? LOG_WARNING :
		       level == EB_LOG_INFO ? LOG_INFO : LOG_DEBUG, "%s", msg);
		return;
	}
	fprintf(stderr, "ebpfs: %s\n", msg);
}

/* --- bpffs -------------------------------------------------------------------- */

#define SYS_BPF_DIR "/sys/fs/bpf"

/* Make sure cfg->pin_dir exists on a bpffs; mount bpffs on /sys/fs/bpf
 * when the pin dir is under it and nothing is mounted there. */
static int prepare_pin_dir(const char *dir)
{
	struct statfs sfs;
	size_t n = strlen(SYS_BPF_DIR);

	if (!strncmp(dir, SYS_BPF_DIR, n) && (dir[n] == '/' || !dir[n]) &&
	    statfs(SYS_BPF_DIR, &sfs) == 0 && (uint32_t)sfs.f_type != EB_BPF_FS_MAGIC) {
		if (mount("bpf", SYS_BPF_DIR, "bpf", 0, "mode=0700")) {
			int err = -errno;

			eb_warn("fs", "mount bpffs on %s: %s", SYS_BPF_DIR, strerror(errno));
			return err;
		}
		eb_info("fs", "mounted bpffs on %s", SYS_BPF_DIR);
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		int err = -errno;

		eb_warn("fs", "pin_dir %s: %s", dir, strerror(errno));
		return err;
	}
	if (!eb_path_is_bpffs(dir)) {
		eb_warn("fs", "pin_dir %s is not on a bpffs", dir);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_session *se = NULL;
	struct fuse_loop_config *lc;
	struct eb_strbuf kopts = EB_STRBUF_INIT;
	bool added;
	int ret = 1;

	if (fuse_opt_parse(&args, &cfg, fs_opts, opt_proc))
		return 1;
	if (fuse_parse_cmdline(&args, &opts))
		goto out_args;
	if (opts.show_help || cfg.show_help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = 0;
		goto out_opts;
	}
	if (opts.show_version || cfg.show_version) {
		printf("ebpfs version 0.1.0\n");
		fuse_lowlevel_version();
		ret = 0;
		goto out_opts;
	}
	if (!opts.mountpoint) {
		fprintf(stderr, "usage: %s MOUNTPOINT [options]  (%s --help)\n",
			argv[0], argv[0]);
		goto out_opts;
	}
	/* a level the kernel refuses would fail every load with EINVAL */
	if (cfg.log_level & ~(EB_LOG_LEVEL1 | EB_LOG_LEVEL2 | EB_LOG_STATS)) {
		fprintf(stderr, "ebpfs: bad log_level=%u (0-7: 1 and 2 verbose, "
			"4 statistics)\n", cfg.log_level);
		goto out_opts;
	}
	cfg.mountpoint = opts.mountpoint;
	cfg.foreground = opts.foreground;
	cfg.debug = opts.debug;
	cfg.singlethread = opts.singlethread;
	cfg.max_threads = opts.max_threads;
	if (!cfg.pin_dir) {
		cfg.pin_dir = strdup(FS_DEFAULT_PIN_DIR);
		if (!cfg.pin_dir)
			goto out_opts;
	}
	log_debug = cfg.debug;
	eb_set_print(fs_print);

	if (geteuid() != 0)
		fprintf(stderr, "ebpfs: warning: not running as root; loading needs "
			"CAP_BPF and CAP_SYS_ADMIN\n");

	fs_st.cfg = &cfg;
	fs_st.fuse_fd = -1;
	pthread_mutex_init(&fs_st.load_lock, NULL);
	{
		pthread_rwlockattr_t ra;

		pthread_rwlockattr_init(&ra);
		pthread_rwlockattr_setkind_np(&ra,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&fs_st.lock, &ra);
		pthread_rwlockattr_destroy(&ra);
	}
	clock_gettime(CLOCK_REALTIME, &fs_st.start_time);

	if (prepare_pin_dir(cfg.pin_dir))
		goto out_opts;
	if (fs_nodes_init() || fs_tree_init()) {
		fprintf(stderr, "ebpfs: out of memory\n");
		goto out_nodes;
	}
	eb_strbuf_addf(&kopts, "-odefault_permissions,fsname=ebpfs,subtype=ebpfs,"
		       "max_read=%llu", (unsigned long long)cfg.max_read);
	added = !eb_strbuf_error(&kopts) && !fuse_opt_add_arg(&args, kopts.buf);
	eb_strbuf_release(&kopts);
	if (!added)
		goto out_registry;
	se = fuse_session_new(&args, &fs_fuse_ops, sizeof(fs_fuse_ops), NULL);
	if (!se)
		goto out_registry;
	if (fuse_set_signal_handlers(se))
		goto out_session;
	if (fuse_session_mount(se, opts.mountpoint))
		goto out_signals;
	fs_st.fuse_fd = fuse_session_fd(se);
	if (fuse_daemonize(opts.foreground))
		goto out_unmount;
	if (!opts.foreground) {
		openlog("ebpfs", LOG_PID, LOG_DAEMON);
		log_to_syslog = true;
	}
	/*
	 * Restore only now, in the process that serves the mount: restoring
	 * starts the events reader threads and maps the perf rings, and
	 * neither survives the fork of fuse_daemonize().  Requests that
	 * arrive meanwhile wait for the session loop.
	 */
	if (!cfg.no_restore)
		fs_objects_restore();
	/* before the loop reads INIT, after the fork of fuse_daemonize() */
	if (!cfg.no_uring && fs_uring_kernel_enabled()) {
		int err = fs_uring_start(se);

		if (err)
			eb_warn("fs", "io_uring queues: %s; serving through /dev/fuse only",
				strerror(-err));
	}

	if (opts.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		lc = fuse_loop_cfg_create();
		if (!lc) {
			ret = 1;
			goto out_unmount;
		}
		fuse_loop_cfg_set_clone_fd(lc, (unsigned int)opts.clone_fd);
		if (opts.max_threads)
			fuse_loop_cfg_set_max_threads(lc, opts.max_threads);
		ret = fuse_session_loop_mt(se, lc);
		fuse_loop_cfg_destroy(lc);
	}
	ret = ret ? 1 : 0;
	/* blocked events readers get EOF while the session can answer */
	fs_events_shutdown();
	fs_uring_stop();

out_unmount:
	fs_st.fuse_fd = -1;
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_registry:
	/* Everything stays loaded and pinned: the next daemon finds it. */
	fs_events_shutdown();
	fs_objects_fini();
out_nodes:
	fs_nodes_fini();
out_opts:
	free(opts.mountpoint);
out_args:
	free(cfg.pin_dir);
	fuse_opt_free_args(&args);
	return ret;
}
