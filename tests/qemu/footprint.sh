#!/usr/bin/env bash
# What wsframe costs a Cortex-M3 firmware: flash and RAM of minimal release
# firmwares (opt-level "z" unless OPT is set, fat LTO, codegen-units = 1,
# panic = "abort"), each minus a baseline firmware with the same startup,
# inputs and outputs that does not call wsframe (src/bin/baseline.rs):
#   (a) frame codec + connection, no handshake
#   (b) (a) + server handshake (Request::parse, the 101 or the refusal)
#   (c) (b) + client handshake (ClientRequest::write, check_response)
#   (d) (a) + permessage-deflate both ways at window 10, through the
#       connection: recv_deflate (a compressed message among the frames)
#       and send_deflate (its echo compressed, either level)
#   (e) (a) + inflate only: recv_deflate, replies uncompressed (send_data)
# Flash = .vector_table + .text + .rodata + .data; static RAM = .data +
# .bss; stack = deepest stack use measured in QEMU by painting the stack
# (src/lib.rs); the deflate memory of (d) and (e) is static (the
# Decompression and its 1 KiB ring, the Compression and its storage), so
# it shows as static RAM. Each configuration is built twice: with
# wsframe's default features and as the "size" build (SIZE_FEATURES
# below). Also prints size_of of the measured connection and of the
# default one, of Decompression and Compression, and their memory() at
# window 10, on this target.
#   tests/qemu/footprint.sh            # OPT=z
#   OPT=s tests/qemu/footprint.sh
set -euo pipefail
cd "$(dirname "$0")"
source ./setup.sh
opt=${OPT:-z}
target=thumbv7m-none-eabi
dir=target/footprint-$opt
export CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt CARGO_TARGET_DIR=$dir

# name of each configuration and its features
configs=("baseline:" "a:" "b:server-handshake" "c:server-handshake,client-handshake"
  "d:inflate,compress" "e:inflate")
# Two builds of each: wsframe's default features, and the size build that
# leaves out what a firmware can do without (named in SIZE_FEATURES: the
# firmware crate's features minus its defaults, which carry wsframe's).
SIZE_FEATURES="wsframe default features minus close-reasons, plus small"
builds=("default::" "size:--no-default-features:small,")

section() { # ELF SECTION... -> summed size
  local elf=$1; shift
  arm-none-eabi-size -A "$elf" | awk -v want=" $* " \
    'index(want, " " $1 " ") { s += $2 } END { print s + 0 }'
}
mem_routines() { # ELF -> bytes of compiler-builtins memcpy/memset/memclr/memmove
  arm-none-eabi-nm -S --demangle "$1" | python3 -c '
import re, sys
total = 0
for line in sys.stdin:
    parts = line.split(None, 3)
    if len(parts) == 4 and re.match(r"(__aeabi_mem|mem(cpy|set|move|clr)\b|compiler_builtins::mem::)", parts[3]):
        total += int(parts[1], 16)
print(total)'
}

declare -A flash ram stack mem
size_of="" size_of_default=""
declare -A sizes # size_of_decompression, size_of_compression, *_memory*
for build in "${builds[@]}"; do
  bname=${build%%:*} rest=${build#*:}
  bflags=${rest%%:*} bfeatures=${rest#*:}
  for entry in "${configs[@]}"; do
    name=${entry%%:*} features=${entry#*:}
    bin=footprint; [ "$name" = baseline ] && bin=baseline
    # The baseline does not call wsframe: one build serves both.
    [ "$name" = baseline ] && [ "$bname" != default ] && continue
    key=$bname-$name; [ "$name" = baseline ] && key=baseline
    # shellcheck disable=SC2086
    timeout 600 cargo build --quiet --release --bin "$bin" $bflags --features "panic-exit,$bfeatures$features"
    elf=$dir/$target/release/$bin
    cp "$elf" "$dir/$key.elf"
    flash[$key]=$(section "$elf" .vector_table .text .rodata .data)
    ram[$key]=$(section "$elf" .data .bss .uninit)
    mem[$key]=$(mem_routines "$elf")
    out=$(timeout 60 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic -monitor none \
          -serial none -semihosting-config enable=on,target=native -kernel "$elf" 2>&1) || {
      echo "footprint.sh: firmware $key failed in QEMU" >&2; echo "$out" >&2; exit 1; }
    stack[$key]=$(sed -n 's/^stack_peak_bytes=//p' <<<"$out")
    s=$(sed -n 's/^size_of_connection=//p' <<<"$out"); [ -n "$s" ] && size_of=$s
    s=$(sed -n 's/^size_of_default_connection=//p' <<<"$out"); [ -n "$s" ] && size_of_default=$s
    for k in size_of_decompression decompression_memory size_of_compression \
      compression_memory_fast compression_memory_default; do
      s=$(sed -n "s/^$k=//p" <<<"$out"); [ -n "$s" ] && sizes[$k]=$s
    done
  done
done

b=baseline
printf '\nwsframe footprint on %s (Cortex-M3), opt-level "%s", LTO, panic=abort\n' "$target" "$opt"
printf 'baseline firmware: %s B flash, %s B static RAM, %s B stack\n' "${flash[$b]}" "${ram[$b]}" "${stack[$b]}"
for build in "${builds[@]}"; do
  bname=${build%%:*}
  case $bname in
    default) printf '\nbuild "default": wsframe with its default features (close-reasons)\n' ;;
    size) printf '\nbuild "size": %s\n' "$SIZE_FEATURES" ;;
  esac
  printf '%-40s %12s %16s %12s %12s\n' "configuration (minus baseline)" "flash B" "of it mem*() B" "static RAM" "stack B"
  for entry in "${configs[@]:1}"; do
    name=${entry%%:*} key=$bname-${entry%%:*}
    case $name in
      a) label="(a) frame codec + connection" ;;
      b) label="(b) + server handshake" ;;
      c) label="(c) + client handshake" ;;
      d) label="(d) (a) + deflate both ways" ;;
      e) label="(e) (a) + inflate only" ;;
    esac
    printf '%-40s %12s %16s %12s %12s\n' "$label" \
      $((flash[$key] - flash[$b])) $((mem[$key] - mem[$b])) \
      $((ram[$key] - ram[$b])) $((stack[$key] - stack[$b]))
  done
done
printf '\nsize_of::<Connection<8>>() = %s B, as measured above (8-byte Pong slot; plus the caller'"'"'s buffers)\n' "$size_of"
printf 'size_of::<Connection>() = %s B (the default: 125-byte Pong slot)\n' "$size_of_default"
printf '(mem*() = memcpy/memset from compiler-builtins, which most firmwares link anyway)\n'
ring=1024
printf '\npermessage-deflate at window 10 (2^10 = %s B), the static RAM of (d)/(e):\n' "$ring"
printf 'size_of::<Decompression>() = %s B; Decompression::memory = %s B (struct + its %s B ring)\n' \
  "${sizes[size_of_decompression]}" "${sizes[decompression_memory]}" "$ring"
printf 'size_of::<Compression>() = %s B; Compression::memory: %s B fast, %s B default (struct + storage)\n' \
  "${sizes[size_of_compression]}" "${sizes[compression_memory_fast]}" "${sizes[compression_memory_default]}"
