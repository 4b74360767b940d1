//! GLUE's QNLI task, built from the extractive-QA data Sesame already has (the lecture's case 3,
//! two sentences → class). No natural-language-inference set can be had here, and QNLI is the
//! GLUE task that was itself made this way (Wang et al., 2018, from SQuAD): a question and one
//! sentence of its paragraph; **entailment** when the sentence contains the answer,
//! **not_entailment** otherwise.
//!
//! Per question: the sentence holding the (first) gold answer is the positive pair; the negative
//! is another sentence of the same paragraph, drawn at random (seeded by the question's id) among
//! those sharing at least one word (English) or character (Chinese) with the question — QNLI
//! likewise dropped pairs of low lexical overlap. Both classes are then equally common. Questions
//! whose answer crosses a sentence boundary, or whose paragraph has no such other sentence, are
//! skipped.
//!
//! (A first construction took the *most* overlapping other sentence as the negative; on it
//! bert-zh v1 stayed at chance — held-out loss 0.691, 52.6 % after 230 of 552 steps — so the
//! GLUE-like random draw is used.)
//!
//! Split by article, as the QA models are: Chinese trains on DRCD's test file and CMRC 2018's
//! trial file and holds out DRCD's dev file; English holds out SQuAD articles `i % 4 == 3`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::classify_data::{Example, LabelledSet};
use super::qa::{read_squad, Question};

/// Class names, GLUE's order.
pub const CLASSES: [&str; 2] = ["entailment", "not_entailment"];

/// Shortest sentence (in characters) used as a pair's second half.
const MIN_SENTENCE_CHARS: usize = 6;

/// Reads the QA files of `language` under `qa_dir` and builds the task.
pub fn load(language: &str, qa_dir: &Path) -> Result<LabelledSet, String> {
    let (train_files, valid_files, split): (Vec<PathBuf>, Vec<PathBuf>, &str) = match language {
        "zh" => (
            vec![qa_dir.join("drcd/DRCD_test.json"), qa_dir.join("cmrc2018/cmrc2018_trial.json")],
            vec![qa_dir.join("drcd/DRCD_dev.json")],
            "by article, as qa-zh: training from DRCD_test.json and cmrc2018_trial.json, held out: DRCD_dev.json",
        ),
        _ => (vec![], vec![qa_dir.join("squad/squad-v1.1-dev-40articles.json")], "by article, as qa-en: SQuAD articles i with i % 4 == 3 held out, the rest training"),
    };
    let read = |files: &[PathBuf]| -> Result<Vec<Question>, String> {
        let mut out = Vec::new();
        for f in files {
            out.extend(read_squad(f).map_err(|e| format!("{e} (the shared QA data, ../shared/data/qa)"))?);
        }
        Ok(out)
    };
    let (train_q, valid_q) = if train_files.is_empty() {
        read(&valid_files)?.into_iter().partition::<Vec<_>, _>(|q| q.article % 4 != 3)
    } else {
        (read(&train_files)?, read(&valid_files)?)
    };
    let (train, ts) = pairs(&train_q, language);
    let (valid, vs) = pairs(&valid_q, language);
    Ok(LabelledSet {
        classes: CLASSES.iter().map(|c| c.to_string()).collect(),
        provenance: format!("training: {ts}; held out: {vs}"),
        split: split.into(),
        files: train_files.into_iter().chain(valid_files).collect(),
        train,
        valid,
    })
}

/// One positive and one negative pair per usable question; with a line saying what was kept.
pub fn pairs(questions: &[Question], language: &str) -> (Vec<Example>, String) {
    let (mut out, mut crossing, mut lone) = (Vec::new(), 0, 0);
    for q in questions {
        let chars: Vec<char> = q.context.chars().collect();
        let spans = sentences(&chars, language);
        let text = |&(s, e): &(usize, usize)| chars[s..e].iter().collect::<String>();
        let (a0, answer) = &q.answers[0];
        let a1 = a0 + answer.chars().count();
        let Some(hit) = spans.iter().position(|&(s, e)| s <= *a0 && a1 <= e) else {
            crossing += 1;
            continue;
        };
        let words = overlap_units(&q.question, language);
        let candidates: Vec<usize> = spans
            .iter()
            .enumerate()
            .filter(|&(i, &(s, e))| i != hit && e - s >= MIN_SENTENCE_CHARS)
            .filter(|(_, span)| overlap_units(&text(span), language).intersection(&words).next().is_some())
            .map(|(i, _)| i)
            .collect();
        if candidates.is_empty() {
            lone += 1;
            continue;
        }
        let seed = q.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
        let neg = candidates[crate::rng::Rng::new(seed).below(candidates.len())];
        out.push(Example { text: q.question.trim().to_string(), text_b: Some(text(&spans[hit])), label: 0 });
        out.push(Example { text: q.question.trim().to_string(), text_b: Some(text(&spans[neg])), label: 1 });
    }
    let kept = out.len() / 2;
    (out, format!("{} questions, {kept} kept → {} pairs ({crossing} with the answer across sentences, {lone} without another overlapping sentence skipped)", questions.len(), 2 * kept))
}

