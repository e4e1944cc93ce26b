//! JSON as bunq writes it: every character outside ASCII escaped as `\uXXXX` (a surrogate pair
//! beyond U+FFFF) and `/` as `\/`. bunq's signatures cover these exact bytes, so a server that
//! stands in for bunq must write them the same way.

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, Serializer};
use std::io::{self, Write};

/// `value` as bunq's bytes.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    value.serialize(&mut Serializer::with_formatter(&mut out, BunqFormatter))?;
    Ok(out)
}

/// serde_json's compact output, with bunq's escapes in strings.
struct BunqFormatter;

impl Formatter for BunqFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        // Plain ASCII goes out in runs; only `/` and non-ASCII characters are escaped.
        while let Some(at) = rest.bytes().position(|b| b == b'/' || !b.is_ascii()) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let Some(c) = rest[at..].chars().next() else { break };
            if c == '/' {
                writer.write_all(b"\\/")?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn write_char_escape<W: ?Sized + Write>(&mut self, writer: &mut W, escape: CharEscape) -> io::Result<()> {
        // The escapes JSON requires (quote, backslash, control characters) as serde_json writes them.
        serde_json::ser::CompactFormatter.write_char_escape(writer, escape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_ascii_and_slashes_are_escaped_as_bunq_does() {
        let value = json!({"name": "Chloé", "note": "5 € for 😀", "url": "https://bunq.com/x", "q": "\"\\\n"});
        let bytes = to_vec(&value).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(bytes.is_ascii(), "{text}");
        assert!(text.contains(r#""Chlo\u00e9""#), "{text}");
        assert!(text.contains(r#""5 \u20ac for \ud83d\ude00""#), "{text}");
        assert!(text.contains(r#""https:\/\/bunq.com\/x""#), "{text}");
        assert!(text.contains(r#""\"\\\n""#), "{text}");
        // And it reads back as the original text.
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(), value);
    }
}
