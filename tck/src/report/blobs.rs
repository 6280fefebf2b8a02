//! Binary blobs in failure texts, summarised for people: a descriptor set rendered as hex is 20 KB on one
//! line, which hides the rest of a failure. The console and JUnit show a blob of more than a few hundred
//! characters as its size, a hash and its first bytes; the JSON report keeps it whole.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Runs of hex or base64 characters at least this long are summarised.
const BLOB_MIN_CHARS: usize = 256;

/// How many characters of the blob the summary shows.
const HEAD_CHARS: usize = 32;

/// `text` with every long run of hex or base64 characters replaced by a summary; borrowed when there is
/// none.
pub(crate) fn summarize_blobs(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut index = 0;
    while index < bytes.len() {
        if !is_blob_char(bytes[index]) {
            index += 1;
            continue;
        }
        let start = index;
        while index < bytes.len() && is_blob_char(bytes[index]) {
            index += 1;
        }
        if index - start >= BLOB_MIN_CHARS {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len().min(4096)));
            out.push_str(&text[copied..start]);
            out.push_str(&summary(&text[start..index]));
            copied = index;
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

fn is_blob_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=')
}

/// `«N bytes as hex, fnv1a-64 H, starting 0a1b…»` for one run of blob characters (a `0x` before hex
/// digits is kept in front of the summary).
fn summary(run: &str) -> String {
    let digits = run.strip_prefix("0x").unwrap_or(run);
    let hex = digits.len().is_multiple_of(2) && digits.bytes().all(|b| b.is_ascii_hexdigit());
    let (run, prefix) = if hex && digits.len() < run.len() {
        (digits, "0x")
    } else {
        (run, "")
    };
    let (size, encoding) = if hex {
        (run.len() / 2, "hex")
    } else {
        let padding = run.bytes().rev().take_while(|b| *b == b'=').count();
        ((run.len() / 4 * 3).saturating_sub(padding), "base64")
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in run.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut text = String::from(prefix);
    let _ = write!(
        text,
        "«{size} bytes as {encoding}, fnv1a-64 {hash:016x}, starting {}… (whole in the JSON report)»",
        &run[..HEAD_CHARS.min(run.len())]
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_kept_as_they_are() {
        let text = "expected 0x0a0b, got 0x0c";
        assert!(matches!(summarize_blobs(text), Cow::Borrowed(_)));
    }

    #[test]
    fn a_long_hex_run_becomes_its_size_hash_and_head() {
        let blob = "0a".repeat(10_000);
        let text = format!("\"proto\": \"0x{blob}\", \"entities\": []");
        let summarized = summarize_blobs(&text);
        assert!(summarized.len() < 200, "{summarized}");
        assert!(summarized.contains("10000 bytes as hex"), "{summarized}");
        assert!(summarized.starts_with("\"proto\": \"0x«"), "{summarized}");
        assert!(summarized.ends_with("\", \"entities\": []"), "{summarized}");
        let other = format!("\"proto\": \"0x{}0b\"", "0a".repeat(9_999));
        assert_ne!(
            summary(&blob),
            summary(
                other
                    .trim_start_matches("\"proto\": \"0x")
                    .trim_end_matches('"')
            )
        );
    }

    #[test]
    fn base64_runs_count_their_decoded_bytes() {
        let run = format!("{}==", "QUJD".repeat(100));
        assert!(
            summary(&run).starts_with("«298 bytes as base64"),
            "{}",
            summary(&run)
        );
    }
}
