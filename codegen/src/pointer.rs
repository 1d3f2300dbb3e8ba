//! JSON pointers (RFC 6901), the way every generator error says where in the spec it is.

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape_segment`].
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Builds a pointer from a base and further unescaped segments.
pub fn join(base: &str, segments: &[&str]) -> String {
    let mut pointer = base.to_owned();
    for segment in segments {
        pointer.push('/');
        pointer.push_str(&escape_segment(segment));
    }
    pointer
}
