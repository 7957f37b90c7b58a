# tsunagu - one C program for prefectures' public web services.
# `make` builds build/tsunagu; `make run` and `make test` set everything up first (see README).

CC       ?= cc
PKGS     := libmicrohttpd sqlite3 libsodium libutf8proc jansson inih zlib libdeflate libcmark vips libcurl nettle libqrencode
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Werror
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 -D_GNU_SOURCE -pthread $(WARN) $(HARDEN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += -pie -Wl,-z,relro,-z,now -pthread
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

SRCS     := $(sort $(wildcard src/*/*.c))
MAIN     := src/app/main.c
LIBSRCS  := $(filter-out $(MAIN),$(SRCS))
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
GEN      := build/gen/migrations.c
OBJS     := $(LIBSRCS:src/%.c=build/obj/%.o) build/obj/gen/migrations.o
UNIT     := $(sort $(wildcard tests/unit/test_*.c))
UNITBINS := $(UNIT:tests/unit/%.c=build/tests/%)

# sanitizer build: same sources, own object tree
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ASANOBJS := $(LIBSRCS:src/%.c=build/asan/obj/%.o) build/asan/obj/gen/migrations.o
ASANBINS := $(UNIT:tests/unit/%.c=build/asan/tests/%)

FUZZ      := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZBINS  := $(FUZZ:fuzz/%.c=build/fuzz/%)
FUZZCC    := clang
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -g -O1 -Isrc -fsanitize=fuzzer,address,undefined $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_SECONDS ?= 20
FUZZOBJS  := $(LIBSRCS:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/migrations.o

.PHONY: all deps run test unit asan fuzz e2e bench clean migrate seed lint bench-search bench-staff
all: build/tsunagu

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(GEN): $(MIGRATIONS) tools/gen-migrations.sh
	@mkdir -p $(dir $@)
	tools/gen-migrations.sh $@ $(MIGRATIONS)

build/obj/gen/migrations.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/asan/obj/gen/migrations.o: $(GEN)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(CFLAGS)) $(ASAN_CFLAGS) -c -o $@ $<

build/tsunagu: $(OBJS) build/obj/app/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/tests/%: tests/unit/%.c $(OBJS) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(OBJS) $(LDLIBS) -lcmocka

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(CFLAGS)) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/tests/%: tests/unit/%.c $(ASANOBJS) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(CFLAGS)) $(ASAN_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(ASANOBJS) $(LDLIBS) -lcmocka

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZ_CFLAGS:-fsanitize=fuzzer,%=-fsanitize=fuzzer-no-link,%) -MMD -MP -c -o $@ $<

build/fuzz/obj/gen/migrations.o: $(GEN)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZ_CFLAGS:-fsanitize=fuzzer,%=-fsanitize=fuzzer-no-link,%) -c -o $@ $<

build/fuzz/%: fuzz/%.c $(FUZZOBJS)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZOBJS) $(LDLIBS)

-include $(OBJS:.o=.d) build/obj/app/main.d $(ASANOBJS:.o=.d) $(FUZZOBJS:.o=.d)

# keep objects make would otherwise treat as intermediate and delete
.SECONDARY:

# Installs what is missing (Debian packages, npm packages); does nothing when all is there.
deps:
	@tools/deps.sh

unit: $(UNITBINS)
	@tools/run-unit.sh $(UNITBINS)

asan: $(ASANBINS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tools/run-unit.sh $(ASANBINS)

fuzz: $(FUZZBINS)
	@tools/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZBINS)

e2e: all
	node --test --test-concurrency=1 tests/e2e/

DATA ?= var
# sealed personal data (SEC06): the key file outside DATA, for make migrate/seed/run
SEAL_KEY ?= $(CURDIR)/build/keys/seal.key
migrate seed run: export TSUNAGU_SECURITY_SEAL_KEY_FILE ?= $(SEAL_KEY)
migrate: all
	build/tsunagu migrate --data $(DATA)

seed: migrate
	build/tsunagu seed --demo --data $(DATA)

run: deps
	@$(MAKE) --no-print-directory all
	@tools/demo-setup.sh $(DATA)
	build/tsunagu serve --listen 127.0.0.1:8080 --data $(DATA) --site gunma

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)
	@tools/check-source.sh
	@$(MAKE) --no-print-directory e2e

bench: all build/bench/search-gen build/bench/seeker-gen
	@bench/run.sh

clean:
	rm -rf build

# Search benchmark (issue 3 item 7): `make bench-search [BENCH_N=100000]`; figures in docs/bench.md.
build/bench/search-gen: bench/search/gen.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=c17 -D_GNU_SOURCE $(WARN) -o $@ $<

build/bench/search-bench: bench/search/bench.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OBJS) $(LDLIBS)

bench-search: all build/bench/search-gen build/bench/search-bench
	@bench/search/run.sh

# Staff search benchmark (issue 7 item 9): `make bench-staff`; bench/staff.sh, figures in docs/bench.md.
build/bench/seeker-gen: bench/seekers/gen.c $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OBJS) $(LDLIBS)

bench-staff: all build/bench/search-gen build/bench/seeker-gen
	@bench/staff.sh
