//! The address as the app's state: which parameters exist, how values from it are checked, and
//! the iframe snippet that embeds a page. Plain Rust (tested natively); the browser side is in
//! `state.rs` and `embed.rs`.
//!
//! A URL can come from anyone (a link in a forum, an embed on a course site), so every value is
//! checked: a malformed or hostile one falls back to the default and the page says so. Values are
//! only ever rendered as text (Leptos text nodes), never as HTML.

/// Parameters every page understands; a page's own parameters are dropped when the reader moves
/// to another page.
pub const GLOBAL_PARAMS: [&str; 6] = ["p", "lang", "backend", "embed", "hide", "budget"];

/// Controls that `hide=` can name, each marked `data-control="…"` on its page.
pub const CONTROLS: [&str; 38] = [
    "model", "presets", "text", "example", "curve", "inputs", "target", "sentences", "run", "layer", "open", "tabs", "images", "draw", "noise", "sliders", "usage", "question", "document",
    "prompt", "chat", "sampling", "tasks", "window", "results", "data", "patches", "views", "map", "probes", "view", "table", "averages", "glue", "mixing", "alignment", "vector", "zeroshot",
];

/// Why a value from the address was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// Longer than the page accepts (`chars` > `max`).
    TooLong { chars: usize, max: usize },
    /// Not one of the accepted values.
    Unknown(String),
}

/// Checks a free-text value: at most `max` characters; control characters other than newline and
/// tab, bidirectional controls (which can make a link's text read differently from what the
/// model is given) and zero-width characters are dropped: they cannot be seen and only serve to
/// confuse. A zero-width joiner inside an emoji sequence (👩‍🔬) is kept.
pub fn check_text(value: &str, max: usize) -> Result<String, Rejected> {
    let chars = value.chars().count();
    if chars > max {
        return Err(Rejected::TooLong { chars, max });
    }
    let all: Vec<char> = value.chars().collect();
    let emoji = |c: Option<&char>| c.is_some_and(|&c| matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F));
    Ok(all
        .iter()
        .enumerate()
        .filter(|&(i, &c)| match c {
            '\n' | '\t' => true,
            '\u{200D}' => emoji(i.checked_sub(1).and_then(|j| all.get(j))) && emoji(all.get(i + 1)),
            _ => !c.is_control() && !is_invisible_format(c),
        })
        .map(|(_, &c)| c)
        .collect())
}

/// Bidirectional controls and zero-width characters (Unicode format characters that change how
/// text reads or hide inside it).
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Checks that `value` is one of `allowed`.
pub fn check_choice<'a>(value: &str, allowed: &[&'a str]) -> Result<&'a str, Rejected> {
    allowed.iter().find(|a| **a == value).copied().ok_or_else(|| Rejected::Unknown(shorten(value, 40)))
}

/// Checks that `value` is a number in `lo..=hi` (a whole number when `lo` and `hi` are).
pub fn check_number(value: &str, lo: f64, hi: f64) -> Result<f64, Rejected> {
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(v),
        _ => Err(Rejected::Unknown(shorten(value, 40))),
    }
}

/// Reads the masking page's `cover=3m,5r1234` (token 3 masked, token 5 replaced by id 1234):
/// the covers, and the entries that were not understood (shortened, for the notice). A token
/// named twice keeps its first cover.
pub fn parse_covers(value: &str) -> (Vec<(usize, crate::task::masking::Cover, u32)>, Vec<String>) {
    use crate::task::masking::Cover;
    let (mut covers, mut dropped) = (Vec::new(), Vec::new());
    for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()).take(512) {
        let parsed = entry.find(['m', 'r']).and_then(|i| {
            let index: usize = entry[..i].parse().ok()?;
            match (&entry[i..i + 1], &entry[i + 1..]) {
                ("m", "") => Some((index, Cover::Mask, 0)),
                ("r", id) => Some((index, Cover::Random, id.parse().ok()?)),
                _ => None,
            }
        });
        match parsed {
            Some(c) if !covers.iter().any(|k: &(usize, Cover, u32)| k.0 == c.0) => covers.push(c),
            _ => dropped.push(shorten(entry, 20)),
        }
    }
    (covers, dropped)
}

