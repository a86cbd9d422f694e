//! Build script (kernels layer): decides once whether this target gets a
//! vector masking kernel, as `cfg(wsframe_vector)`.
//!
//! The predicate was written out at every use before (module choice,
//! helpers, dispatch, tests); here it is the one place. A target has a
//! vector kernel when it is x86-64, x86 with SSE2, aarch64 with NEON or
//! wasm32 with `simd128`, and neither Miri (`cfg(miri)`) nor
//! `--cfg wsframe_force_scalar` forces the scalar oracle.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wsframe_vector)");
    println!("cargo::rerun-if-changed=build.rs");
    // `--cfg wsframe_force_scalar` comes in through RUSTFLAGS.
    println!("cargo::rerun-if-env-changed=RUSTFLAGS");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    // Cargo hands the target's cfgs (RUSTFLAGS' `--cfg` included) to the
    // build script as CARGO_CFG_* variables; cargo-miri sets CARGO_CFG_MIRI.
    let cfg = |name: &str| env::var(format!("CARGO_CFG_{name}")).unwrap_or_default();
    let features = cfg("TARGET_FEATURE");
    let has = |feature: &str| features.split(',').any(|f| f == feature);
    let vector_isa = match cfg("TARGET_ARCH").as_str() {
        "x86_64" => true,
        "x86" => has("sse2"),
        "aarch64" => has("neon"),
        "wasm32" => has("simd128"),
        _ => false,
    };
    let forced_scalar = env::var_os("CARGO_CFG_MIRI").is_some()
        || env::var_os("CARGO_CFG_WSFRAME_FORCE_SCALAR").is_some();
    if vector_isa && !forced_scalar {
        println!("cargo::rustc-cfg=wsframe_vector");
    }
}