/// A baseline with no learning beyond one number: call a pair entailment when the sentence shares
/// at least `t` units (see `overlap_units`) with the question, `t` chosen for the best training
/// accuracy. Returns `(t, held-out accuracy)`.
pub fn overlap_baseline(train: &[Example], valid: &[Example], language: &str) -> (usize, f64) {
    let shared = |e: &Example| overlap_units(&e.text, language).intersection(&overlap_units(e.text_b.as_deref().unwrap_or(""), language)).count();
    let accuracy = |set: &[Example], t: usize| set.iter().filter(|e| (shared(e) >= t) == (e.label == 0)).count() as f64 / set.len().max(1) as f64;
    let best = (0..=20).max_by(|&a, &b| accuracy(train, a).total_cmp(&accuracy(train, b)).then(b.cmp(&a))).unwrap_or(0);
    (best, accuracy(valid, best))
}

/// Sentence spans `(first char, end char)` of a paragraph, trimmed of spaces. Chinese ends a
/// sentence after 。！？；!? (closing quotes and brackets stay with it); English after . ! ? (and
/// closing quotes) before a space and a capital, digit or quote, unless the word before the full
/// stop is an initial or a common abbreviation.
pub fn sentences(chars: &[char], language: &str) -> Vec<(usize, usize)> {
    const CLOSERS: &[char] = &['」', '』', '”', '’', '）', ')', '"', '\'', '》'];
    let mut ends = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let terminal = if language == "zh" { "。！？；!?".contains(c) } else { ".!?".contains(c) };
        if terminal {
            let mut end = i + 1;
            while end < chars.len() && (CLOSERS.contains(&chars[end]) || (language == "zh" && "。！？!?".contains(chars[end]))) {
                end += 1;
            }
            if language == "zh" || english_boundary(chars, i, end) {
                ends.push(end);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if ends.last() != Some(&chars.len()) {
        ends.push(chars.len());
    }
    let mut spans = Vec::new();
    let mut start = 0;
    for end in ends {
        let (mut s, mut e) = (start, end);
        while s < e && chars[s].is_whitespace() {
            s += 1;
        }
        while e > s && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        if e > s {
            spans.push((s, e));
        }
        start = end;
    }
    spans
}

/// Whether an English terminal at `at` (its closers end at `end`) ends a sentence.
fn english_boundary(chars: &[char], at: usize, end: usize) -> bool {
    const ABBREVIATIONS: &[&str] = &["mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "no", "co", "inc", "ltd", "gen", "col", "lt", "sgt", "rev", "prof", "mt", "ft", "approx", "etc", "e.g", "i.e", "u.s", "u.k", "a.d", "b.c"];
    if end >= chars.len() || !chars[end].is_whitespace() {
        return false;
    }
    let next = chars[end..].iter().find(|c| !c.is_whitespace());
    if !next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“(".contains(*c)) {
        return false;
    }
    if chars[at] == '.' {
        let word: String = chars[..at].iter().rev().take_while(|c| !c.is_whitespace() && **c != '(').collect::<Vec<_>>().into_iter().rev().collect();
        let word = word.to_lowercase();
        if word.chars().filter(|c| c.is_alphabetic()).count() == 1 || ABBREVIATIONS.contains(&word.as_str()) {
            return false;
        }
    }
    true
}

/// The units whose overlap with the question picks the hard negative: distinct lower-cased
/// words of three letters or more, less a few function words (English); distinct letters and
/// characters, less common function characters (Chinese).
fn overlap_units(text: &str, language: &str) -> HashSet<String> {
    if language == "zh" {
        const FUNCTION: &str = "的了是在有和與与及之其為为這这那個个什麼么哪誰谁何幾几多少一不也而被於于以中上";
        text.chars().filter(|c| c.is_alphanumeric() && !FUNCTION.contains(*c)).map(String::from).collect()
    } else {
        const FUNCTION: &[&str] = &["the", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "was", "were", "did", "does", "and", "for", "from", "with", "that", "this", "are", "its", "has", "had", "have", "been", "into", "than", "many", "much"];
        text.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).filter(|w| w.chars().count() >= 3 && !FUNCTION.contains(&w.as_str())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, lang: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        sentences(&chars, lang).into_iter().map(|(s, e)| chars[s..e].iter().collect()).collect()
    }

    #[test]
    fn chinese_sentences_end_at_terminal_punctuation_with_their_quotes() {
        assert_eq!(split("他說：「好。」然後走了！真的嗎？是", "zh"), vec!["他說：「好。」", "然後走了！", "真的嗎？", "是"]);
        assert_eq!(split("無標點", "zh"), vec!["無標點"]);
    }

    #[test]
    fn english_sentences_skip_initials_and_abbreviations() {
        assert_eq!(
            split("Mr. Smith met J. R. Tolkien in the U.S. Army. It rained. \"Why?\" he asked. In 1990 it ended", "en"),
            vec!["Mr. Smith met J. R. Tolkien in the U.S. Army.", "It rained.", "\"Why?\" he asked.", "In 1990 it ended"]
        );
        assert_eq!(split("Pi is 3.14 exactly. Yes", "en"), vec!["Pi is 3.14 exactly.", "Yes"]);
    }

    fn question(context: &str, q: &str, answer: &str) -> Question {
        let at = context[..context.find(answer).unwrap()].chars().count();
        Question { id: "q".into(), article: 0, context: context.into(), question: q.into(), answers: vec![(at, answer.into())] }
    }

    #[test]
    fn each_question_gives_its_answer_sentence_and_an_overlapping_other_one() {
        let q = question("The tower is in Paris. The tower was built in 1889 for a fair. Cats sleep a lot.", "When was the tower built?", "1889");
        let (pairs, line) = pairs(&[q], "en");
        assert_eq!(pairs.len(), 2, "{line}");
        assert_eq!((pairs[0].text_b.as_deref(), pairs[0].label), (Some("The tower was built in 1889 for a fair."), 0));
        // "tower" is shared with the first sentence, nothing with the third: the only candidate.
        assert_eq!((pairs[1].text_b.as_deref(), pairs[1].label), (Some("The tower is in Paris."), 1));
        assert_eq!(pairs[0].text, "When was the tower built?");
    }

    #[test]
    fn answers_across_sentences_and_lone_sentences_are_skipped() {
        let across = question("It began in May. It ended in June.", "When?", "May. It");
        let lone = question("台北101於2004年完工。", "台北101何時完工？", "2004年");
        let (pairs_zh, line) = pairs(&[lone], "zh");
        assert!(pairs_zh.is_empty() && line.contains("1 without another overlapping sentence"), "{line}");
        let (pairs_en, line) = pairs(&[across], "en");
        assert!(pairs_en.is_empty() && line.contains("1 with the answer across sentences"), "{line}");
    }

    #[test]
    fn the_overlap_baseline_picks_the_threshold_that_separates_training_pairs() {
        let pair = |b: &str, label| Example { text: "tower built year".into(), text_b: Some(b.into()), label };
        let train = [pair("the tower was built in that year", 0), pair("the tower is tall", 1), pair("built the tower this year", 0), pair("cats", 1)];
        let (t, acc) = overlap_baseline(&train, &train, "en");
        assert_eq!((t, acc), (2, 1.0));
    }

    #[test]
    fn the_chinese_task_is_balanced_and_split_by_file() {
        let Ok(set) = load("zh", Path::new("../shared/data/qa")) else { return };
        assert!(set.train.len() > 5000 && set.valid.len() > 3000, "{}", set.provenance);
        let positives = set.valid.iter().filter(|e| e.label == 0).count();
        assert_eq!(2 * positives, set.valid.len());
        let train_q: HashSet<&str> = set.train.iter().map(|e| e.text.as_str()).collect();
        let shared = set.valid.iter().filter(|e| train_q.contains(e.text.as_str())).count();
        assert!(shared * 100 < set.valid.len(), "{shared} held-out questions also in training");
    }
}
