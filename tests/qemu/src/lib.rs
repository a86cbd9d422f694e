//! Shared pieces of the bare-metal firmwares: semihosting exit and output,
//! the static wire buffers, stack painting, the panic handler, the
//! permessage-deflate scenarios ([`deflate`]) and their connection pair
//! ([`link`]).
//!
//! Without the `log` feature the panic handler calls a function that does
//! not exist, so a firmware links only if no panic path survived
//! optimisation (see panic-check.sh). With `log` (the scenario test) it
//! reports the panic over defmt and fails the run.
#![no_std]

use core::ptr::{addr_of, read_volatile, write_volatile};

use cortex_m_semihosting::debug;

pub mod deflate;
pub mod link;

#[cfg(feature = "log")]
use defmt_semihosting as _;

/// Bytes per wire buffer of the loopback pair (two of them: 8 KiB of the
/// 64 KiB of RAM).
pub const WIRE: usize = 4096;

/// Wire sizes every scenario runs with: the smallest that holds a
/// handshake head, an odd one, and [`WIRE`].
pub const WIRE_SIZES: [usize; 3] = [256, 333, WIRE];

/// Ends the QEMU run: status 0 when `pass`, 1 otherwise.
pub fn exit(pass: bool) -> ! {
    debug::exit(if pass {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Not reached under QEMU; on hardware without a debugger, halt.
    loop {
        cortex_m::asm::wfi();
    }
}

/// The two wire buffers, handed out once (static memory, no heap).
pub fn wires() -> Option<(&'static mut [u8; WIRE], &'static mut [u8; WIRE])> {
    let a = cortex_m::singleton!(: [u8; WIRE] = [0; WIRE])?;
    let b = cortex_m::singleton!(: [u8; WIRE] = [0; WIRE])?;
    Some((a, b))
}

/// Writes `text` followed by `value` in decimal and a newline to the
/// host's stdout (semihosting SYS_WRITE0; no `core::fmt`).
pub fn report(text: &[u8], value: usize) {
    let mut line = [0u8; 80];
    let mut n = 0;
    for (dst, &src) in line.iter_mut().zip(text.iter().take(60)) {
        *dst = src;
        n += 1;
    }
    let mut digits = [0u8; 10];
    let (mut v, mut d) = (value, 0);
    loop {
        if let Some(slot) = digits.get_mut(d) {
            *slot = b'0' + (v % 10) as u8;
        }
        d += 1;
        v /= 10;
        if v == 0 || d == digits.len() {
            break;
        }
    }
    for &digit in digits.iter().take(d).rev() {
        if let Some(slot) = line.get_mut(n) {
            *slot = digit;
            n += 1;
        }
    }
    if let Some(slot) = line.get_mut(n) {
        *slot = b'\n';
    }
    // The rest of `line` is zero: NUL-terminated.
    // SAFETY: SYS_WRITE0 reads a NUL-terminated string; `line` has at
    // most 79 non-zero bytes and lives across the call.
    unsafe {
        cortex_m_semihosting::syscall(cortex_m_semihosting::nr::WRITE0, &line);
    }
}

unsafe extern "C" {
    /// End of .bss/.uninit (cortex-m-rt): the lowest address the stack may
    /// grow down to.
    static __sheap: u32;
    /// Initial stack pointer (cortex-m-rt): the top of RAM.
    static _stack_start: u32;
}

const PAINT: u32 = 0xdead_beef;

/// Fills the unused stack below the current frame with a pattern.
#[inline(never)]
pub fn paint_stack() {
    let bottom = addr_of!(__sheap) as usize;
    let sp = cortex_m::register::msp::read() as usize;
    let mut p = bottom;
    // Leave this function's own frame (and some margin) alone.
    while p + 256 < sp {
        // SAFETY: [__sheap, sp - 256) is RAM below every live frame, and
        // there are no interrupts that could use it meanwhile.
        unsafe { write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
}

/// Bytes the stack may grow to: from the top of RAM down to the end of
/// .bss/.uninit (there is no heap).
pub fn stack_room() -> usize {
    addr_of!(_stack_start) as usize - addr_of!(__sheap) as usize
}

/// Deepest stack use since [`paint_stack`], in bytes from the top of RAM.
#[inline(never)]
pub fn stack_peak() -> usize {
    let bottom = addr_of!(__sheap) as usize;
    let top = addr_of!(_stack_start) as usize;
    let mut p = bottom;
    // SAFETY: reads RAM between the end of .bss and the stack pointer.
    while p < top && unsafe { read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    top - p
}

#[cfg(feature = "log")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    defmt::error!("panic: {}", defmt::Display2Format(info));
    exit(false)
}

/// `panic-exit`: a panic handler that links (and fails the run), for
/// builds that may keep panic paths: panic-check.sh lists their call sites
/// in the disassembly.
#[cfg(all(feature = "panic-exit", not(feature = "log")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    exit(false)
}

#[cfg(not(any(feature = "log", feature = "panic-exit")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe extern "C" {
        /// Deliberately undefined: referenced only if a panic path is left
        /// in the linked firmware, which then fails to link.
        fn wsframe_firmware_has_a_panic_path() -> !;
    }
    // SAFETY: never runs: the firmware does not link if this is reachable.
    unsafe { wsframe_firmware_has_a_panic_path() }
}

/// The bytes the footprint firmwares feed in. Both `baseline` and
/// `footprint` pass them through `black_box`, so the optimiser can neither
/// see them nor drop them, and the difference between the two firmwares is
/// the library's code (plus the few calls into it).
pub mod wire {
    /// A client's opening handshake (RFC 6455 §1.3's key).
    pub const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\n\
        Upgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    /// The server's answer to it.
    pub const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    /// The nonce whose base64 is that key ("the sample nonce").
    pub const NONCE: [u8; 16] = *b"the sample nonce";
    /// Client frames (RFC 6455 §5.7): masked "Hello", a masked Ping
    /// "Hello", then a masked Close 1000.
    pub const FRAMES: &[u8] = &[
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58, // text
        0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58, // ping
        0x88, 0x82, 0x01, 0x02, 0x03, 0x04, 0x02, 0xea, // close 1000
    ];
    /// A permessage-deflate message: "Hello" compressed (RFC 7692
    /// §7.2.3.1), as it arrives without its trailer.
    pub const DEFLATED: &[u8] = &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
}

/// An output the optimiser must assume is used.
#[inline(always)]
pub fn sink<T>(value: T) {
    let _ = core::hint::black_box(value);
}
