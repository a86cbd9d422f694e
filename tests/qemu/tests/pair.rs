//! The loopback scenarios (`wsframe::testing::scenarios`) on a Cortex-M3
//! under QEMU: a client and a server connection in one firmware, talking
//! through two static buffers. Logs over defmt; QEMU's exit status is the
//! verdict.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use wsframe::testing::scenarios::SCENARIOS;
use wsframe_qemu::{WIRE_SIZES, exit, wires};

#[entry]
fn main() -> ! {
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
            match (scenario.run)(a, b) {
                Ok(()) => {
                    passed += 1;
                    defmt::info!("ok    {=str} ({=usize}-byte wires)", scenario.name, size);
                }
                Err(failure) => {
                    failed += 1;
                    defmt::error!(
                        "FAIL  {=str} ({=usize}-byte wires): {}",
                        scenario.name,
                        size,
                        failure
                    );
                }
            }
        }
    }
    defmt::info!("{=u32} passed, {=u32} failed", passed, failed);
    exit(failed == 0)
}
