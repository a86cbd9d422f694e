#!/usr/bin/env bash
# wsframe on bare metal (installs what it needs: see setup.sh).
#  1. The loopback scenarios (wsframe::testing, the Pair the host tests use
#     too) in one firmware on a Cortex-M3 (QEMU lm3s6965evb), logged over
#     defmt + semihosting and decoded by defmt-print; QEMU's exit status is
#     the verdict, the last line "N passed, M failed".
#  2. The same firmware built for thumbv7em-none-eabihf and run on a
#     Cortex-M4F (QEMU mps2-an386).
#  3. Build checks: the core for riscv32imac-unknown-none-elf, and with
#     its defmt feature for thumbv7m-none-eabi.
#  4. panic-check.sh: panic-freedom, proven by the linker.
#  5. footprint.sh: flash, RAM and size_of::<Connection>().
#   bash tests/qemu/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
source ./setup.sh

echo "== scenarios on a Cortex-M3 (thumbv7m-none-eabi, lm3s6965evb)"
timeout 1200 cargo test --features log
echo "== scenarios on a Cortex-M4F (thumbv7em-none-eabihf, mps2-an386)"
timeout 1200 cargo test --features log --target thumbv7em-none-eabihf

echo "== build checks"
(
  cd "$here/../.."
  timeout 900 cargo build -p wsframe --target riscv32imac-unknown-none-elf
  timeout 900 cargo build -p wsframe --features defmt --target thumbv7m-none-eabi
)

# Both run even if the first fails; the run fails if either did.
status=0
echo "== panic-freedom"
bash "$here/panic-check.sh" || status=1
echo "== footprint"
bash "$here/footprint.sh" || status=1
exit $status
