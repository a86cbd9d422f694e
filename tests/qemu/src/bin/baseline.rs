//! The footprint baseline: the same startup, stack painting, inputs and
//! outputs as `footprint`, without calling wsframe. `footprint.sh`
//! subtracts its sizes.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use wsframe_qemu::{exit, paint_stack, report, stack_peak, wire};

#[entry]
fn main() -> ! {
    paint_stack();
    let mut rx = [0u8; 512];
    let mut tx = [0u8; 512];
    let ok = workload(&mut rx, &mut tx);
    report(b"stack_peak_bytes=", stack_peak());
    exit(ok)
}

#[inline(never)]
fn workload(rx: &mut [u8; 512], tx: &mut [u8; 512]) -> bool {
    black_box((
        wire::REQUEST,
        wire::RESPONSE,
        wire::NONCE,
        wire::FRAMES,
        wire::DEFLATED,
    ));
    black_box((rx, tx));
    true
}
