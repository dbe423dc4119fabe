//! The name a diagnostic gives the file it points into.

use std::path::Path;

/// What a diagnostic names as its origin ([`Diagnostic::new`](crate::Diagnostic::new))
/// for the file at `path`: `<stdin>` for `-` (standard input, as compilers write it),
/// else the path, lossily for bytes that are not UTF-8. Nothing is escaped: that is
/// the renderer's, as for every origin.
///
/// ```
/// use std::path::Path;
/// use influxdb3_text::path_origin;
///
/// assert_eq!(path_origin(Path::new("-")), "<stdin>");
/// assert_eq!(path_origin(Path::new("./tokens.json")), "./tokens.json");
/// ```
pub fn path_origin(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.to_string_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_is_named_and_other_paths_are_their_text() {
        assert_eq!(path_origin(Path::new("-")), "<stdin>");
        assert_eq!(path_origin(Path::new("./-")), "./-");
        assert_eq!(path_origin(Path::new("dir/t.json")), "dir/t.json");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt as _;
            let odd = Path::new(std::ffi::OsStr::from_bytes(b"a\xffb"));
            assert_eq!(path_origin(odd), "a\u{fffd}b");
        }
    }
}