/// Writes covers as [`parse_covers`] reads them (`3m,5r1234`); uncovered entries are left out.
pub fn format_covers(covers: &[(usize, crate::task::masking::Cover, u32)]) -> String {
    use crate::task::masking::Cover;
    covers
        .iter()
        .filter_map(|(i, c, id)| match c {
            Cover::Mask => Some(format!("{i}m")),
            Cover::Random => Some(format!("{i}r{id}")),
            Cover::Unchanged => None,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads `hide=a,b,c`: the known control names, and the rejected rest.
pub fn parse_hide(value: &str) -> (Vec<&'static str>, Vec<String>) {
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()).take(64) {
        match CONTROLS.iter().find(|c| **c == name) {
            Some(c) if !known.contains(c) => known.push(*c),
            Some(_) => {}
            None => unknown.push(shorten(name, 40)),
        }
    }
    (known, unknown)
}

/// The stylesheet that hides `controls` (names come from [`CONTROLS`] only, so nothing from the
/// address reaches the CSS).
pub fn hide_css(controls: &[&'static str]) -> String {
    controls.iter().map(|c| format!("[data-control=\"{c}\"]{{display:none!important}}")).collect()
}

/// A value cut to `max` characters with an ellipsis, for messages.
pub fn shorten(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        format!("{}…", value.chars().take(max).collect::<String>())
    }
}

/// Escapes text for an HTML attribute value in double quotes.
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<iframe>` snippet for `url` (already carrying `embed=1` and any `hide=`).
pub fn iframe_snippet(url: &str, title: &str, height: u32) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>",
        escape_attr(url),
        escape_attr(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_range() {
        assert_eq!(check_number("12", 0.0, 999.0), Ok(12.0));
        assert_eq!(check_number("0.25", 0.0, 1.0), Ok(0.25));
        assert!(check_number("1000", 0.0, 999.0).is_err());
        assert!(check_number("NaN", 0.0, 1.0).is_err());
        assert!(check_number("-1", 0.0, 1.0).is_err());
        assert!(check_number("abc", 0.0, 1.0).is_err());
    }

    #[test]
    fn covers_parse_and_bad_entries_are_named() {
        use crate::task::masking::Cover;
        let (c, bad) = parse_covers("3m,5r1234,x,7q,2m,3r9,4m5");
        assert_eq!(c, vec![(3, Cover::Mask, 0), (5, Cover::Random, 1234), (2, Cover::Mask, 0)]);
        assert_eq!(bad, vec!["x", "7q", "3r9", "4m5"]);
        assert_eq!(parse_covers(""), (vec![], vec![]));
        assert_eq!(format_covers(&c), "3m,5r1234,2m");
        assert_eq!(parse_covers(&format_covers(&c)).0, c, "written covers read back the same");
    }

    #[test]
    fn text_is_capped_and_cleaned() {
        assert_eq!(check_text("台湾大[MASK]", 10), Ok("台湾大[MASK]".into()));
        assert_eq!(check_text("a\u{0}b\u{1b}c\nd", 10), Ok("abc\nd".into()));
        assert_eq!(check_text(&"x".repeat(11), 10), Err(Rejected::TooLong { chars: 11, max: 10 }));
        // Characters, not bytes.
        assert!(check_text(&"字".repeat(10), 10).is_ok());
        // Bidi overrides and isolates, zero-width spaces and BOMs go; an emoji's joiner stays.
        assert_eq!(check_text("a\u{202E}cba\u{202C}\u{2066}x\u{2069}", 20), Ok("acbax".into()));
        assert_eq!(check_text("台\u{200B}湾\u{FEFF}大\u{200D}学\u{200F}\u{061C}", 20), Ok("台湾大学".into()));
        assert_eq!(check_text("👩\u{200D}🔬 ok", 20), Ok("👩\u{200D}🔬 ok".into()));
    }

    #[test]
    fn choices_and_hide_lists() {
        assert_eq!(check_choice("bert-zh", &["bert-zh", "bert-en"]), Ok("bert-zh"));
        assert_eq!(check_choice("<script>", &["bert-zh"]), Err(Rejected::Unknown("<script>".into())));
        let (known, unknown) = parse_hide("model, text,model,,<b>x</b>");
        assert_eq!(known, vec!["model", "text"]);
        assert_eq!(unknown, vec!["<b>x</b>".to_string()]);
        assert_eq!(hide_css(&known), "[data-control=\"model\"]{display:none!important}[data-control=\"text\"]{display:none!important}");
    }

    #[test]
    fn snippet_escapes_the_url() {
        let s = iframe_snippet("https://x.org/?p=masking&text=\"><script>alert(1)</script>&embed=1", "Sesame", 700);
        assert!(s.starts_with("<iframe src=\"https://x.org/?p=masking&amp;text=&quot;&gt;&lt;script&gt;"));
        assert!(!s.contains("<script>"));
        assert!(s.ends_with("></iframe>"));
    }
}
