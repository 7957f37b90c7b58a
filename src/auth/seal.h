/*
 * seal.h - personal data sealed in the database (issue 7 item 3; SEC06).
 *
 * One master key of SEAL_KEY_BYTES random bytes lives in a file OUTSIDE the data directory
 * ([security] seal_key_file, mode 0600), so a copy of the data directory alone (a backup, a stolen disk
 * image of the database) shows no seeker's name, phone or consultation text. Two keys are derived from it
 * with crypto_kdf: one for XChaCha20-Poly1305 (AEAD), one for the blind index (keyed BLAKE2b).
 *
 * A sealed value is nonce (24 random bytes) || ciphertext || tag, stored as a BLOB. The associated data
 * is "table/column/row", so a value copied into another row or column does not open. A blind index is
 * a keyed hash of a normalised text (NFKC, case folded, spaces removed, katakana as hiragana) and of its
 * first 1..SEAL_PREFIX_MAX characters, so a name can be found by equality or by prefix without the
 * database holding it; nothing else about sealed texts is searchable.
 */
#ifndef TSUNAGU_SEAL_H
#define TSUNAGU_SEAL_H

#include "core/arena.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_BYTES    32
#define SEAL_NONCE_BYTES  24
#define SEAL_TAG_BYTES    16
#define SEAL_OVERHEAD     (SEAL_NONCE_BYTES + SEAL_TAG_BYTES)
#define SEAL_VALUE_MAX    (64 * 1024)    /* bytes of one plain value */
#define SEAL_INDEX_BYTES  16
#define SEAL_PREFIX_MAX   10             /* characters of a name whose prefixes are indexed */
#define SEAL_INDEX_MAX    (SEAL_PREFIX_MAX + 1)
#define SEAL_DELETED      "削除済み"      /* what an erased text shows (SEC09) */

/* Loads the key file; with create, makes it (and its directory, 0700) when missing. Refuses a file
 * that is not a regular file of exactly SEAL_KEY_BYTES or that group or others may read. */
bool seal_open(const char *path, bool create);
/* Sets the key directly (unit tests). */
void seal_set_key(const unsigned char key[SEAL_KEY_BYTES]);
bool seal_ready(void);
void seal_close(void);

/* plain (n bytes) sealed for table/column/row: *outlen bytes in A; NULL on failure. */
unsigned char *seal_encrypt(arena_t *A, const char *table, const char *column, int64_t row, const char *plain,
         size_t n, size_t *outlen);
/* The plain text (NUL-terminated, in A) of a sealed value; NULL when it does not open (wrong key,
 * wrong row/column, tampered). */
char          *seal_decrypt(arena_t *A, const char *table, const char *column, int64_t row, const void *sealed,
         size_t n);

/* Binds plain (NULL = "") sealed as a BLOB to parameter i; false on failure (nothing bound). */
bool        seal_bind(db_stmt_t *st, int i, arena_t *A, const char *table, const char *column, int64_t row,
         const char *plain);
/* Column i of the current row opened: "" for NULL or an empty blob, a legacy TEXT value as is (rows not
 * yet sealed by seal_migrate); NULL when a sealed value does not open. */
const char *seal_col(db_stmt_t *st, int i, arena_t *A, const char *table, const char *column, int64_t row);

/* kind ("name" or "kana") and text normalised as the index keeps them (into A); NULL on bad UTF-8. */
char *seal_normalise(arena_t *A, const char *text);
/* Blind index entries of text: its prefixes of 1..SEAL_PREFIX_MAX characters and, when longer, the whole;
 * returns how many were written to out (0 for an empty text). */
int   seal_index_all(arena_t *A, const char *kind, const char *text, unsigned char out[SEAL_INDEX_MAX][SEAL_INDEX_BYTES]);
/* The one entry a search for query looks up (prefix up to SEAL_PREFIX_MAX characters, else exact);
 * false for an empty or invalid query. */
bool  seal_index_query(arena_t *A, const char *kind, const char *query, unsigned char out[SEAL_INDEX_BYTES]);

#endif
