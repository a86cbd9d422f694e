//! The vector masking algorithm, written once (kernels layer, RFC 6455
//! §5.3): the `vector_kernels!` macro that each ISA file (x86 SSE2 and
//! AVX2, aarch64 NEON, wasm32 `simd128`) expands over its primitives.
//!
//! Each ISA module supplies, in the scope where it expands the macro, `W`
//! (vector width in bytes), `V` (the vector type) and
//! `loadu`/`load`/`storeu`/`store` (unaligned and `W`-aligned), `xor`,
//! `or`, `splat` (a little-endian `u32` in every lane) and `is_ascii` (no
//! byte has its top bit set), all `#[inline]` and carrying the same target
//! features as the attributes given to the macro. It defines `apply`,
//! `apply_ascii` and `copy` for buffers of at least `W` bytes (and, in the
//! crate's own tests, a per-thread count of the buffers they masked).
//!
//! Up to 8 vectors: unaligned vectors from the start, and the last vector
//! of the buffer, loaded first, stored last, overlapping the one before
//! it, in place of a byte loop. Longer: the first and last vectors
//! (unaligned) and the first aligned vector are loaded up front, and the
//! body between them runs on aligned vectors, 4 per step (an unaligned
//! body costs 20–25 %). The head is stored first and the tail last, so
//! that no later load of the same bytes has to be assembled from two
//! recent overlapping stores. Because head and tail are computed from the
//! original bytes before anything is stored, the bytes written twice get
//! the same value twice.

