# cart_abandon: PGXS build of a C++17 PostgreSQL extension.
#   make && make install        build and install into the server found by pg_config
#   make unittest               build and run the GoogleTest suite of the PostgreSQL-free core
#   make WERROR=1 ...           warnings are errors (what CI does)
#   make soak                   30 min of mixed load with core dumps on (SOAK_SECONDS=120 for less)

EXTENSION = cart_abandon
MODULE_big = cart_abandon
# The 1.6 scripts are assembled from sql/parts (one copy of every function for both) and
# committed; `make` remakes them when a part changes. Earlier versions' scripts are frozen.
DATA = sql/cart_abandon--1.0.sql sql/cart_abandon--1.1.sql sql/cart_abandon--1.0--1.1.sql \
       sql/cart_abandon--1.2.sql sql/cart_abandon--1.1--1.2.sql \
       sql/cart_abandon--1.3.sql sql/cart_abandon--1.2--1.3.sql \
       sql/cart_abandon--1.4.sql sql/cart_abandon--1.3--1.4.sql \
       sql/cart_abandon--1.5.sql sql/cart_abandon--1.4--1.5.sql \
       sql/cart_abandon--1.6.sql sql/cart_abandon--1.5--1.6.sql
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
# links the same ICU); libcrypto for the HMAC-SHA256 of webhook signatures.
SHLIB_LINK = -lcurl -lphonenumber -licui18n -licuuc -lcrypto -lstdc++

# PGXS would also compile LLVM bitcode for JIT inlining with clang, which neither needs nor
# accepts these C++17 sources.
override with_llvm = no

# Rebuild objects when a header they include changes.
override autodepend = yes

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The SQL API in parts by concept; the privileges last, once every function exists.
SQL_FUNCTION_PARTS = sql/parts/functions.sql sql/parts/stats.sql sql/parts/daily.sql sql/parts/indexes.sql \
                     sql/parts/privileges.sql

sql/cart_abandon--1.6.sql: sql/parts/header.sql sql/parts/tables.sql $(SQL_FUNCTION_PARTS)
	cat $^ > $@

# 1.5 -> 1.6: its header (new tables and columns), then every function again (CREATE OR REPLACE).
sql/cart_abandon--1.5--1.6.sql: sql/parts/1.5-1.6-header.sql $(SQL_FUNCTION_PARTS)
	cat $^ > $@

all: sql/cart_abandon--1.6.sql sql/cart_abandon--1.5--1.6.sql

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

clean: clean-unit
.PHONY: clean-unit
clean-unit:
	rm -rf build

# ---- benchmarks: every figure of bench/RESULTS.md in one command (about 12 minutes on 2 cores);
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
