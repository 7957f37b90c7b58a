/*
 * joblaw.h - what Japanese law requires a job advertisement to state before it may be published (issue 7
 * item 2; B01), checked on the values of a job offer.
 *
 * The items come from ../shared/data/required_job_disclosures.csv (職業安定法第5条の3, 同施行規則第4条の2第3項,
 * as amended by 令和5年厚生労働省令第89号 in force 2024-04-01), copied with their sources to
 * data/master/required_job_disclosures.csv. A schema field states which item it carries with
 * "disclosure": N (the row number of that file); a field with "disclosure_if": FIELD is needed only when
 * that boolean field is true (有期労働契約の更新基準: only for fixed-term contracts that may be renewed).
 * Item 12 (派遣) is stated by the employment type itself, so no field carries it.
 *
 * The age rule (労働施策総合推進法第9条, 施行規則第1条の3第1項): an age limit needs one of the lawful
 * exception reasons (the vocabulary age_exception, data/master/age_limit_exceptions.csv) chosen in the
 * field named by the age-limit field's "reason" attribute.
 *
 * Gender-specific job titles (男女雇用機会均等法第5条 and its 指針) give warnings, not errors: the staff
 * decide, since a word such as 「カメラマン」 is common and not always a problem. So does a 固定残業代 whose
 * hours, amount and extra pay beyond them are not stated (the guidance items are text, not fields).
 */
#ifndef TSUNAGU_JOBLAW_H
#define TSUNAGU_JOBLAW_H

#include "content/schema.h"
#include "core/buf.h"

#include <stdbool.h>

/* Does this type declare any legally required item (then publication is checked)? */
bool joblaw_applies(const schema_type_t *t);

/*
 * Checks values (by field index, raw text as a form or CSV gives it; terms as codes or names; booleans as
 * 1/true/はい) for publication. Appends one Japanese line per missing item to errors, each starting with
 * 「<field label>」 so a form can place it next to the field; returns false when any is missing.
 */
bool joblaw_check(const schema_type_t *t, const char *const values[], buf_t *errors);

/* Appends one Japanese line per gender-specific expression found in the title or the text fields, and one
 * when a fixed overtime payment (固定残業代) is mentioned without its hours, amount and the extra pay beyond
 * them (B01, the 指針 of 職業安定法). Returns the number of warnings. */
int joblaw_warnings(const schema_type_t *t, const char *const values[], buf_t *warnings);

/* The same two checks on a stored entity's fields JSON (entities.fields). */
bool joblaw_check_json(const schema_type_t *t, const char *fields_json, buf_t *errors);
int joblaw_warnings_json(const schema_type_t *t, const char *fields_json, buf_t *warnings);

#endif
