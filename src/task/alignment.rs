//! Cross-lingual alignment (issue 26 §2): do words of the same meaning get close vectors in a
//! two-language BERT that never saw a translation? The test set is the HSK sentences' word glosses
//! (`hsk-sentences-audio==1.0.0`): a Chinese word of a sentence and the headword of its English
//! gloss, kept when that headword occurs in the sentence's English translation, so both words have
//! a context. Each word's vector is the mean of its tokens' hidden states at a layer, in its own
//! sentence; the Mean Reciprocal Rank (MRR) of the right English word among all candidates, by
//! cosine, is the lecture's measure.

use serde::Deserialize;

use crate::numeric::dot;
use crate::text::{find_target, is_cjk};

/// One HSK record: a sentence, its translation and its words' glosses.
#[derive(Debug, Clone, PartialEq)]
pub struct HskRecord {
    /// Simplified Chinese sentence.
    pub chinese: String,
    /// English translation.
    pub english: String,
    /// `(word, English gloss)` per word of the sentence.
    pub words: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct RawRecord {
    chinese: String,
    translation: RawTranslation,
    #[serde(default)]
    tokens: Vec<RawToken>,
}

#[derive(Deserialize)]
struct RawTranslation {
    en: String,
}

#[derive(Deserialize)]
struct RawToken {
    word: String,
    #[serde(default)]
    gloss_en: String,
}

/// Reads `sentences.json` of `hsk-sentences-audio`.
pub fn parse_hsk(json: &[u8]) -> Result<Vec<HskRecord>, String> {
    let raw: Vec<RawRecord> = serde_json::from_slice(json).map_err(|e| format!("hsk_sentences.json: {e}"))?;
    Ok(raw.into_iter().map(|r| HskRecord { chinese: r.chinese, english: r.translation.en, words: r.tokens.into_iter().map(|t| (t.word, t.gloss_en)).collect() }).collect())
}

/// The headword of a gloss: its first sense (before `;`, `,`, `/` or `(`), lower-cased, without a
/// leading "to " (verbs), when that is one word of letters (`"teacher"` from `"teacher"`, `"go"`
/// from `"to go; to leave"`); `None` for phrases and empty glosses.
pub fn gloss_head(gloss: &str) -> Option<String> {
    let first = gloss.split([';', ',', '/', '(']).next()?.trim().to_lowercase();
    let first = first.strip_prefix("to ").unwrap_or(&first).trim();
    (first.len() >= 2 && first.chars().all(|c| c.is_ascii_alphabetic())).then(|| first.to_string())
}

/// The character span `[start, end)` of the first whole-word occurrence of `word` in `text`,
/// ignoring case ([`find_target`] prefers a whole-word occurrence; one that is not is refused).
pub fn find_word(text: &str, word: &str) -> Option<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric() && !is_cjk(*c));
    find_target(text, word).filter(|&(start, end)| (start == 0 || !letter(start - 1)) && !letter(end))
}

/// One test pair: a Chinese word and its gloss's headword, each placed in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct GlossPair {
    /// The Chinese word.
    pub zh: String,
    /// The English headword.
    pub en: String,
    /// The record both come from.
    pub record: usize,
    /// Character span of the word in the record's Chinese sentence.
    pub zh_span: (usize, usize),
    /// Character span of the headword in the record's English translation.
    pub en_span: (usize, usize),
}

/// The test pairs: one per Chinese word (its first usable occurrence), with a one-word gloss
/// headword found in the translation of the same sentence.
pub fn gloss_pairs(records: &[HskRecord]) -> Vec<GlossPair> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (record, r) in records.iter().enumerate() {
        for (word, gloss) in &r.words {
            if seen.contains(word) || !word.chars().any(is_cjk) {
                continue;
            }
            let Some(en) = gloss_head(gloss) else { continue };
            let (Some(zh_span), Some(en_span)) = (find_target(&r.chinese, word), find_word(&r.english, &en)) else { continue };
            seen.insert(word.clone());
            out.push(GlossPair { zh: word.clone(), en, record, zh_span, en_span });
        }
    }
    out
}

/// The tokens of an encoding that overlap the character span `[start, end)`.
pub fn tokens_in(spans: &[(usize, usize)], special: &[bool], (start, end): (usize, usize)) -> Vec<usize> {
    (0..spans.len()).filter(|&i| !special[i] && spans[i].0 < end && spans[i].1 > start).collect()
}

