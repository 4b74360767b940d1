//! Reading the pretraining corpora of `../shared/data/corpus/` into documents of sentences,
//! with a deterministic train / validation split (every 20th document is held out).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Which corpus (and so which model) a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `corpus/zh/`: Taiwan Wikipedia (DRCD), mainland Wikipedia (CMRC 2018), classical poetry.
    Chinese,
    /// `corpus/en/`: wikitext-2, SQuAD contexts, State of the Union and inaugural addresses, Shakespeare.
    English,
}

impl Language {
    /// `"zh"` or `"en"`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Chinese => "zh",
            Self::English => "en",
        }
    }
}

/// One document: consecutive sentences (the sentence-pair objective draws A and B from one).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Sentences in order.
    pub sentences: Vec<String>,
}

/// One source file and how often its documents are drawn relative to the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Short name used in the model card.
    pub name: String,
    /// Path of the file read.
    pub path: PathBuf,
    /// Share of training examples drawn from this source.
    pub weight: f64,
    /// Training documents.
    pub train: Vec<Document>,
    /// Held-out documents.
    pub valid: Vec<Document>,
}

/// Whether document number `i` of a source is held out for validation.
pub fn is_validation(i: usize) -> bool {
    i % 20 == 7
}

/// Loads the corpora of `language` from `dir` (`../shared/data/corpus/<code>`).
///
/// For Chinese, `t2s` (a traditional → simplified character table) adds a simplified copy of
/// the Taiwan Wikipedia paragraphs and a traditional copy of the mainland ones, so the model
/// reads both scripts (the lecture's 台灣大學 and the test's 台湾大学). `poems` caps the number of
/// poems read from each poetry file.
pub fn load(language: Language, dir: &Path, t2s: Option<&HashMap<char, char>>, poems: usize) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    let mut add = |name: &str, file: &str, weight: f64, docs: Vec<Document>| {
        let (mut train, mut valid) = (Vec::new(), Vec::new());
        for (i, d) in docs.into_iter().enumerate() {
            if is_validation(i) {
                valid.push(d)
            } else {
                train.push(d)
            }
        }
        sources.push(Source { name: name.into(), path: dir.join(file), weight, train, valid });
    };
    match language {
        Language::Chinese => {
            let drcd = paragraphs_zh(&read_text(&dir.join("drcd_contexts_zh-hant.txt"))?);
            let cmrc = paragraphs_zh(&read_text(&dir.join("cmrc2018_trial_contexts_zh-hans.txt"))?);
            if let Some(t2s) = t2s {
                let s2t = simplified_to_traditional(t2s);
                add("drcd-simplified", "drcd_contexts_zh-hant.txt", 0.25, convert(&drcd, t2s));
                add("cmrc-traditional", "cmrc2018_trial_contexts_zh-hans.txt", 0.08, convert(&cmrc, &s2t));
            }
            add("drcd", "drcd_contexts_zh-hant.txt", 0.3, drcd);
            add("cmrc", "cmrc2018_trial_contexts_zh-hans.txt", 0.12, cmrc);
            for (file, weight) in [("tang_poems.tsv.gz", 0.12), ("song_ci.tsv.gz", 0.06), ("song_poems.tsv.gz", 0.07)] {
                add(file.trim_end_matches(".tsv.gz"), file, weight, poems_zh(&read_gz(&dir.join(file))?, poems));
            }
        }
        Language::English => {
            let wiki = |f: &str| read_text(&dir.join(f)).map(|t| wikitext(&t));
            add("wikitext-2-valid", "wikitext-2.valid.txt", 0.25, wiki("wikitext-2.valid.txt")?);
            add("wikitext-2-test", "wikitext-2.test.txt", 0.25, wiki("wikitext-2.test.txt")?);
            add("squad-contexts", "squad_dev40_contexts.txt", 0.2, lines_en(&read_text(&dir.join("squad_dev40_contexts.txt"))?));
            add("state-of-the-union", "state_union.txt", 0.12, lines_en(&read_text(&dir.join("state_union.txt"))?));
            add("inaugural", "inaugural.txt", 0.08, lines_en(&read_text(&dir.join("inaugural.txt"))?));
            add("tinyshakespeare", "tinyshakespeare.txt", 0.1, shakespeare(&read_text(&dir.join("tinyshakespeare.txt"))?));
        }
    }
    sources.retain(|s| !s.train.is_empty());
    if sources.is_empty() {
        return Err(format!("no documents found under {}", dir.display()));
    }
    Ok(sources)
}

/// Reads a traditional → simplified table: lines `T<TAB>S` (first character of each side).
pub fn read_t2s(path: &Path) -> Result<HashMap<char, char>, String> {
    let text = read_text(path)?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let t = parts.next()?.chars().next()?;
            let s = parts.next()?.chars().next()?;
            Some((t, s))
        })
        .collect())
}

/// Reads a text file; bytes that are not UTF-8 (some addresses are Latin-1) become U+FFFD.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_gz(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut out).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(out)
}

