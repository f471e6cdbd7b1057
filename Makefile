# nettool: one binary, many network tools.  GNU make.
CC       ?= cc
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
LDLIBS   ?= -lm
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
MANDIR    = $(PREFIX)/share/man
COMPDIR   = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ALLCFLAGS = -pthread -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib -Icmd $(WARN) $(CPPFLAGS) $(CFLAGS)

# Object files go under BUILD so a sanitizer build can sit beside the
# normal one; BIN is the binary the tests drive.
BUILD    ?= build
BIN      ?= nettool

LIB_DIRS  = core names net system capture
LIB_SRC   = $(sort $(foreach d,$(LIB_DIRS),$(wildcard lib/$(d)/*.c)))
LIB_HDR   = $(foreach d,$(LIB_DIRS),$(wildcard lib/$(d)/*.h))
CMD_SRC   = $(sort $(wildcard cmd/*.c cmd/parts/*.c))
LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ   = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  = $(UNIT_SRC:%.c=$(BUILD)/%)
FUZZ_SRC  = $(sort $(wildcard tests/fuzz/fuzz_*.c))
MANPAGES  = $(sort $(wildcard man/*.1))
FUZZ_SECONDS ?= 30

SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

all: $(BIN)

$(BIN): $(CMD_OBJ) $(BUILD)/libnettool.a
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libnettool.a $(LDLIBS)

$(BUILD)/libnettool.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/%.o: %.c $(LIB_HDR) $(wildcard cmd/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libnettool.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libnettool.a $(LDLIBS)

unit: $(UNIT_BIN)

# The whole suite: C unit tests of lib/ and every tests/*.bats file, ending
# in one "N passed, N failed" line.
check: $(BIN) unit
	@NETTOOL=$(abspath $(BIN)) UNIT_DIR=$(BUILD)/tests/unit sh tests/run-all.sh

sanitize:
	@$(MAKE) --no-print-directory BUILD=build-san BIN=build-san/nettool CC=$(CC) CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" check

fuzz:
	@mkdir -p build-fuzz
	@set -e; for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); \
	  clang -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib -g -O1 \
	    -fsanitize=fuzzer,address,undefined -o build-fuzz/$$n $$f $(LIB_SRC); \
	  mkdir -p build-fuzz/corpus-$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  rc=0; build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build-fuzz/corpus-$$n $$( [ -d tests/fuzz/seed-$$n ] && echo tests/fuzz/seed-$$n ) \
	    > build-fuzz/$$n.log 2>&1 || rc=$$?; \
	  grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' build-fuzz/$$n.log || true; \
	  [ $$rc -eq 0 ] || { echo "fuzz: $$n failed (exit $$rc), see build-fuzz/$$n.log"; exit 1; }; \
	done

bench: $(BIN)
	@for b in bench/*.sh; do echo "== $$b"; NETTOOL=$(abspath $(BIN)) bash $$b || exit 1; done

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/nettool
	install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 completions/nettool.bash $(DESTDIR)$(COMPDIR)/nettool
	install -m 644 completions/_nettool $(DESTDIR)$(ZSHCOMPDIR)/_nettool
	install -m 644 completions/nettool.fish $(DESTDIR)$(FISHCOMPDIR)/nettool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nettool $(DESTDIR)$(COMPDIR)/nettool
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_nettool $(DESTDIR)$(FISHCOMPDIR)/nettool.fish
	for m in $(notdir $(MANPAGES)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done

# A fully static binary with musl (Debian's musl-tools). musl-gcc sees only
# musl's headers: build-static/include links in the kernel's uapi headers;
# the __UAPI_DEF_* macros stop those redefining what musl's netinet/in.h
# defines (the kernel coordinates that with glibc only), and linux/in6.h
# and linux/errqueue.h get the libc headers they need (glibc's come by
# way of others) ahead of them, whatever order a file includes them in.
STATIC_CC    ?= musl-gcc
STATIC_UAPI   = IN_ADDR IN_IPPROTO IN_PKTINFO IP_MREQ SOCKADDR_IN IN_CLASS \
		IN6_ADDR IN6_ADDR_ALT SOCKADDR_IN6 IPV6_MREQ IPPROTO_V6 \
		IPV6_OPTIONS IN6_PKTINFO IP6_MTUINFO
STATIC_FLAGS  = -isystem build-static/include $(STATIC_UAPI:%=-D__UAPI_DEF_%=0)
STATIC_MAKE   = $(MAKE) --no-print-directory BUILD=build-static BIN=build-static/nettool \
		CC=$(STATIC_CC) CPPFLAGS="$(STATIC_FLAGS)" LDFLAGS="-static -s"
static:
	@rm -rf build-static/include && mkdir -p build-static/include/linux
	@ma=$$(gcc -print-multiarch) && cd build-static/include && \
	  ln -s /usr/include/asm-generic /usr/include/$$ma/asm . && \
	  ln -s /usr/include/linux/* linux/ && rm linux/errqueue.h linux/in6.h && \
	  printf '#include <time.h>\n#include "/usr/include/linux/errqueue.h"\n' > linux/errqueue.h && \
	  printf '#include <netinet/in.h>\n#include "/usr/include/linux/in6.h"\n' > linux/in6.h
	+@$(STATIC_MAKE) all
	cp build-static/nettool nettool-static

# The whole suite against the static binary (unit tests built with musl too);
# it runs as build-static/nettool, so messages name the program "nettool".
check-static: static
	+@$(STATIC_MAKE) check

# The Debian package, built from a copy of the tree in DEBDIR so the tree
# stays clean; the .deb (and its .changes and .buildinfo) land in DEBDIR.
DEBDIR  ?= build-deb
DEB_SRC  = Makefile README.md cmd lib man completions debian tests
deb:
	rm -rf $(DEBDIR) && mkdir -p $(DEBDIR)/src
	cp -R $(DEB_SRC) $(DEBDIR)/src/
	cd $(DEBDIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b
	rm -rf $(DEBDIR)/src
	@ls $(DEBDIR)/*.deb

lint-man:
	mandoc -Tlint -W warning $(MANPAGES)

# DESIGN.md's shape rules (one loop, file and function sizes, lib/ never
# prints or exits, JSON only through lib/core/out, -j beside every --json):
# prints the offenders, fails if there are any.
lint: $(BIN)
	@NETTOOL=$(abspath $(BIN)) sh tests/lint.sh

clean:
	rm -rf build build-san build-fuzz build-deb build-static nettool nettool-static

.PHONY: all unit check sanitize fuzz bench install uninstall deb static check-static lint lint-man clean
