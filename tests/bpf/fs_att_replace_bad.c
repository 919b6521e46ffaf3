// SPDX-License-Identifier: GPL-2.0
/* fs_att_replace_bad.c - fs_att_replace.c with a tc program for rep_xdp
 * (see there). */
#define FS_ATT_BAD 1
#include "fs_att_replace.c"
