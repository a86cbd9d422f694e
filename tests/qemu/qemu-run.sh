#!/usr/bin/env bash
# Cargo runner for the firmware (see .cargo/config.toml): boots ELF in QEMU
# with semihosting, decodes its defmt output with defmt-print, and exits with
# QEMU's status (the firmware's semihosting exit: 0 pass, 1 fail).
#   qemu-run.sh ELF
# Cortex-M3 (thumbv7m) runs on lm3s6965evb; Cortex-M4F (thumbv7em) on
# mps2-an386. QEMU_TIMEOUT (seconds, default 300) bounds the run.
set -uo pipefail
elf=$1
case "$elf" in
  *thumbv7em*) machine=(-cpu cortex-m4 -machine mps2-an386) ;;
  *)           machine=(-cpu cortex-m3 -machine lm3s6965evb) ;;
esac
timeout "${QEMU_TIMEOUT:-300}" qemu-system-arm "${machine[@]}" -nographic -monitor none \
  -serial none -semihosting-config enable=on,target=native -kernel "$elf" |
  defmt-print --log-format '{s}' -e "$elf"
status=("${PIPESTATUS[@]}")
if [ "${status[0]}" -eq 124 ]; then
  echo "qemu-run.sh: timed out after ${QEMU_TIMEOUT:-300} s" >&2
fi
if [ "${status[1]}" -ne 0 ] && [ "${status[0]}" -eq 0 ]; then
  echo "qemu-run.sh: defmt-print failed" >&2
  exit 1
fi
exit "${status[0]}"
