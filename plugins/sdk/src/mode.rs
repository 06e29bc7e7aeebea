//! File permission helpers: "is this mode at most that?" and octal formatting.
//!
//! Modes are the permission bits of [`FileInfo::mode`](crate::FileInfo), including setuid,
//! setgid and sticky (`st_mode & 0o7777`); file-type bits, if a caller passes them, are
//! ignored.

/// The permission bits of a mode: `mode & 0o7777`.
pub const PERMISSION_BITS: u32 = 0o7777;

/// Whether `mode` sets no permission bit beyond `allowed`.
///
/// `mode_at_most(mode, 0o400)` is CIS's "400 or more restrictive": `0400` and `0000` pass,
/// `0600`, `0440`, `0407` and `04400` (setuid) do not.
pub fn mode_at_most(mode: u32, allowed: u32) -> bool {
    excess_bits(mode, allowed) == 0
}

/// The permission bits of `mode` that `allowed` does not permit (`0` when none).
pub fn excess_bits(mode: u32, allowed: u32) -> u32 {
    mode & PERMISSION_BITS & !allowed
}

/// A mode as `ls`/`chmod` users write it: four octal digits (`0o644` → `"0644"`,
/// `0o4755` → `"4755"`).
pub fn format_mode(mode: u32) -> String {
    format!("{:04o}", mode & PERMISSION_BITS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::owner_read(0o400, true)]
    #[case::nothing(0o000, true)]
    #[case::owner_read_write(0o600, false)]
    #[case::world_readable(0o644, false)]
    #[case::group_readable(0o440, false)]
    #[case::other_rwx(0o407, false)]
    #[case::owner_write_only(0o200, false)]
    #[case::setuid(0o4400, false)]
    #[case::sticky(0o1400, false)]
    #[case::file_type_bits_ignored(0o100_400, true)]
    fn at_most_owner_read(#[case] mode: u32, #[case] expected: bool) {
        assert_eq!(mode_at_most(mode, 0o400), expected);
    }

    #[rstest]
    #[case::same(0o644, 0o644, true)]
    #[case::tighter(0o600, 0o644, true)]
    #[case::group_write(0o664, 0o644, false)]
    #[case::world_writable(0o666, 0o775, false)]
    fn at_most_other_masks(#[case] mode: u32, #[case] allowed: u32, #[case] expected: bool) {
        assert_eq!(mode_at_most(mode, allowed), expected);
    }

    #[rstest]
    #[case::world_readable(0o644, 0o400, 0o244)]
    #[case::compliant(0o400, 0o400, 0)]
    #[case::setgid(0o2400, 0o400, 0o2000)]
    fn excess(#[case] mode: u32, #[case] allowed: u32, #[case] expected: u32) {
        assert_eq!(excess_bits(mode, allowed), expected);
    }

    #[rstest]
    #[case::common(0o644, "0644")]
    #[case::key(0o400, "0400")]
    #[case::zero(0, "0000")]
    #[case::setuid(0o4755, "4755")]
    #[case::with_type_bits(0o100_600, "0600")]
    fn formats(#[case] mode: u32, #[case] expected: &str) {
        assert_eq!(format_mode(mode), expected);
    }
}
