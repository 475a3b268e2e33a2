# cart_abandon: PGXS build of a C++17 PostgreSQL extension.
#   make && make install        build and install into the server found by pg_config
#   make unittest               build and run the GoogleTest suite of the PostgreSQL-free core
#   make check-no-postgres      every core header free of PostgreSQL's (src/core/no_postgres.hpp)
#   make check-format           the C++ files as .clang-format lays them out (make format applies it)
#   make WERROR=1 ...           warnings are errors (what CI does)
#   make soak                   30 min of mixed load with core dumps on (SOAK_SECONDS=120 for less)

EXTENSION = cart_abandon
MODULE_big = cart_abandon
# The current version's scripts are built (DATA_built, not committed): the fresh install from
# sql/parts and sql/functions, and each upgrade A--B from sql/upgrades/A--B.header.sql and the
# files sql/upgrades/A--B.list names. Every other script in sql/ is released and frozen (DATA):
# 1.0, the base of the chain, and the upgrades up to 1.8. When a version after 1.9 changes a
# function that an earlier built upgrade re-creates, that upgrade's built script is committed
# first (frozen as released) and its header and list go.
EXTVERSION := $(shell sed -n "s/^default_version = '\(.*\)'$$/\1/p" $(EXTENSION).control)
SQL_UPGRADES := $(patsubst sql/upgrades/%.list,%,$(sort $(wildcard sql/upgrades/*.list)))
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql $(SQL_UPGRADES:%=sql/$(EXTENSION)--%.sql)
DATA = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*.sql))
PGFILEDESC = "cart_abandon - abandoned-cart WhatsApp reminders for Medusa v2"

# Every .cpp under each layer, its subfolders (rooms) included.
CORE_SRCS := $(sort $(shell find src/core -name '*.cpp'))
PG_SRCS := $(sort $(shell find src/pg -name '*.cpp'))
CORE_HDRS := $(sort $(shell find src/core -name '*.hpp'))
OBJS = $(CORE_SRCS:.cpp=.o) $(PG_SRCS:.cpp=.o)

PG_CONFIG ?= pg_config
PG_INCLUDEDIR_SERVER := $(shell $(PG_CONFIG) --includedir-server)

WARNINGS = -Wall -Wextra -Wno-register -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

# Server headers as system headers: their own warnings are not ours to fix.
PG_CPPFLAGS = -isystem $(PG_INCLUDEDIR_SERVER) -Isrc
PG_CXXFLAGS = -std=c++17 $(WARNINGS)
# ICU for Unicode properties, grapheme breaks, case folding, time zones and currencies (PostgreSQL
# links the same ICU); libcrypto for HMAC-SHA256 (webhook signatures) and base64 (the cursor).
SHLIB_LINK = -lcurl -lphonenumber -licui18n -licuuc -lcrypto -lstdc++

# PGXS would also compile LLVM bitcode for JIT inlining with clang, which neither needs nor
# accepts these C++17 sources.
override with_llvm = no

# Header dependencies are ours (below), not PGXS's autodepend: it names an object's file by its
# base name alone (.deps/webhook.Po), so the rooms' two webhook.cpp, ... shared one and a header
# change could leave an object stale.
override autodepend =
EXTRA_CLEAN = $(OBJS:.o=.d) build/cxxflags

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Each object is rebuilt when a header it includes changes (its .d beside it) or when the flags
# change (WERROR=1 after a plain build): build/cxxflags holds them and is rewritten only when they
# differ (PGXS marks every target .SECONDARY, so a stamp that is merely missing would remake nothing).
CXX_FLAGS_TEXT := $(subst ','',$(CXXFLAGS) $(CPPFLAGS))
build/cxxflags: FORCE
	@mkdir -p build && echo '$(CXX_FLAGS_TEXT)' | cmp -s - $@ || echo '$(CXX_FLAGS_TEXT)' > $@
.PHONY: FORCE
FORCE:
$(OBJS): build/cxxflags
%.o: %.cpp
	$(COMPILE.cc) -MMD -MP -MF $*.d -o $@ $<
-include $(OBJS:.o=.d)

# The fresh install: header, tables, one file per function, the parts that use them, and the
# privileges last, once every function exists. Functions by name, except that those another
# SQL-language body calls come first (PostgreSQL checks such bodies when they are created).
SQL_FUNCTIONS_FIRST = sql/functions/phone_of_wa_id.sql
SQL_FUNCTIONS = $(SQL_FUNCTIONS_FIRST) $(filter-out $(SQL_FUNCTIONS_FIRST),$(sort $(wildcard sql/functions/*.sql)))
SQL_PARTS_AFTER_FUNCTIONS = sql/parts/erasure.sql sql/parts/templates.sql sql/parts/stats.sql sql/parts/daily.sql sql/parts/indexes.sql sql/parts/privileges.sql
# One blank line between the files, as between the functions of a hand-written script.
SQL_CONCAT = awk 'FNR == 1 && NR > 1 { print "" } { print }'

sql/$(EXTENSION)--$(EXTVERSION).sql: sql/parts/header.sql sql/parts/tables.sql $(SQL_FUNCTIONS) $(SQL_PARTS_AFTER_FUNCTIONS)
	$(SQL_CONCAT) $^ > $@

# An upgrade carries only what changed: its header (tables, columns, data moves), then the files
# its list names, in that order (one path under sql/ a line; "--" starts a comment).
sql_upgrade_files = $(addprefix sql/,$(shell sed -e 's/--.*//' $(1)))
.SECONDEXPANSION:
$(SQL_UPGRADES:%=sql/$(EXTENSION)--%.sql): sql/$(EXTENSION)--%.sql: sql/upgrades/%.header.sql sql/upgrades/%.list \
                                                                  $$(call sql_upgrade_files,sql/upgrades/$$*.list)
	$(SQL_CONCAT) $< $(call sql_upgrade_files,sql/upgrades/$*.list) > $@

# ---- unit tests of the core (no PostgreSQL involved) ----
UNIT_BUILD ?= build/unit
UNIT_SRCS := $(sort $(wildcard test/unit/*.cpp))
UNIT_CXXFLAGS = -std=c++17 $(WARNINGS) -g -O1 -Isrc $(UNIT_EXTRA_FLAGS)
UNIT_LIBS = -lgtest -lgtest_main -lpthread -lcurl -lphonenumber -licui18n -licuuc -lcrypto

$(UNIT_BUILD)/core/%.o: src/core/%.cpp $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -c $< -o $@

$(UNIT_BUILD)/test/%.o: test/unit/%.cpp $(CORE_HDRS) $(wildcard test/unit/*.hpp)
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -c $< -o $@

$(UNIT_BUILD)/core_tests: $(CORE_SRCS:src/core/%.cpp=$(UNIT_BUILD)/core/%.o) $(UNIT_SRCS:test/unit/%.cpp=$(UNIT_BUILD)/test/%.o)
	$(CXX) $(UNIT_CXXFLAGS) $^ $(UNIT_LIBS) -o $@

.PHONY: unittest unittest-sanitized
unittest: $(UNIT_BUILD)/core_tests
	$(UNIT_BUILD)/core_tests

# The same tests under AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer.
unittest-sanitized:
	$(MAKE) unittest UNIT_BUILD=build/unit-sanitized \
	    UNIT_EXTRA_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

# ---- the core stays PostgreSQL-free (src/core/no_postgres.hpp): every header of src/core
# includes the guard first, compiles on its own with the server's headers on the include path yet
# without them (the guard again at the end proves none came in, even indirectly), and the guard
# stops a build where a PostgreSQL header came first. Syntax only, two at a time: a few seconds.
CORE_HEADERS := $(filter-out src/core/no_postgres.hpp,$(CORE_HDRS))
NO_POSTGRES_CXX = $(CXX) -std=c++17 $(WARNINGS) -fsyntax-only -Isrc -isystem $(PG_INCLUDEDIR_SERVER) -x c++ -

.PHONY: check-no-postgres
check-no-postgres:
	@status=0; \
	for header in $(CORE_HEADERS); do \
	    grep -m1 '^#include' $$header | grep -Eqx '#include "(\.\./)*(core/)?no_postgres\.hpp"' \
	        || { echo "$$header: its first #include is not no_postgres.hpp"; status=1; }; \
	done; \
	printf '%s\n' $(CORE_HEADERS:src/%=%) | xargs -P 2 -I{} sh -c \
	    'printf "#include \"%s\"\n#include \"core/no_postgres.hpp\"\n" {} | $(NO_POSTGRES_CXX) || { echo "{}: does not compile alone without PostgreSQL"; exit 1; }' \
	    || status=1; \
	if printf '#include "postgres.h"\n#include "core/error.hpp"\n' | $(NO_POSTGRES_CXX) 2>/dev/null; then \
	    echo "core/no_postgres.hpp: a core header after postgres.h compiled: the guard does not fire"; status=1; \
	fi; \
	[ $$status -eq 0 ] && echo "check-no-postgres: $(words $(CORE_HEADERS)) core headers free of PostgreSQL, the guard fires"; \
	exit $$status

# ---- one layout for the C++ (.clang-format), with the Debian 12 clang-format so that every
# machine lays out alike.
CLANG_FORMAT ?= clang-format-14
FORMATTED := $(sort $(shell git ls-files 'src/*.cpp' 'src/*.hpp' 'test/unit/*.cpp' 'test/unit/*.hpp' 'fuzz/*.cpp' \
                                         'bench/standin/*.cpp' 2>/dev/null))

.PHONY: check-format format
check-format:
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMATTED) && echo "check-format: $(words $(FORMATTED)) files as .clang-format lays them out"

format:
	$(CLANG_FORMAT) -i $(FORMATTED)

clean: clean-unit
.PHONY: clean-unit
clean-unit:
	rm -rf build

# ---- benchmarks: every figure of bench/RESULTS.md in one command (about 25 minutes on 2 cores);
# BENCH_SCALE=smoke runs the same steps at small sizes (the test command does).
.PHONY: bench
bench:
	bash bench/run.sh

# ---- soak: SOAK_SECONDS (30 min) of mixed load on the installed extension with core dumps on;
# fails on a backend crash, a duplicate or a lost record. Not part of the test command.
SOAK_SECONDS ?= 1800
.PHONY: soak
soak:
	SOAK_SECONDS="$(SOAK_SECONDS)" bash scripts/soak.sh
