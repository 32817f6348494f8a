//! The wasm module's memory allocator: power-of-two size classes with a free
//! list each, carved from pages the module grows its memory by.
//!
//! A mint or a verification allocates and frees a few dozen small blocks; in
//! `dlmalloc` (the standard library's allocator for wasm) each of those is a
//! walk through bins and chunk headers, here a class computed from the size and
//! a push or pop of a singly linked list. It is also about 4 KB less code.
//! The price is memory: a block is up to twice its request, and a freed block
//! stays in its class (memory is never returned to the engine, by any
//! allocator). The core's requests are small and short-lived, its largest
//! inputs bounded (a token ≤ 1 MiB, a webhook body ≤ 1 MiB).
//!
//! The logic is plain arithmetic on addresses ([`Classes`]), so it is tested
//! natively over a simulated memory; `src/wasm.rs` installs it as the global
//! allocator over the module's linear memory.

/// Addresses are `usize`; the smallest block holds the free list's link.
const MIN_CLASS: u32 = 3;
/// Fresh blocks of a class below this size are cut from a shared run of
/// memory; larger ones are grown page by page.
const RUN_BYTES: usize = 64 * 1024;

/// The allocator's state: one free list per class and the current run.
#[derive(Debug)]
pub struct Classes {
    /// The first free block of each class (0: none); a free block holds the next.
    free: [usize; 32],
    /// The next unused address of the current run, and its end.
    next: usize,
    end: usize,
}

impl Default for Classes {
    fn default() -> Self {
        Self::new()
    }
}

/// Where the allocator reads and writes memory and how it gets more.
pub trait Memory {
    /// Grows memory by `bytes` (a multiple of 64 KiB); the new region's start, or `None`.
    fn grow(&mut self, bytes: usize) -> Option<usize>;
    /// The word at `addr`.
    fn load(&self, addr: usize) -> usize;
    /// Writes the word at `addr`.
    fn store(&mut self, addr: usize, value: usize);
}

/// The class of a request: the smallest power of two holding `size` and
/// `align` (at least 8 bytes); `None` past the address space.
#[inline(always)]
pub fn class(size: usize, align: usize) -> Option<u32> {
    let n = size.max(align).max(1 << MIN_CLASS);
    let k = usize::BITS - (n - 1).leading_zeros();
    (k < usize::BITS).then_some(k)
}

impl Classes {
    /// No memory yet.
    pub const fn new() -> Self {
        Classes {
            free: [0; 32],
            next: 0,
            end: 0,
        }
    }

    /// A block of class `k` (its address, aligned to its size up to 64 KiB), or 0.
    #[inline(always)]
    pub fn alloc(&mut self, k: u32, mem: &mut impl Memory) -> usize {
        let head = self.free[k as usize];
        if head != 0 {
            self.free[k as usize] = mem.load(head);
            return head;
        }
        self.fresh(k, mem)
    }

    /// A block never handed out before.
    #[inline(never)]
    fn fresh(&mut self, k: u32, mem: &mut impl Memory) -> usize {
        let size = 1usize << k;
        if size >= RUN_BYTES {
            return mem.grow(size).unwrap_or(0);
        }
        // Blocks are aligned to their size: a run is 64 KiB aligned.
        let at = (self.next + size - 1) & !(size - 1);
        if at != 0 && at + size <= self.end {
            self.next = at + size;
            return at;
        }
        match mem.grow(RUN_BYTES) {
            Some(start) => {
                self.next = start + size;
                self.end = start + RUN_BYTES;
                start
            }
            None => 0,
        }
    }

    /// The block that holds a resized allocation: `addr` itself when the size
    /// stays in class `old`, else a new block of class `new` (0 when memory is
    /// exhausted), into which the caller copies and after which it frees `addr`
    /// under `old`. A shrunk block is not kept: freed later under the smaller
    /// class, it would leave its own class for good, and a pattern that grows a
    /// buffer and then shrinks it (a `String` made a boxed slice) would take a
    /// fresh block of the larger class every time.
    #[inline(always)]
    pub fn resize(&mut self, addr: usize, old: u32, new: u32, mem: &mut impl Memory) -> usize {
        if new == old {
            addr
        } else {
            self.alloc(new, mem)
        }
    }

