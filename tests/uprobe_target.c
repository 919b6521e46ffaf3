/* SPDX-License-Identifier: MIT */
/*
 * uprobe_target.c - a process for the uprobe tests (test_attach.c):
 * calls eb_uprobe_target(i) for i = 0 .. K-1 (K = argv[1], default 1)
 * and exits 0.  eb_uprobe_target(i) returns 2 * i + 1, so the K returns
 * add up to K * K.
 */
#include <stdlib.h>

int eb_uprobe_target(int i);

__attribute__((noinline)) int eb_uprobe_target(int i)
{
	__asm__ volatile("" ::: "memory");
	return 2 * i + 1;
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 1, i;
	volatile int sum = 0;

	for (i = 0; i < k; i++)
		sum += eb_uprobe_target(i);
	return sum == k * k ? 0 : 1;
}