/// The reverse of a traditional → simplified table. Where several traditional characters share
/// one simplified form (发 ← 發, 髮) the smallest code point is kept, so every load converts the
/// same way (a plain `collect` would keep whichever the hash order gives last).
fn simplified_to_traditional(t2s: &HashMap<char, char>) -> HashMap<char, char> {
    let mut s2t: HashMap<char, char> = HashMap::new();
    for (&t, &s) in t2s {
        s2t.entry(s).and_modify(|old| *old = (*old).min(t)).or_insert(t);
    }
    s2t
}

fn convert(docs: &[Document], table: &HashMap<char, char>) -> Vec<Document> {
    docs.iter()
        .map(|d| Document { sentences: d.sentences.iter().map(|s| s.chars().map(|c| *table.get(&c).unwrap_or(&c)).collect()).collect() })
        .collect()
}

/// Splits Chinese text after sentence-final punctuation (the punctuation stays with its sentence).
pub fn sentences_zh(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?') {
            push_trimmed(&mut out, &mut cur);
        }
    }
    push_trimmed(&mut out, &mut cur);
    out
}

/// Splits English text after `.`, `?` or `!` followed by a space and a capital letter or quote.
pub fn sentences_en(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for i in 0..chars.len() {
        cur.push(chars[i]);
        let end = matches!(chars[i], '.' | '?' | '!')
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2).is_some_and(|c| c.is_uppercase() || *c == '"' || *c == '\'');
        // "Mr." / "St." are not sentence ends.
        let abbrev = cur.ends_with("Mr.") || cur.ends_with("Mrs.") || cur.ends_with("Dr.") || cur.ends_with("St.");
        if end && !abbrev {
            push_trimmed(&mut out, &mut cur);
        }
    }
    push_trimmed(&mut out, &mut cur);
    out
}

fn push_trimmed(out: &mut Vec<String>, cur: &mut String) {
    let t = cur.trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
    cur.clear();
}

fn paragraphs_zh(text: &str) -> Vec<Document> {
    text.lines().map(sentences_zh).filter(|s| !s.is_empty()).map(|sentences| Document { sentences }).collect()
}

fn poems_zh(tsv: &str, cap: usize) -> Vec<Document> {
    tsv.lines()
        .filter_map(|l| l.split('\t').nth(2))
        .map(sentences_zh)
        .filter(|s| s.len() >= 2)
        .take(cap)
        .map(|sentences| Document { sentences })
        .collect()
}

fn lines_en(text: &str) -> Vec<Document> {
    text.lines()
        .map(|l| sentences_en(l.trim()))
        .filter(|s| s.iter().map(|x| x.len()).sum::<usize>() >= 40)
        .map(|sentences| Document { sentences })
        .collect()
}

/// wikitext-2: one paragraph per line, headings ` = Title = `, tokenised punctuation
/// (`@-@`, ` , `) undone. Nine paragraphs in ten have an `<unk>` (a rare word the data set
/// replaced), so it becomes BERT's `[UNK]` token instead of dropping the sentence: it is read as
/// context and never chosen as a masked-LM target.
fn wikitext(text: &str) -> Vec<Document> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('='))
        .map(|l| {
            let clean = l
                .replace(" @-@ ", "-")
                .replace(" @,@ ", ",")
                .replace(" @.@ ", ".")
                .replace(" , ", ", ")
                .replace(" . ", ". ")
                .replace(" ; ", "; ")
                .replace(" : ", ": ")
                .replace(" 's", "'s")
                .replace("( ", "(")
                .replace(" )", ")");
            let clean = clean.strip_suffix(" .").map(|s| format!("{s}.")).unwrap_or(clean);
            sentences_en(&clean.replace("<unk>", "[UNK]"))
        })
        .filter(|s| s.len() >= 2)
        .map(|sentences| Document { sentences })
        .collect()
}

/// Shakespeare: one speech per blank-line-separated block, one line per "sentence"
/// (the speaker's name is dropped).
fn shakespeare(text: &str) -> Vec<Document> {
    text.split("\n\n")
        .map(|block| block.lines().skip(1).map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect::<Vec<_>>())
        .filter(|s| s.len() >= 2)
        .map(|sentences| Document { sentences })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_table_is_the_same_on_every_load() {
        let t2s: HashMap<char, char> = [('發', '发'), ('髮', '发'), ('灣', '湾')].into_iter().collect();
        let s2t = simplified_to_traditional(&t2s);
        assert_eq!(s2t[&'湾'], '灣');
        assert_eq!(s2t[&'发'], '發'.min('髮'));
    }

    #[test]
    fn splits_chinese_and_english_sentences() {
        assert_eq!(sentences_zh("我是學生。你呢？好！"), vec!["我是學生。", "你呢？", "好！"]);
        assert_eq!(
            sentences_en("Mr. Smith went home. He slept! Then \"Why?\" he asked."),
            vec!["Mr. Smith went home.", "He slept!", "Then \"Why?\" he asked."]
        );
    }

    #[test]
    fn every_twentieth_document_is_held_out() {
        assert_eq!((0..100).filter(|&i| is_validation(i)).count(), 5);
    }
}
