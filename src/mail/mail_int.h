/* mail_int.h - declarations shared by the files of src/mail/ and nothing else. */
#ifndef TSUNAGU_MAIL_INT_H
#define TSUNAGU_MAIL_INT_H

#include "core/config.h"

#include <stdbool.h>
#include <stddef.h>

/* An SMTP client for one round: the connection stays open from one message to the next. */
typedef struct smtp smtp_t;

enum { SMTP_OK = 0, SMTP_FAILED = 1, SMTP_UNREACHABLE = 2 };

smtp_t *mail_smtp_open(const config_t *c);
/* Delivers msg (a whole message with CRLF line ends) to one checked address. SMTP_OK, SMTP_FAILED (this
 * message; try the next) or SMTP_UNREACHABLE (no server: the round ends); err says why. */
int     mail_smtp_send(smtp_t *s, const char *to, const char *msg, size_t len, char *err, size_t errlen);
void    mail_smtp_close(smtp_t *s);

/* True once mail_sender_stop has begun: a delivery in flight gives up. */
bool    mail_stopping(void);

#endif
