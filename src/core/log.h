/* log.h - diagnostic log to stderr (one escaped line per entry) and the access log file. */
#ifndef TSUNAGU_LOG_H
#define TSUNAGU_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quiet mode for tests and CLI: info lines are dropped. */
void log_set_quiet(bool quiet);

/* Opens (append) the access log; NULL path logs to stderr. */
bool log_access_open(const char *path);
void log_access_close(void);
/* One line: time, address, method, path, status, bytes, microseconds. Each field is escaped. */
void log_access(const char *addr, const char *method, const char *path, unsigned status,
    uint64_t bytes, uint64_t micros);

#endif
