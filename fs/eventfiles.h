/* SPDX-License-Identifier: MIT */
/*
 * eventfiles.h - the events files of perf event array, ring buffer and
 * user ring buffer maps.
 *
 *   maps/NAME/events        the map's sample log (evlog.h has the line
 *                           formats): a growing file.  Its size is the
 *                           number of bytes logged so far; a read at an
 *                           offset returns what the bounded log still
 *                           holds from there, so `cat` prints the
 *                           retained history and ends and `tail -f`
 *                           follows.  A read from an offset the log has
 *                           evicted gets a line "TIME evicted=K" first
 *                           (K lines were lost to it; "evicted_bytes=B"
 *                           when the reader's line count is not known)
 *                           and then the oldest retained line.
 *                           User ring buffers: each write(2) is one
 *                           sample for the kernel program (the bytes as
 *                           written; ENOSPC while the ring is full,
 *                           E2BIG if it can never fit); the log shows
 *                           what was written.
 *   maps/NAME/events_pipe   the same lines as a stream, like a pipe:
 *                           reading starts at the samples that arrive
 *                           after open, blocks until there are some
 *                           (EAGAIN with O_NONBLOCK), and poll() says
 *                           when; every reader gets every line.  A
 *                           reader that falls further behind than the
 *                           log holds gets an "evicted=K" line.  EOF
 *                           when the map goes away.
 *   maps/NAME/.format       the sample type: "hex" (default), or the
 *                           name of a BTF type of the map's object
 *                           ("struct event") whose fields each line then
 *                           shows.  Write a name to set it, "hex" (or
 *                           nothing) to go back; an unknown name: ENOENT.
 *   maps/NAME/.info         gains counter lines: events_samples (read
 *                           from the kernel, or written), events_lost
 *                           (the kernel reported lost; ring buffers never
 *                           say), events_evicted (lines dropped from the
 *                           log), events_lines, events_bytes (the size of
 *                           events), events_retained, events_log_max,
 *                           events_pipe_missed (lines events_pipe readers
 *                           lost to eviction), events_write_errors (user
 *                           ring buffers), events_format,
 *                           events_pipe_readers.
 *
 * Reading starts when the map is registered (fs_events_map_added()), so
 * no sample is lost for want of a reader: one producer thread waits on
 * every map's reader (core/events.h), turns samples into lines, appends
 * them to the map's log, answers parked events_pipe reads and sends poll
 * notifications.  A blocked read holds no FUSE worker thread and no lock.
 *
 * Locking: evs.lock (eventfiles.c, a mutex) guards the list of maps, the
 * open events_pipe handles and the parked reads; each map's log lock
 * guards its log, format and counters.  Order: state.lock, handle lock,
 * evs.lock, log lock.  The producer thread never takes the state lock.
 */
#ifndef EBPFS_EVENTFILES_H
#define EBPFS_EVENTFILES_H

#include <stdbool.h>
#include <stdint.h>

#include "fs.h"
#include "strbuf.h"

struct fs_map;

/* Whether maps of this type (enum bpf_map_type) have events files
 * instead of key files. */
bool fs_events_map_type(uint32_t type);
/* The node kind of file `name` in such a map's directory, or NULL. */
const struct fs_node_ops *fs_events_entry(uint32_t type, const char *name);
/* readdir: the name of the i-th events file (0 ..), NULL past the end. */
const char *fs_events_entry_name(uint32_t type, unsigned int i);

/*
 * The registry's hooks (state write lock held).  added: start reading m
 * (a no-op for other map types); 0 or -errno (logged; the map then has
 * an empty log).  removed: stop reading (parked reads get EOF).
 */
int fs_events_map_added(struct fs_map *m);
void fs_events_map_removed(struct fs_map *m);

/* Append m's "events_*: N" lines for .info (nothing for other maps). */
void fs_events_info(struct fs_map *m, struct eb_strbuf *out);

/* At exit, after the FUSE loop and before the session goes: answer every
 * parked read (EOF), stop the producer thread, free every reader. */
void fs_events_shutdown(void);

#endif
