/* SPDX-License-Identifier: MIT */
/*
 * uprobe_target.c - a process for the uprobe tests (test_attach.c):
 * calls eb_uprobe_target(i) for i = 0 .. K-1 (K = argv[1], default 1)
 * and exits 0.  eb_uprobe_target(i) returns 2 * i + 1, so the K returns
 * add up to K * K.  With argv[1] "wait" it sleeps until killed instead,
 * so the binary stays mapped (a uprobe's instruction is checked when the
 * kernel places it in a process).
 *
 * eb_uprobe_unsteppable (x86-64) starts with the byte 0x06 (push %es),
 * which 64-bit mode lacks: the kernel refuses a uprobe there.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __x86_64__
__asm__(".text\n"
	".globl eb_uprobe_unsteppable\n"
	".type eb_uprobe_unsteppable, @function\n"
	"eb_uprobe_unsteppable:\n"
	"	.byte 0x06\n"
	"	ret\n"
	".size eb_uprobe_unsteppable, . - eb_uprobe_unsteppable\n");
#endif

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

	if (argc > 1 && !strcmp(argv[1], "wait"))
		for (;;)
			pause();

	for (i = 0; i < k; i++)
		sum += eb_uprobe_target(i);
	return sum == k * k ? 0 : 1;
}
