//! Printing to standard output when the reader may have gone, as in `cloudstate-tck list | head -n 3`:
//! [`outln!`] and [`out!`] are `println!` and `print!` that drop what a closed pipe cannot take instead
//! of panicking, so that the command ends as it would have, with its own exit code.

/// `println!` that ignores a write error (a closed pipe) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
pub(crate) use outln;

/// `print!` that ignores a write error (a closed pipe) instead of panicking; it flushes, as the text
/// may be a whole report that ends a command.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, $($arg)*);
        let _ = stdout.flush();
    }};
}
pub(crate) use out;