macro_rules! vector_kernels {
    ($(#[$attr:meta])*) => {
        #[cfg(test)]
        std::thread_local! {
            /// How many buffers this kernel has masked on this thread (the
            /// tests show that a kernel really ran, not only compiled).
            pub(super) static CALLS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
        }

        /// XORs `buf` in place with `key` from key byte `phase % 4`;
        /// returns the next phase.
        ///
        /// # Safety
        /// `buf.len() >= W`, and the CPU has this module's features.
        $(#[$attr])*
        pub(super) unsafe fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
            // SAFETY: the caller's contract is `apply_impl`'s.
            unsafe { apply_impl::<false>(buf, key, phase) }.0
        }

        /// [`apply`], also telling whether every unmasked byte is ASCII
        /// (the OR of all unmasked vectors has no top bit set), in the
        /// same pass.
        ///
        /// # Safety
        /// As for [`apply`].
        $(#[$attr])*
        pub(super) unsafe fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
            // SAFETY: the caller's contract is `apply_impl`'s.
            unsafe { apply_impl::<true>(buf, key, phase) }
        }

        /// The in-place algorithm, once for both: with `ASCII` the unmasked
        /// vectors are also ORed into an accumulator (a register; the
        /// loads and stores are the same), else the flag is `false` and
        /// the accumulator is compiled out.
        ///
        /// # Safety
        /// `buf.len() >= W`, and the CPU has this module's features.
        $(#[$attr])*
        unsafe fn apply_impl<const ASCII: bool>(
            buf: &mut [u8],
            key: [u8; 4],
            phase: usize,
        ) -> (usize, bool) {
            #[cfg(test)]
            CALLS.with(|n| n.set(n.get() + 1));
            let len = buf.len();
            debug_assert!(len >= W);
            let key = $crate::kernels::rotate_key(key, phase);
            let p = buf.as_mut_ptr();
            if len <= 8 * W {
                // Short: unaligned vectors from the start, then the last W
                // bytes (loaded first, as they may overlap the loop's).
                // SAFETY: every access is a W-byte range inside `buf`
                // (`i + W < len`, and `len >= W` for the tail); the CPU
                // has this module's features.
                unsafe {
                    let tail = xor(loadu(p.add(len - W)), splat($crate::kernels::key_word(key, len - W)));
                    let k = splat($crate::kernels::key_word(key, 0));
                    let mut acc = tail;
                    let mut i = 0;
                    while i + W < len {
                        let v = xor(loadu(p.add(i)), k);
                        if ASCII {
                            acc = or(acc, v);
                        }
                        storeu(p.add(i), v);
                        i += W;
                    }
                    storeu(p.add(len - W), tail);
                    return ($crate::kernels::next_phase(phase, len), ASCII && is_ascii(acc));
                }
            }
            // Long: the head vector, the first aligned vector after it and
            // the tail vector are computed from the original bytes before
            // anything is stored. The head and that first body vector are
            // stored at once, in that order (where they overlap, both hold
            // the same values), and the tail last. So a load that spans two
            // stores of this call (the next call's head, or its last body
            // vector) comes long after them, when they have left the store
            // buffer: stored at the end, the head cost the next call on the
            // same bytes a failed store-to-load forward (1 KiB from an
            // unaligned start: 15 ns against 10 ns aligned).
            let mut i = $crate::kernels::body_start(p, W);
            // SAFETY: the CPU has this module's features.
            let k = unsafe { splat($crate::kernels::key_word(key, i)) };
            // SAFETY: `len > 8W` and `i <= W`, so [0, W), [i, i + W) and
            // [len - W, len) are in `buf`, and p + i is W-aligned; the head
            // and the first body vector are loaded before either is
            // stored.
            let (tail, mut acc) = unsafe {
                let head = xor(loadu(p), splat($crate::kernels::key_word(key, 0)));
                let first = xor(load(p.add(i)), k);
                let tail = xor(loadu(p.add(len - W)), splat($crate::kernels::key_word(key, len - W)));
                storeu(p, head);
                store(p.add(i), first);
                (tail, or(or(head, first), tail))
            };
            i += W;
            while i + 4 * W <= len {
                // SAFETY: i + 4W <= len keeps all four vectors in
                // `buf`, and p + i is W-aligned (body_start, then
                // steps of W).
                unsafe {
                    let a = xor(load(p.add(i)), k);
                    let b = xor(load(p.add(i + W)), k);
                    let c = xor(load(p.add(i + 2 * W)), k);
                    let d = xor(load(p.add(i + 3 * W)), k);
                    store(p.add(i), a);
                    store(p.add(i + W), b);
                    store(p.add(i + 2 * W), c);
                    store(p.add(i + 3 * W), d);
                    if ASCII {
                        acc = or(acc, or(or(a, b), or(c, d)));
                    }
                }
                i += 4 * W;
            }
            while i + W <= len {
                // SAFETY: as above, for one vector.
                unsafe {
                    let v = xor(load(p.add(i)), k);
                    store(p.add(i), v);
                    if ASCII {
                        acc = or(acc, v);
                    }
                }
                i += W;
            }
            // The tail covers what the body left (fewer than W bytes; none
            // when the body ended at `len`, as for an aligned buffer whose
            // length is a multiple of W). It was computed from the original
            // bytes, so where it overlaps the body it stores the body's
            // values.
            if i < len {
                // SAFETY: the same range as its load above.
                unsafe { storeu(p.add(len - W), tail) };
            }
            // SAFETY: the CPU has this module's features.
            ($crate::kernels::next_phase(phase, len), ASCII && unsafe { is_ascii(acc) })
        }

        /// Copies `src` into `dst` XORed with `key` from key byte
        /// `phase % 4`; returns the next phase.
        ///
        /// # Safety
        /// `src.len() == dst.len() >= W`, and the CPU has this module's
        /// features.
        $(#[$attr])*
        pub(super) unsafe fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
            #[cfg(test)]
            CALLS.with(|n| n.set(n.get() + 1));
            let len = dst.len();
            debug_assert!(len >= W && src.len() == len);
            let key = $crate::kernels::rotate_key(key, phase);
            let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
            // SAFETY: both slices are `len >= W` long; `&` and `&mut` do not
            // overlap, so the order of the stores does not matter.
            unsafe {
                let tail = loadu(s.add(len - W));
                storeu(d.add(len - W), xor(tail, splat($crate::kernels::key_word(key, len - W))));
            }
            if len <= 8 * W {
                // Short: unaligned vectors from the start; the tail above
                // covers what is left.
                // SAFETY: `i + W < len` keeps each vector in both slices.
                unsafe {
                    let k = splat($crate::kernels::key_word(key, 0));
                    let mut i = 0;
                    while i + W < len {
                        storeu(d.add(i), xor(loadu(s.add(i)), k));
                        i += W;
                    }
                }
                return $crate::kernels::next_phase(phase, len);
            }
            // SAFETY: as above, for the first W bytes.
            unsafe { storeu(d, xor(loadu(s), splat($crate::kernels::key_word(key, 0)))) };
            {
                let mut i = $crate::kernels::body_start(d, W);
                // SAFETY: the CPU has this module's features.
                let k = unsafe { splat($crate::kernels::key_word(key, i)) };
                while i + 4 * W <= len {
                    // SAFETY: i + 4W <= len keeps all four vectors in both
                    // slices; d + i is W-aligned, s + i need not be.
                    unsafe {
                        let a = loadu(s.add(i));
                        let b = loadu(s.add(i + W));
                        let c = loadu(s.add(i + 2 * W));
                        let e = loadu(s.add(i + 3 * W));
                        store(d.add(i), xor(a, k));
                        store(d.add(i + W), xor(b, k));
                        store(d.add(i + 2 * W), xor(c, k));
                        store(d.add(i + 3 * W), xor(e, k));
                    }
                    i += 4 * W;
                }
                while i + W <= len {
                    // SAFETY: as above, for one vector.
                    unsafe { store(d.add(i), xor(loadu(s.add(i)), k)) };
                    i += W;
                }
            }
            $crate::kernels::next_phase(phase, len)
        }
    };
}
