//! The loopback scenarios (`wsframe::testing::scenarios`) on a Cortex-M3
//! under QEMU: a client and a server connection in one firmware, talking
//! through two static buffers; then the permessage-deflate scenarios
//! (`wsframe_qemu::deflate`: a client and a server connection compressing
//! with `send_deflate` and inflating with `recv_deflate`, both ways, at
//! windows 9 and 10, all memory on the stack, no allocator) and their bad
//! input. Each runs with every wire size.
//! Logs over defmt; QEMU's exit status is the verdict, and the deepest
//! stack use must stay below the RAM left after the statics.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use wsframe::testing::scenarios::SCENARIOS;
use wsframe_qemu::{WIRE_SIZES, deflate, exit, paint_stack, stack_peak, stack_room, wires};

#[entry]
fn main() -> ! {
    paint_stack();
    let Some((a, b)) = wires() else {
        defmt::error!("wire buffers taken twice");
        exit(false)
    };
    defmt::info!(
        "size_of::<Connection>() = {=usize} bytes",
        core::mem::size_of::<wsframe::Connection>()
    );
    let (mut passed, mut failed) = (0u32, 0u32);
    for size in WIRE_SIZES {
        let (Some(a), Some(b)) = (a.get_mut(..size), b.get_mut(..size)) else {
            exit(false)
        };
        for scenario in SCENARIOS {
            tally(
                &mut passed,
                &mut failed,
                scenario.name,
                size,
                (scenario.run)(a, b),
            );
        }
        for scenario in &deflate::SCENARIOS {
            tally(
                &mut passed,
                &mut failed,
                scenario.name,
                size,
                scenario.run(a, b),
            );
        }
        tally(
            &mut passed,
            &mut failed,
            "deflate conn bad input: 1002, 1007, 1009",
            size,
            deflate::bad_input(a, b),
        );
    }
    let (peak, room) = (stack_peak(), stack_room());
    defmt::info!(
        "deepest stack: {=usize} of {=usize} bytes (no heap)",
        peak,
        room
    );
    if peak + 256 >= room {
        failed += 1;
        defmt::error!("FAIL  the stack may have run into the statics");
    }
    defmt::info!("{=u32} passed, {=u32} failed", passed, failed);
    exit(failed == 0)
}

/// Counts and logs one scenario's result.
fn tally<E: defmt::Format>(
    passed: &mut u32,
    failed: &mut u32,
    name: &str,
    size: usize,
    result: Result<(), E>,
) {
    match result {
        Ok(()) => {
            *passed += 1;
            defmt::info!("ok    {=str} ({=usize}-byte wires)", name, size);
        }
        Err(failure) => {
            *failed += 1;
            defmt::error!(
                "FAIL  {=str} ({=usize}-byte wires): {}",
                name,
                size,
                failure
            );
        }
    }
}
