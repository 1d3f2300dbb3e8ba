//! Random bytes for idempotency keys and retry jitter, drawn from the operating system in
//! batches.
//!
//! Asking the OS for 16 bytes per request costs a system call on every POST; one call per
//! batch of keys costs the same randomness at a fraction of the price. The bytes are not
//! secrets (an idempotency key travels in a header), so holding a few in memory is harmless.

use std::cell::RefCell;

/// How many bytes one system call fetches: 32 idempotency keys' worth.
const BATCH: usize = 512;

/// The operating system's random number generator failed (it says no more than that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RandomError;

impl std::fmt::Display for RandomError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the operating system's random number generator failed")
    }
}

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
pub(crate) fn random_16() -> Result<[u8; 16], RandomError> {
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.used + 16 > BATCH {
            // ring's generator is the operating system's (`getrandom` on Linux); ring is
            // already built for TLS and webhook signatures, so it costs nothing to compile.
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut pool.bytes)
                .map_err(|_| RandomError)?;
            pool.used = 0;
        }
        let mut out = [0; 16];
        let start = pool.used;
        out.copy_from_slice(&pool.bytes[start..start + 16]);
        pool.used = start + 16;
        Ok(out)
    })
}

/// A new random (version 4) UUID in its hyphenated lowercase form, as Stripe's official SDKs
/// use for idempotency keys (`0f8c7b1e-5d3a-4f6b-9c2d-1e0a7b3c4d5e`).
///
/// Written here rather than taken from the `uuid` crate: the format is a few lines, and the
/// crate was one more dependency for every program to compile.
pub(crate) fn uuid_v4() -> Result<String, RandomError> {
    let mut bytes = random_16()?;
    // RFC 9562: version 4 in the high nibble of byte 6, variant `10` in the top bits of byte 8.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        push_hex(&mut out, *byte);
    }
    Ok(out)
}

/// 32 random lowercase hex digits: a multipart boundary no body will contain by chance.
pub(crate) fn hex_128() -> Result<String, RandomError> {
    let bytes = random_16()?;
    let mut out = String::with_capacity(32);
    for byte in bytes {
        push_hex(&mut out, byte);
    }
    Ok(out)
}

fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0f)]));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_version_4_and_distinct_across_refills() {
        let keys: HashSet<String> = (0..(3 * BATCH / 16 + 5))
            .map(|_| uuid_v4().expect("the OS generator"))
            .collect();
        assert_eq!(keys.len(), 3 * BATCH / 16 + 5);
        for key in &keys {
            assert!(is_uuid_v4(key), "{key}");
        }
    }

    /// `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx` in lowercase hex, `V` one of `89ab` (RFC 9562).
    /// (The checked-in crate's tests also parse keys with the `uuid` crate; the runtime's
    /// tests run in standalone crates too, which have no dev-dependencies.)
    pub(crate) fn is_uuid_v4(key: &str) -> bool {
        let bytes = key.as_bytes();
        bytes.len() == 36
            && bytes.iter().enumerate().all(|(index, byte)| match index {
                8 | 13 | 18 | 23 => *byte == b'-',
                14 => *byte == b'4',
                19 => matches!(byte, b'8' | b'9' | b'a' | b'b'),
                _ => byte.is_ascii_digit() || (b'a'..=b'f').contains(byte),
            })
    }

    #[test]
    fn the_format_check_refuses_what_is_not_a_v4_uuid() {
        assert!(is_uuid_v4("0f8c7b1e-5d3a-4f6b-9c2d-1e0a7b3c4d5e"));
        for bad in [
            "0f8c7b1e-5d3a-3f6b-9c2d-1e0a7b3c4d5e",
            "0f8c7b1e-5d3a-4f6b-7c2d-1e0a7b3c4d5e",
            "0F8C7B1E-5D3A-4F6B-9C2D-1E0A7B3C4D5E",
            "0f8c7b1e5d3a4f6b9c2d1e0a7b3c4d5e",
        ] {
            assert!(!is_uuid_v4(bad), "{bad}");
        }
    }

    #[test]
    fn boundaries_are_32_lowercase_hex_digits() {
        let boundary = hex_128().expect("the OS generator");
        assert_eq!(boundary.len(), 32);
        assert!(
            boundary
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)),
            "{boundary}"
        );
    }
}
