//! The extractive-QA metrics: SQuAD v1.1's (normalised exact match and token F1) for English and
//! the CMRC 2018 / DRCD script's (character-level, punctuation removed) for Chinese, written as
//! the official evaluation scripts compute them.

use crate::text::is_cjk;

/// SQuAD v1.1's answer normalisation: lower case, no punctuation, no articles, single spaces.
pub fn squad_normalize(s: &str) -> String {
    let lower = s.to_lowercase();
    let no_punct: String = lower.chars().filter(|c| !c.is_ascii_punctuation()).collect();
    no_punct.split_whitespace().filter(|w| !matches!(*w, "a" | "an" | "the")).collect::<Vec<_>>().join(" ")
}

/// SQuAD v1.1 exact match and F1 of `prediction` against the best of `golds`, each in [0, 1].
pub fn squad_em_f1(prediction: &str, golds: &[String]) -> (f64, f64) {
    let p = squad_normalize(prediction);
    let em = golds.iter().any(|g| squad_normalize(g) == p);
    let f1 = golds.iter().map(|g| token_f1(&p, &squad_normalize(g))).fold(0.0, f64::max);
    (f64::from(u8::from(em)), f1)
}

fn token_f1(pred: &str, gold: &str) -> f64 {
    let p: Vec<&str> = pred.split_whitespace().collect();
    let g: Vec<&str> = gold.split_whitespace().collect();
    let mut counts = std::collections::HashMap::new();
    for t in &g {
        *counts.entry(*t).or_insert(0i32) += 1;
    }
    let mut same = 0;
    for t in &p {
        if let Some(c) = counts.get_mut(t) {
            if *c > 0 {
                *c -= 1;
                same += 1;
            }
        }
    }
    if same == 0 {
        return 0.0;
    }
    let (prec, rec) = (same as f64 / p.len() as f64, same as f64 / g.len() as f64);
    2.0 * prec * rec / (prec + rec)
}

/// The punctuation the CMRC 2018 evaluation script removes (its `sp_char` list; it has no
/// ASCII `,` `.` `?`, so neither does this).
const CMRC_PUNCTUATION: &[char] = &[
    '-', ':', '_', '*', '^', '/', '\\', '~', '`', '+', '=', '，', '。', '：', '？', '！', '“', '”', '；', '’', '《', '》', '·', '、', '「', '」', '（', '）', '－', '～', '『', '』',
];

/// CMRC 2018's "mixed segmentation": lower case; every CJK character (and punctuation mark)
/// is a unit; runs of other characters are split into words at spaces and ASCII punctuation;
/// punctuation units are dropped.
pub fn cmrc_segments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<String>| {
        let mut word = String::new();
        for c in run.chars() {
            if c.is_whitespace() || c.is_ascii_punctuation() {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                if c.is_ascii_punctuation() && !CMRC_PUNCTUATION.contains(&c) {
                    out.push(c.to_string());
                }
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
        run.clear();
    };
    for c in s.trim().to_lowercase().chars() {
        if is_cjk(c) || CMRC_PUNCTUATION.contains(&c) {
            flush(&mut run, &mut out);
            if !CMRC_PUNCTUATION.contains(&c) {
                out.push(c.to_string());
            }
        } else {
            run.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// CMRC 2018 / DRCD exact match and F1 of `prediction` against the best of `golds`, in [0, 1]:
/// EM compares the texts without punctuation; F1 is from the longest common *contiguous* run
/// of segments (the script's `find_lcs`).
pub fn cmrc_em_f1(prediction: &str, golds: &[String]) -> (f64, f64) {
    let strip = |s: &str| s.trim().to_lowercase().chars().filter(|c| !CMRC_PUNCTUATION.contains(c)).collect::<String>();
    let em = golds.iter().any(|g| strip(g) == strip(prediction));
    let p = cmrc_segments(prediction);
    let f1 = golds
        .iter()
        .map(|g| {
            let g = cmrc_segments(g);
            let lcs = longest_common_run(&g, &p);
            if lcs == 0 {
                0.0
            } else {
                let (prec, rec) = (lcs as f64 / p.len() as f64, lcs as f64 / g.len() as f64);
                2.0 * prec * rec / (prec + rec)
            }
        })
        .fold(0.0, f64::max);
    (f64::from(u8::from(em)), f1)
}

fn longest_common_run(a: &[String], b: &[String]) -> usize {
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best
}

/// EM and F1 with the metric of `lang` ("zh": CMRC/DRCD; otherwise SQuAD v1.1).
pub fn em_f1(lang: &str, prediction: &str, golds: &[String]) -> (f64, f64) {
    if lang == "zh" {
        cmrc_em_f1(prediction, golds)
    } else {
        squad_em_f1(prediction, golds)
    }
}

/// The page's verdict on an answer with known gold answers: the distinct gold answers joined by
/// ` / `, and the answer's EM and F1 (see [`em_f1`]).
pub fn verdict(lang: &str, prediction: &str, golds: &[String]) -> (String, f64, f64) {
    let (em, f1) = em_f1(lang, prediction, golds);
    let mut distinct: Vec<&str> = Vec::new();
    for g in golds {
        if !distinct.contains(&g.as_str()) {
            distinct.push(g);
        }
    }
    (distinct.join(" / "), em, f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golds(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn squad_metric_matches_the_official_normalisation() {
        assert_eq!(squad_normalize("The  Eiffel Tower!"), "eiffel tower");
        assert_eq!(squad_em_f1("the Denver Broncos", &golds(&["Denver Broncos"])), (1.0, 1.0));
        let (em, f1) = squad_em_f1("Denver Broncos won", &golds(&["Carolina Panthers", "Denver Broncos"]));
        assert_eq!(em, 0.0);
        assert!((f1 - 0.8).abs() < 1e-9, "P 2/3, R 1 → F1 0.8: {f1}");
        assert_eq!(squad_em_f1("", &golds(&["x"])), (0.0, 0.0));
    }

    #[test]
    fn the_verdict_names_each_gold_answer_once() {
        let (g, em, f1) = verdict("en", "Denver Broncos", &golds(&["Denver Broncos", "Denver Broncos", "the Broncos"]));
        assert_eq!((g.as_str(), em, f1), ("Denver Broncos / the Broncos", 1.0, 1.0));
    }

    #[test]
    fn cmrc_metric_is_character_level_without_punctuation() {
        assert_eq!(cmrc_segments("台灣大學，NTU 2024"), vec!["台", "灣", "大", "學", "ntu", "2024"]);
        assert_eq!(cmrc_em_f1("「台灣大學」", &golds(&["台灣大學"])), (1.0, 1.0));
        let (em, f1) = cmrc_em_f1("國立台灣大學", &golds(&["台灣大學"]));
        assert_eq!(em, 0.0);
        assert!((f1 - 0.8).abs() < 1e-9, "P 4/6, R 1 → 0.8: {f1}");
        // Contiguous runs only: 台…學 with a gap shares 2 characters, not 3.
        let (_, f1) = cmrc_em_f1("台大學", &golds(&["台灣大學"]));
        assert!((f1 - 2.0 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5)).abs() < 1e-9, "{f1}");
    }
}
