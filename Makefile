# SPDX-License-Identifier: GPL-2.0
#
# altbpf - an alternate eBPF engine as an out-of-tree Linux module.
#
#   make demo       boot the test VM and show the engine at work
#   make check      build everything and run every test (native + QEMU)
#   make bench      run the benchmark suite natively and in QEMU (docs/bench.md)
#
# Kernel modules are built by Kbuild (see Kbuild, module/Kbuild,
# kunit/Kbuild) against the cached test kernel; userspace by userspace/Makefile.

REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD ?= $(REPO)/build
# The test kernel's build dir: built and cached by scripts/build-kernel.
KDIR ?= $(shell $(REPO)/scripts/build-kernel --print-dir 2>/dev/null)

.PHONY: all help deps kernel userspace module native-check conformance \
	check check-debug demo bench fuzz vm-shell clean

all: userspace module

help:
	@sed -n 's/^#   //p' $(REPO)/Makefile
	@echo "  make kernel      build (or reuse) the cached test kernel"
	@echo "  make userspace   build the CLI, plugin and native tests into build/"
	@echo "  make module      build altbpf.ko and altbpf_kunit.ko"
	@echo "  make native-check  run the native tests and conformance only"
	@echo "  make check-debug the guest suites on the KASAN/kmemleak/lockdep kernel"
	@echo "  make vm-shell    interactive shell in the test VM, module loaded"
	@echo "  make fuzz FUZZ_SECONDS=N  differential fuzzing (docs/fuzzing.md)"

deps:
	$(REPO)/scripts/install-deps

kernel:
	$(REPO)/scripts/build-kernel

userspace:
	$(MAKE) -C $(REPO)/userspace BUILD=$(BUILD)

module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "no test kernel yet: run 'make kernel' first" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(REPO) modules

native-check: userspace
	$(BUILD)/bin/altbpf-native-tests
	$(REPO)/scripts/conformance --plugin "$(BUILD)/bin/altbpf-plugin"

FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C $(REPO)/userspace BUILD=$(BUILD) -j2 fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=$(BUILD) $(REPO)/userspace/fuzz/run

check:
	$(REPO)/scripts/check

# The guest suites on the full debug kernel (docs/reliability.md).
check-debug:
	$(REPO)/scripts/check-debug

demo:
	$(REPO)/scripts/demo

bench:
	$(REPO)/scripts/bench

vm-shell: all
	$(REPO)/scripts/vm-run --shell

clean:
	-$(MAKE) -C $(REPO)/userspace BUILD=$(BUILD) clean
	-test -n "$(KDIR)" -a -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(REPO) clean
	rm -rf $(BUILD)