/// The mean over `tokens` of a sentence's vectors at each layer → `[layer][H]`.
pub fn word_vector(layers: &[Vec<Vec<f32>>], tokens: &[usize]) -> Vec<Vec<f32>> {
    layers
        .iter()
        .map(|l| {
            let h = l.first().map_or(0, Vec::len);
            let mut v = vec![0f32; h];
            for &i in tokens {
                v.iter_mut().zip(&l[i]).for_each(|(a, b)| *a += b / tokens.len() as f32);
            }
            v
        })
        .collect()
}

/// `v` scaled to length 1 (zero stays zero).
pub fn unit(v: &[f32]) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter().map(|x| x / n).collect()
    } else {
        v.to_vec()
    }
}

/// Mean Reciprocal Rank: for each query, the rank (1 = nearest by cosine) of its right candidate
/// `gold[i]` among all `candidates`; the mean of 1 / rank. Ties count against the query.
pub fn mrr(queries: &[Vec<f32>], candidates: &[Vec<f32>], gold: &[usize]) -> f64 {
    let cands: Vec<Vec<f32>> = candidates.iter().map(|c| unit(c)).collect();
    let total: f64 = queries
        .iter()
        .zip(gold)
        .map(|(q, &g)| {
            let q = unit(q);
            let score = |c: &Vec<f32>| dot(c, &q);
            let right = score(&cands[g]);
            let rank = 1 + cands.iter().enumerate().filter(|&(j, c)| j != g && score(c) >= right).count();
            1.0 / rank as f64
        })
        .sum();
    total / queries.len().max(1) as f64
}

/// The `k` candidates nearest to `query` by cosine, nearest first: `(index, cosine)`.
pub fn nearest(query: &[f32], candidates: &[Vec<f32>], k: usize) -> Vec<(usize, f32)> {
    let q = unit(query);
    let mut scored: Vec<(usize, f32)> = candidates.iter().enumerate().map(|(j, c)| (j, dot(&unit(c), &q))).collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored.truncate(k);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gloss_heads_are_single_words() {
        assert_eq!(gloss_head("teacher").as_deref(), Some("teacher"));
        assert_eq!(gloss_head("to go; to leave").as_deref(), Some("go"));
        assert_eq!(gloss_head("you (courteous, as opposed to informal 你[ni3])").as_deref(), Some("you"));
        assert_eq!(gloss_head("good; appropriate").as_deref(), Some("good"));
        assert_eq!(gloss_head("ice cream"), None);
        assert_eq!(gloss_head(""), None);
    }

    #[test]
    fn pairs_need_the_headword_in_the_translation() {
        let json = r#"[{"chinese":"老师，您好！","translation":{"en":"Hello, Teacher!"},"tokens":[{"word":"老师","gloss_en":"teacher"},{"word":"您","gloss_en":"you (polite)"},{"word":"好","gloss_en":"good; well"}]},
                       {"chinese":"老师来了。","translation":{"en":"The teacher came."},"tokens":[{"word":"老师","gloss_en":"teacher"},{"word":"来","gloss_en":"to come"}]}]"#;
        let records = parse_hsk(json.as_bytes()).unwrap();
        let pairs = gloss_pairs(&records);
        // 老师 once (its first sentence), 您 and 好 have no headword in "Hello, Teacher!", 来 → "come" is not in "came".
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].zh.as_str(), pairs[0].en.as_str(), pairs[0].zh_span, pairs[0].en_span), ("老师", "teacher", (0, 2), (7, 14)));
        assert_eq!(find_word("in the theatre", "the"), Some((3, 6)));
        assert_eq!(find_word("other", "the"), None);
    }

    #[test]
    fn mrr_is_one_when_every_query_finds_its_own_and_smaller_otherwise() {
        let c = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![-1.0, 0.0]];
        assert!((mrr(&[vec![2.0, 0.1], vec![0.1, 3.0]], &c, &[0, 1]) - 1.0).abs() < 1e-12);
        // The first query's right answer is the second nearest: 1/2; the other's is first: 1.
        assert!((mrr(&[vec![1.0, 0.2], vec![0.1, 3.0]], &c, &[1, 1]) - 0.75).abs() < 1e-12);
        assert_eq!(nearest(&[0.0, 1.0], &c, 2).iter().map(|n| n.0).collect::<Vec<_>>(), vec![1, 0]);
        assert_eq!(tokens_in(&[(0, 0), (0, 1), (1, 2), (2, 3), (0, 0)], &[true, false, false, false, true], (0, 2)), vec![1, 2]);
    }
}
