//! `websocket.dll` for Windows, the crate `ffi/windows/build.sh` compiles
//! into `libwebsocket.a` (and links into the DLL): wsframe-websocket's
//! WebSocket Protocol Component API, built `no_std` + `alloc`, with the
//! Windows runtime of wsframe-ffi's feature `windows-dll`
//! (`ffi/src/windows.rs`: a `HeapAlloc` global allocator on the process
//! heap, a panic handler that aborts; Windows 7 imports only).
//!
//! Both crates are named here only so that they are linked (a dependency
//! no code names is not): the 13 exports are wsframe-websocket's own
//! `#[unsafe(no_mangle)]` functions, which a static library keeps from its
//! dependencies; build.sh's `.def` (the functions `include/websocket.h`
//! declares) makes them, and nothing else, the DLL's exports.
//!
//! Why not a Cargo package: cargo builds a dependency in all the crate
//! types it declares, and both libraries declare a `cdylib`, which cannot
//! link for Windows without this very allocator and panic handler. So
//! build.sh builds the two as rlibs (`cargo rustc --crate-type rlib`) and
//! compiles this file with rustc against them (fat LTO, `panic=abort`).
#![no_std]

extern crate websocket;
extern crate wsframe_ffi;
