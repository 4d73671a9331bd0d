//! Over-allocation is a finding: any single allocation above `LIMIT_BYTES` aborts, which
//! libFuzzer reports as a crash and saves the input. libFuzzer's own `-malloc_limit_mb`
//! relies on a sanitizer's malloc hooks, which a build with `--sanitizer none` does not have;
//! `-rss_limit_mb` (a thread watching the process's RSS) works either way.

use std::alloc::{GlobalAlloc, Layout, System};

/// No input of these targets has any business asking for more than this at once.
pub const LIMIT_BYTES: usize = 256 * 1024 * 1024;

pub struct Guard;

unsafe impl GlobalAlloc for Guard {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn check(size: usize) {
    if size > LIMIT_BYTES {
        // No formatting machinery that could allocate: write the message and abort.
        let message = b"==alloc_guard== single allocation above the fuzzing limit\n";
        unsafe { libc_write(2, message.as_ptr(), message.len()) };
        std::process::abort();
    }
}

unsafe extern "C" {
    #[link_name = "write"]
    fn libc_write(fd: i32, buf: *const u8, count: usize) -> isize;
}

#[global_allocator]
static GUARD: Guard = Guard;
