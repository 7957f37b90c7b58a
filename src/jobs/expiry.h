/* expiry.h - the listing-period round (issue 5 item 7; G23-G25): notices before a company's period ends,
 * and the archive when it has ended. Run by the housekeeping thread of `serve` and by `tsunagu tick`. */
#ifndef TSUNAGU_EXPIRY_H
#define TSUNAGU_EXPIRY_H

#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define EXPIRY_BATCH 500 /* companies looked at per step of one round */

typedef struct expiry_report {
	int notices;   /* notices sent (mail + My Page) */
	int archived;  /* companies moved to the archive */
} expiry_report_t;

/*
 * One round at now: every published company whose period ends within a threshold of the setting
 * notice_days gets that notice once (mail to its accounts and a My Page notice; recorded in
 * listing_notices for that period's end, so a second round or a second process sends nothing again);
 * every published company whose period has ended is archived (status 'archived': kept, not public,
 * restored by renewing) and told so. Each company is its own transaction; changes are audited.
 * Returns false on a database error (what was done before stays done).
 */
bool expiry_round(db_t *db, int64_t now, expiry_report_t *rep);

#endif