    /// Returns a block of class `k`.
    #[inline(always)]
    pub fn free(&mut self, addr: usize, k: u32, mem: &mut impl Memory) {
        mem.store(addr, self.free[k as usize]);
        self.free[k as usize] = addr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simulated linear memory of words (addresses in bytes).
    struct Sim {
        words: Vec<usize>,
        limit: usize,
    }

    impl Memory for Sim {
        fn grow(&mut self, bytes: usize) -> Option<usize> {
            assert_eq!(bytes % RUN_BYTES, 0);
            let start = self.words.len() * 8;
            if start + bytes > self.limit {
                return None;
            }
            self.words.resize((start + bytes) / 8, 0);
            Some(start)
        }
        fn load(&self, addr: usize) -> usize {
            self.words[addr / 8]
        }
        fn store(&mut self, addr: usize, value: usize) {
            self.words[addr / 8] = value;
        }
    }

    #[test]
    fn classes_hold_their_requests() {
        assert_eq!(class(0, 1), Some(3));
        assert_eq!(class(8, 1), Some(3));
        assert_eq!(class(9, 1), Some(4));
        assert_eq!(class(4, 32), Some(5));
        assert_eq!(class(1 << 20, 8), Some(20));
        assert_eq!(class((1 << 20) + 1, 8), Some(21));
        assert_eq!(class(usize::MAX, 1), None);
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_reused() {
        // Start past address 0 (0 means "none"), as linear memory's heap does.
        let mut mem = Sim {
            words: vec![0; RUN_BYTES / 8],
            limit: 64 << 20,
        };
        let mut a = Classes::new();
        let mut live: Vec<(usize, u32)> = Vec::new();
        let mut seed = 12345u64;
        for round in 0..20_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (seed >> 33) as usize;
            if live.len() > 64 || (r % 3 == 0 && !live.is_empty()) {
                let (addr, k) = live.swap_remove(r % live.len());
                a.free(addr, k, &mut mem);
                continue;
            }
            let size = match r % 10 {
                0 => r % 200_000,
                1..=3 => r % 2_000,
                _ => r % 100,
            };
            let k = class(size, 1 << (r % 4)).unwrap();
            let addr = a.alloc(k, &mut mem);
            assert_ne!(addr, 0, "round {round}");
            let len = 1usize << k;
            assert_eq!(addr % len.min(RUN_BYTES), 0, "aligned to its size");
            for &(other, ok) in &live {
                let olen = 1usize << ok;
                assert!(addr + len <= other || other + olen <= addr, "overlap");
            }
            live.push((addr, k));
        }
        // A freed block is the next one of its class.
        let k = class(24, 8).unwrap();
        let x = a.alloc(k, &mut mem);
        a.free(x, k, &mut mem);
        assert_eq!(a.alloc(k, &mut mem), x);
        // Out of memory is 0, not a panic.
        let mut small = Sim {
            words: vec![0; RUN_BYTES / 8],
            limit: 2 * RUN_BYTES,
        };
        let mut b = Classes::new();
        assert_ne!(b.alloc(class(100, 8).unwrap(), &mut small), 0);
        assert_eq!(b.alloc(class(1 << 20, 8).unwrap(), &mut small), 0);
    }

    #[test]
    fn growing_then_shrinking_reuses_memory() {
        // What a returned `String` does: a buffer grown to 1,408 bytes (class 11)
        // is shrunk to its 729-byte length (class 10) and freed at that length.
        let mut mem = Sim {
            words: vec![0; RUN_BYTES / 8],
            limit: 64 << 20,
        };
        let mut a = Classes::new();
        let (big, small) = (class(1408, 1).unwrap(), class(729, 1).unwrap());
        assert!(small < big);
        for _ in 0..10_000 {
            let addr = a.alloc(big, &mut mem);
            let kept = a.resize(addr, big, small, &mut mem);
            assert_ne!(kept, 0);
            if kept != addr {
                a.free(addr, big, &mut mem);
            }
            a.free(kept, small, &mut mem);
        }
        assert_eq!(
            mem.words.len() * 8,
            2 * RUN_BYTES,
            "memory grew with every round"
        );
        // The same class keeps the block.
        let addr = a.alloc(big, &mut mem);
        assert_eq!(a.resize(addr, big, class(1500, 1).unwrap(), &mut mem), addr);
    }
}
