// SPDX-License-Identifier: GPL-2.0
/* fs_att_replace2.c - version 2 of fs_att_replace.c (see there). */
#define FS_ATT_V2 1
#include "fs_att_replace.c"
