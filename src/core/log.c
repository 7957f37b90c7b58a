/* log.c - stderr diagnostics and the access log; each line goes out in one write(2), so lines never interleave. */
#include "core/log.h"
#include "core/buf.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool quiet;
static int  access_fd = -1;

void
log_set_quiet(bool q)
{
	quiet = q;
}

static void
stamp(char *out, size_t n)
{
	struct timespec ts;
	struct tm       tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

static void
vlog(const char *level, const char *fmt, va_list ap)
{
	char  msg[2048], ts[32];
	buf_t b = BUF_INIT;
	int   n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1; /* truncated on purpose: diagnostics have a bounded size */
	stamp(ts, sizeof(ts));
	buf_printf(&b, "%s %s ", ts, level);
	buf_append_logsafe(&b, msg, (size_t)n);
	buf_putc(&b, '\n');
	if (!b.oom && write(STDERR_FILENO, b.data, b.len) < 0) {
		/* nowhere left to report to */
	}
	buf_free(&b);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}

bool
log_access_open(const char *path)
{
	if (path == NULL) {
		access_fd = STDERR_FILENO;
		return true;
	}
	access_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	return access_fd >= 0;
}

void
log_access_close(void)
{
	if (access_fd > STDERR_FILENO)
		close(access_fd);
	access_fd = -1;
}

void
log_access(const char *addr, const char *method, const char *path, unsigned status,
    uint64_t bytes, uint64_t micros)
{
	char  ts[32];
	buf_t b = BUF_INIT;

	if (access_fd < 0)
		return;
	stamp(ts, sizeof(ts));
	buf_printf(&b, "%s ", ts);
	buf_append_logsafe(&b, addr, strlen(addr));
	buf_putc(&b, ' ');
	buf_append_logsafe(&b, method, strlen(method));
	buf_putc(&b, ' ');
	buf_append_logsafe(&b, path, strlen(path));
	buf_printf(&b, " %u %llu %llu\n", status, (unsigned long long)bytes, (unsigned long long)micros);
	if (!b.oom && write(access_fd, b.data, b.len) < 0) {
		/* the request is served even when its log line cannot be written; see docs/architecture.md */
	}
	buf_free(&b);
}
