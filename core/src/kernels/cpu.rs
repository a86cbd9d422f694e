//! CPU detection for the x86 kernels (kernels layer): what the CPU can
//! do, for AVX2 masking (`x86.rs`), simdutf8's AVX2 / SSE4.2 UTF-8
//! validation (`x86_utf8.rs`) and the inflater's BMI2 decode loop
//! (`lz.rs`). Fixed at compile time without `std` (or when
//! the build already assumes AVX2); asked once and cached with `std`
//! (run-time detection needs std's `is_x86_feature_detected!`).

#[cfg(all(
    feature = "std",
    any(not(target_feature = "avx2"), not(target_feature = "bmi2"))
))]
use core::sync::atomic::{AtomicU8, Ordering};

/// The cache: 0 = not asked yet, else `KNOWN` | features.
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
static FEATURES: AtomicU8 = AtomicU8::new(0);
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
const KNOWN: u8 = 1;
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
const AVX2: u8 = 2;
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
const SSE42: u8 = 4;

/// The cached feature bits, detecting them on first use.
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
#[inline(always)]
fn features() -> u8 {
    let f = FEATURES.load(Ordering::Relaxed);
    if f != 0 { f } else { detect() }
}

/// Asks the CPU (through std's detection) and caches the answer. Racing
/// threads store the same value.
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
#[cold]
#[inline(never)]
fn detect() -> u8 {
    let mut f = KNOWN;
    if std::is_x86_feature_detected!("avx2") {
        f |= AVX2;
    }
    if std::is_x86_feature_detected!("sse4.2") {
        f |= SSE42;
    }
    FEATURES.store(f, Ordering::Relaxed);
    f
}

/// Whether the AVX2 kernels may run.
#[inline(always)]
pub(super) fn has_avx2() -> bool {
    #[cfg(target_feature = "avx2")]
    return true;
    #[cfg(all(feature = "std", not(target_feature = "avx2")))]
    return features() & AVX2 != 0;
    #[cfg(all(not(feature = "std"), not(target_feature = "avx2")))]
    false
}

/// Whether SSE4.2 is there (for simdutf8's SSE4.2 kernel).
#[cfg(all(feature = "std", not(target_feature = "avx2")))]
#[inline(always)]
pub(super) fn has_sse42() -> bool {
    features() & SSE42 != 0
}

/// BMI2's cache, apart from the one above (which a build assuming AVX2
/// does not have): 0 = not asked yet, 1 = absent, 2 = present.
#[cfg(all(feature = "std", not(target_feature = "bmi2")))]
static BMI2: AtomicU8 = AtomicU8::new(0);

/// Whether the CPU has BMI2 (for the inflater's decode loop, `lz.rs`):
/// asked once and cached with `std`, fixed at compile time without.
#[inline(always)]
pub(super) fn has_bmi2() -> bool {
    #[cfg(target_feature = "bmi2")]
    return true;
    #[cfg(all(feature = "std", not(target_feature = "bmi2")))]
    return match BMI2.load(Ordering::Relaxed) {
        0 => detect_bmi2(),
        state => state == 2,
    };
    #[cfg(all(not(feature = "std"), not(target_feature = "bmi2")))]
    false
}

/// Asks the CPU for BMI2 and caches the answer.
#[cfg(all(feature = "std", not(target_feature = "bmi2")))]
#[cold]
#[inline(never)]
fn detect_bmi2() -> bool {
    let has = std::is_x86_feature_detected!("bmi2");
    BMI2.store(if has { 2 } else { 1 }, Ordering::Relaxed);
    has
}
