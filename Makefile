# gemini-doctor: build, test, install. `make demo` and `make test` install the
# missing Debian packages first (.ci/install-deps), so both work on a fresh
# Debian 12 machine as root.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
DATADIR ?= $(PREFIX)/share/gemini-doctor
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=
VERSION = 0.1.0

CC ?= cc
BUILD ?= build
PKGS = libcurl libcjson ncursesw zlib sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is loaded at run time by the commands that need the network
# (src/curl_load.c): its headers are used, its library is not linked.
PKG_LIBS := $(shell pkg-config --libs libcjson ncursesw zlib sqlite3 2>/dev/null)
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror
ALL_CFLAGS = -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DGD_VERSION='"$(VERSION)"' -Isrc -I$(BUILD) $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LIBS = $(PKG_LIBS) -lm -lpthread -ldl

RULES := $(sort $(wildcard rules/*.json))
SRCS := $(sort $(wildcard src/*.c))
# What unit tests link: everything but main.c and the file that reads its
# tables (the command table and the option list live in main.c).
LIB_SRCS := $(filter-out src/main.c src/cmd_completion.c,$(SRCS))
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/rules_builtin.o
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/rules_builtin.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/%)
BIN = $(BUILD)/gemini-doctor

.PHONY: all deps demo test torture check deb release unit-bins check-format check-unit check-cases check-lint check-knowledge \
	check-valgrind asan bench fuzz install uninstall clean format completions

all: $(BIN) $(BUILD)/rules-bundle/manifest.json

V ?= 0
Q = $(if $(filter 1,$(V)),,@)

$(BIN): $(OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LIBS) $(LDFLAGS)

$(BUILD)/%.o: src/%.c | $(BUILD)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/rules_builtin.c: $(RULES) src/embed.sh | $(BUILD)
	sh src/embed.sh $(RULES) > $@.tmp && mv $@.tmp $@

# The rules bundle `gemini-doctor rules update` installs (docs/rules.md).
$(BUILD)/rules-bundle/manifest.json: $(RULES) src/bundle.sh | $(BUILD)
	sh src/bundle.sh $(BUILD)/rules-bundle $(RULES)

$(BUILD)/rules_builtin.o: $(BUILD)/rules_builtin.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c tests/unit/unit.h $(LIB_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) $(LDFLAGS)

$(BUILD):
	mkdir -p $@

-include $(OBJS:.o=.d)

# Set-up: install what is missing (Debian packages, as root).
deps:
	@sh .ci/install-deps

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh $(BIN)

# The whole suite: unit tests, the case files, rules lint, valgrind, then the
# same again under AddressSanitizer and UBSan.
test: deps
	@GD_FUZZ_DEPS=1 sh .ci/install-deps
	@$(MAKE) --no-print-directory all unit-bins $(BUILD)/failalloc.so
	@$(MAKE) --no-print-directory BUILD=build-asan CC=gcc \
		EXTRA_CFLAGS="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" all unit-bins
	@sh tests/all.sh $(BIN) build-asan/gemini-doctor

unit-bins: $(UNIT_BINS)

# The fast loop: unit tests, lint and the case files; no sanitizers, no
# valgrind, no package installs.
check: $(BIN) $(UNIT_BINS)
	@$(MAKE) --no-print-directory check-unit check-lint check-knowledge check-cases

# Shell completions, generated from the command table by the binary itself.
COMPLETIONS = $(BUILD)/completions/gemini-doctor $(BUILD)/completions/_gemini-doctor \
	$(BUILD)/completions/gemini-doctor.fish
completions: $(COMPLETIONS)

$(BUILD)/completions/gemini-doctor: $(BIN)
	@mkdir -p $(@D)
	./$(BIN) completion bash > $@
$(BUILD)/completions/_gemini-doctor: $(BIN)
	@mkdir -p $(@D)
	./$(BIN) completion zsh > $@
$(BUILD)/completions/gemini-doctor.fish: $(BIN)
	@mkdir -p $(@D)
	./$(BIN) completion fish > $@

check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do ./$$t; done

check-lint: $(BIN)
	./$(BIN) rules lint

check-knowledge:
	python3 tests/knowledge_grep_test.py

check-cases: $(BIN)
	python3 tests/run.py --bin $(BIN)

check-valgrind: $(BIN)
	sh tests/valgrind.sh $(BIN)

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CC=gcc \
		EXTRA_CFLAGS="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" all check-unit
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		python3 tests/run.py --bin build-asan/gemini-doctor --label asan

# The allocation-failure shim and sweep (tests/oom_sweep.py): `make test`
# runs a sample, `make torture` every allocation of every scenario.
$(BUILD)/failalloc.so: tests/oom/failalloc.c | $(BUILD)
	$(Q)$(CC) -O2 -g -shared -fPIC $(WARN) -o $@ $< -ldl

torture: all $(BUILD)/failalloc.so
	python3 tests/oom_sweep.py --bin $(BIN) --shim $(BUILD)/failalloc.so --full

bench: all
	@GD_BENCH_DEPS=1 sh .ci/install-deps
	@sh tests/bench.sh $(BIN)

# Each target runs FUZZ_RUNS executions, at most FUZZ_SECONDS each.
FUZZ_RUNS ?= 1000000
FUZZ_SECONDS ?= 5400
fuzz:
	@GD_FUZZ_DEPS=1 sh .ci/install-deps
	@FUZZ_LIBS="$(LIBS)" sh tests/fuzz.sh $(FUZZ_RUNS) $(FUZZ_SECONDS)

install: all completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/gemini-doctor
	install -m 644 docs/gemini-doctor.1 $(DESTDIR)$(MANDIR)/gemini-doctor.1
	install -m 644 $(RULES) $(DESTDIR)$(DATADIR)/rules/
	install -m 644 $(BUILD)/completions/gemini-doctor $(DESTDIR)$(BASHCOMPDIR)/gemini-doctor
	install -m 644 $(BUILD)/completions/_gemini-doctor $(DESTDIR)$(ZSHCOMPDIR)/_gemini-doctor
	install -m 644 $(BUILD)/completions/gemini-doctor.fish $(DESTDIR)$(FISHCOMPDIR)/gemini-doctor.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gemini-doctor $(DESTDIR)$(MANDIR)/gemini-doctor.1 \
		$(DESTDIR)$(BASHCOMPDIR)/gemini-doctor $(DESTDIR)$(ZSHCOMPDIR)/_gemini-doctor \
		$(DESTDIR)$(FISHCOMPDIR)/gemini-doctor.fish
	rm -rf $(DESTDIR)$(DATADIR)

# The Debian package, built with debhelper from a copy of the tree (the
# files git knows, tracked or new) so that dpkg-buildpackage's own output
# lands in build/deb and the source tree stays clean.
DEB_DIR = $(BUILD)/deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/gemini-doctor-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 cp -a --parents -t $(DEB_DIR)/gemini-doctor-$(VERSION)
	cd $(DEB_DIR)/gemini-doctor-$(VERSION) && dpkg-buildpackage -us -uc -b
	@ls $(DEB_DIR)/*.deb

# A self-contained release: the binary finds its bundled libraries through
# an $$ORIGIN rpath; src/release.sh stages the tree, the tarball and
# sha256sum.txt in build-release/.
release:
	@$(MAKE) --no-print-directory BUILD=build-release \
		LDFLAGS="-Wl,-rpath,'\$$\$$ORIGIN/../lib' -Wl,-z,origin" all completions
	sh src/release.sh build-release $(VERSION)

FORMAT_FILES = src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c

format:
	clang-format -i $(FORMAT_FILES)

# Formatting, and no locale-dependent case or class call in src/ (util.h).
check-format:
	clang-format --dry-run --Werror $(FORMAT_FILES)
	@python3 tests/locale_test.py --source-only >/dev/null || python3 tests/locale_test.py --source-only

clean:
	rm -rf build build-asan build-fuzz build-release
