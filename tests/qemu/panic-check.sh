#!/usr/bin/env bash
# Panic-freedom of wsframe on bare metal, proven by the linker.
#
# 1. Link proof. src/bin/panic-free.rs calls every public entry point of
#    wsframe (except the two parsers on httparse, see 3) with inputs the
#    optimiser cannot see. Its panic handler (src/lib.rs) calls a function
#    that is defined nowhere, so the release firmware links only if no panic
#    path survived optimisation. Checked at opt-level "z", "s" and 3 (fat
#    LTO, panic = "abort"), and at "z" with wsframe's `small` feature,
#    then confirmed with nm (no core::panicking, no index/slice failure
#    symbols) and run in QEMU on random input.
# 2. Negative control: the same firmware with one unchecked index (feature
#    `canary`) must fail to link, naming the undefined symbol.
# 3. Audit of the whole API. With the `parsers` and `scenarios` features
#    the firmware also calls Request::parse and check_response, whose
#    httparse code keeps panic sites the optimiser cannot remove. It is
#    built with a panic handler that links, and panic_audit.py lists every
#    call into the standard library's panic machinery from its disassembly:
#    any site outside httparse fails. The firmware then runs the loopback
#    scenarios in QEMU, optimised.
#   bash tests/qemu/panic-check.sh
set -euo pipefail
cd "$(dirname "$0")"
source ./setup.sh
target=thumbv7m-none-eabi
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }
qemu() { # ELF -> its semihosting output; status is the firmware's verdict
  timeout 300 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native -kernel "$1" 2>&1 |
    grep -v '^Timer with period zero'
  return "${PIPESTATUS[0]}"
}
build() { # OPT TARGET_DIR [FEATURES] -> cargo's stderr in $log
  CARGO_PROFILE_RELEASE_OPT_LEVEL=$1 CARGO_TARGET_DIR=$2 \
    timeout 900 cargo build --release --bin panic-free --features "${3:-}" 2>"$log"
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
panic_symbols='core::panicking|rust_begin_unwind|panic_bounds_check|slice_index_fail|slice_(start|end)_index|len_mismatch_fail|unwrap_failed|expect_failed'

echo "== 1. link proof: the whole API but the httparse parsers, panic handler undefined"
# Each opt-level with wsframe's default features; "z+small" is opt-level
# "z" with wsframe's `small` feature (byte-loop masking, the UTF-8 DFA and
# its unchecked Close reason, the general header decoder only).
for variant in z s 3 z+small; do
  opt=${variant%%+*} feat=; [ "$variant" != "$opt" ] && feat=${variant#*+}
  dir=target/panic-$opt${feat:+-$feat}
  elf=$dir/$target/release/panic-free
  if build "$opt" "$dir" "$feat"; then
    pass "opt-level $variant: links, so no panic path is left ($(arm-none-eabi-size "$elf" | awk 'NR==2 {print $1 + $2}') B flash)"
    # nm's output captured first: under pipefail, `nm | grep -q` fails when grep stops at a
    # match before nm stops writing, which would read as "no panic symbol".
    symbols=$(arm-none-eabi-nm -C "$elf")
    if grep -Eq "$panic_symbols" <<<"$symbols"; then
      fail "opt-level $variant: nm finds panic symbols"; grep -E "$panic_symbols" <<<"$symbols"
    else
      pass "opt-level $variant: nm finds no panic symbol"
    fi
    if out=$(qemu "$elf"); then pass "opt-level $variant: runs in QEMU ($(grep -oE '(random rounds|deflate round trips byte-exact).*' <<<"$out" | paste -sd ';' | sed 's/;/; /'))"
    else fail "opt-level $variant: QEMU run"; echo "$out"; fi
  else
    grep -m5 -E 'undefined symbol|^error' "$log" || true
    fail "opt-level $variant: does not link: a panic path survived. Where:"
    if build "$opt" "$dir-sites" "panic-exit${feat:+,$feat}"; then
      CARGO_PROFILE_RELEASE_DEBUG=true build "$opt" "$dir-sites" "panic-exit${feat:+,$feat}"
      python3 panic_audit.py "$dir-sites/$target/release/panic-free" || true
    else
      cat "$log"
    fi
  fi
done

echo "== 2. negative control: one unchecked index must break the link"
if build z target/panic-z canary; then
  fail "the canary firmware linked: the proof would not catch a panic path"
elif grep -q 'undefined symbol: wsframe_firmware_has_a_panic_path' "$log"; then
  pass "the canary firmware fails to link with 'undefined symbol: wsframe_firmware_has_a_panic_path'"
else
  fail "the canary firmware failed for another reason"; tail -20 "$log"
fi

echo "== 3. audit: the whole API with the parsers, and the scenarios, optimised"
for opt in z 3; do
  dir=target/audit-$opt
  elf=$dir/$target/release/panic-free
  if CARGO_PROFILE_RELEASE_DEBUG=true build "$opt" "$dir" scenarios,parsers,panic-exit; then
    if python3 panic_audit.py "$elf" --allow /httparse-; then
      pass "opt-level $opt: every remaining panic site is inside httparse"
    else
      fail "opt-level $opt: panic sites outside httparse"
    fi
    if out=$(qemu "$elf"); then pass "opt-level $opt: scenarios and random rounds pass in QEMU ($(grep -o 'scenarios and rounds passed: [0-9]*' <<<"$out"))"
    else fail "opt-level $opt: QEMU run of the audited firmware"; echo "$out"; fi
  else
    fail "opt-level $opt: the audited firmware does not build"; tail -20 "$log"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
