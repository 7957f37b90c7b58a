/* testutil.h - cmocka and the includes every unit test needs. */
#ifndef TSUNAGU_TESTUTIL_H
#define TSUNAGU_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#endif
