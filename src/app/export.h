/*
 * export.h - CSV exports of records (issue 7 items 4 and 9; G67): a list as filtered on screen, written
 * piece by piece so 100,000 rows never sit in memory at once. The ids come from the search module (the
 * same filters as the list pages, staff visibility); each row is read by id from the database when its
 * turn comes, through a connection of the export's own.
 */
#ifndef TSUNAGU_EXPORT_H
#define TSUNAGU_EXPORT_H

#include "content/schema.h"

#include <stddef.h>
#include <stdint.h>

typedef struct export export_t;

/* Starts an export of the given entity ids (copied) of type t: the BOM and the header row come first.
 * NULL when out of memory or the database cannot be opened. */
export_t *export_open(const schema_type_t *t, const int64_t *ids, size_t n);
/* Up to max bytes of CSV into buf: > 0 bytes written, 0 at the end, -1 on an error. */
long      export_read(export_t *e, char *buf, size_t max);
/* Rows written so far. */
size_t    export_rows(const export_t *e);
/* Bytes of buffer the export holds (issue 7 item 9: stays near one chunk whatever the export's size). */
size_t    export_buffered(const export_t *e);
void      export_close(export_t *e);

#endif
