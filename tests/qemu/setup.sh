# Sourced by run.sh, footprint.sh and panic-check.sh: installs what the
# bare-metal tests need, each step only if missing (Debian; root or sudo).
set -euo pipefail

_wsframe_apt() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 $sudo apt-get update -qq
  timeout 600 $sudo apt-get install -y -qq --no-install-recommends "$@"
}

if ! command -v qemu-system-arm >/dev/null || ! command -v arm-none-eabi-size >/dev/null; then
  _wsframe_apt qemu-system-arm binutils-arm-none-eabi
fi
_wsframe_targets=$(rustup target list --installed)
for _t in thumbv7m-none-eabi thumbv7em-none-eabihf riscv32imac-unknown-none-elf; do
  grep -qx "$_t" <<<"$_wsframe_targets" || timeout 300 rustup target add "$_t"
done
command -v defmt-print >/dev/null || timeout 900 cargo install --locked defmt-print
