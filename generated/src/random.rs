//! Random bytes for idempotency keys and retry jitter, drawn from the operating system in
//! batches.
//!
//! Asking the OS for 16 bytes per request costs a system call on every POST; one call per
//! batch of keys costs the same randomness at a fraction of the price. The bytes are not
//! secrets (an idempotency key travels in a header), so holding a few in memory is harmless.

use std::cell::RefCell;

/// How many bytes one system call fetches: 32 idempotency keys' worth.
const BATCH: usize = 512;

struct Pool {
    bytes: [u8; BATCH],
    /// How many of `bytes` have been handed out; `BATCH` means the pool needs refilling.
    used: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool {
            bytes: [0; BATCH],
            used: BATCH,
        })
    };
}

/// Sixteen bytes from the operating system's random number generator.
pub(crate) fn random_16() -> Result<[u8; 16], getrandom::Error> {
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.used + 16 > BATCH {
            getrandom::fill(&mut pool.bytes)?;
            pool.used = 0;
        }
        let mut out = [0; 16];
        let start = pool.used;
        out.copy_from_slice(&pool.bytes[start..start + 16]);
        pool.used = start + 16;
        Ok(out)
    })
}

/// A new random (version 4) UUID, as Stripe's official SDKs use for idempotency keys.
pub(crate) fn uuid_v4() -> Result<uuid::Uuid, getrandom::Error> {
    random_16().map(|bytes| uuid::Builder::from_random_bytes(bytes).into_uuid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_version_4_and_distinct_across_refills() {
        let keys: HashSet<uuid::Uuid> = (0..(3 * BATCH / 16 + 5))
            .map(|_| uuid_v4().expect("the OS generator"))
            .collect();
        assert_eq!(keys.len(), 3 * BATCH / 16 + 5);
        assert!(keys.iter().all(|key| key.get_version_num() == 4));
    }
}
