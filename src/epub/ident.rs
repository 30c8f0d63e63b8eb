//! The two package values that must not come from the clock or a random source: the book's
//! identifier and its `dcterms:modified` timestamp.

use sha2::{Digest, Sha256};

use crate::diagnostics::Error;

/// Accumulates what the book's identity is made of; the identifier is a UUID taken from
/// its SHA-256. Fields are length-prefixed so that moving text from one field to the next
/// changes the hash.
pub(crate) struct Identity {
    hasher: Sha256,
}

impl Identity {
    pub(crate) fn new() -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"folio-epub-identity-v1");
        Identity { hasher }
    }

    pub(crate) fn add(&mut self, field: &[u8]) {
        self.hasher.update((field.len() as u64).to_le_bytes());
        self.hasher.update(field);
    }

    /// A UUID in the layout of a name-based (version 5) UUID:
    /// `xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx`.
    pub(crate) fn uuid(self) -> String {
        let digest = self.hasher.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0F) | 0x50;
        b[8] = (b[8] & 0x3F) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

/// Seconds since 1970-01-01T00:00:00Z as `YYYY-MM-DDThh:mm:ssZ`, the form EPUB requires
/// for `dcterms:modified`. Years outside 1..=9999 cannot be written in that form.
pub(crate) fn format_timestamp(unix: i64) -> Result<String, Error> {
    crate::timestamp::iso8601(unix).ok_or_else(|| {
        Error::Epub(format!(
            "modification time {unix} is outside the years 1–9999"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_timestamp(1_693_526_400).unwrap(),
            "2023-09-01T00:00:00Z"
        );
        assert_eq!(
            format_timestamp(951_782_400).unwrap(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(format_timestamp(-1).unwrap(), "1969-12-31T23:59:59Z");
        assert_eq!(
            format_timestamp(253_402_300_799).unwrap(),
            "9999-12-31T23:59:59Z"
        );
        assert!(format_timestamp(253_402_300_800).is_err());
        assert!(format_timestamp(i64::MIN).is_err());
        assert!(format_timestamp(i64::MAX).is_err());
    }

    #[test]
    fn uuid_layout() {
        let mut a = Identity::new();
        a.add(b"x");
        let u = a.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        let mut b = Identity::new();
        b.add(b"x");
        assert_eq!(b.uuid(), u);
    }
}
