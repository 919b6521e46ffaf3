/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

void *eb_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

void *eb_reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, n && size ? n * size : 1);
}

int eb_parse_cpu_list(const char *s)
{
	long count = 0;
	char *end;

	while (*s && *s != '\n') {
		long a, b;

		errno = 0;
		a = strtol(s, &end, 10);
		if (end == s || errno || a < 0)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			b = strtol(s, &end, 10);
			if (end == s || errno || b < a)
				return -EINVAL;
			s = end;
		}
		count += b - a + 1;
		if (count > 1 << 20)
			return -EINVAL;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return count ? (int)count : -EINVAL;
}

int eb_possible_cpus(void)
{
	static int cached;
	void *data;
	size_t size;
	int n;

	if (cached > 0)
		return cached;
	n = eb_read_file("/sys/devices/system/cpu/possible", &data, &size);
	if (n)
		return n;
	n = eb_parse_cpu_list(data);
	free(data);
	if (n > 0)
		cached = n;
	return n;
}

int eb_read_file(const char *path, void **data, size_t *size)
{
	size_t len = 0, cap = 4096;
	char *buf, *p;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap *= 2;
			p = realloc(buf, cap + 1);
			if (!p) {
				err = -ENOMEM;
				goto fail;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*data = buf;
	*size = len;
	return 0;
fail:
	free(buf);
	close(fd);
	return err;
}
