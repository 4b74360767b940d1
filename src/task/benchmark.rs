//! The GLUE-style scoreboard (issue 26 §4): every Sesame encoder, pretrained and from random
//! initialisation, against every downstream task it was fine-tuned on, read from the fine-tuned
//! models' cards (`runs[…].valid`), with one average per row as GLUE reports it. Nothing here is
//! typed in: a cell is a card's figure or missing (no card, no run of that start, or no such
//! figure), and a missing cell is never counted as zero.

use serde_json::Value;

/// A downstream task: one column of the scoreboard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Task {
    /// Short key (`sentiment`, `pos`, …), used in test ids.
    pub key: &'static str,
    /// Whether the task counts in the row's average (the monolingual tasks; the zero-shot
    /// cross-lingual columns are shown beside it, as the lecture shows them beside GLUE).
    pub averaged: bool,
    /// Where the figure sits in a card's run object (a JSON pointer, e.g. `/valid/accuracy`),
    /// and the factor that makes it a percentage.
    pub metric: (&'static str, f64),
}

/// The scoreboard's columns.
pub const TASKS: [Task; 6] = [
    Task { key: "sentiment", averaged: true, metric: ("/valid/accuracy", 100.0) },
    Task { key: "pos", averaged: true, metric: ("/valid/word_accuracy", 100.0) },
    Task { key: "qnli", averaged: true, metric: ("/valid/accuracy", 100.0) },
    Task { key: "qa", averaged: true, metric: ("/valid/f1", 1.0) },
    Task { key: "xqa", averaged: false, metric: ("/zero_shot/f1", 1.0) },
    Task { key: "xsentiment", averaged: false, metric: ("/zero_shot/accuracy", 100.0) },
];

/// An encoder: a group of rows (pretrained and random init), with the card of the model
/// fine-tuned from it for each task (`None`: Sesame has no such model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoder {
    /// Manifest id of the pretrained encoder.
    pub id: &'static str,
    /// Language code of its fine-tuning data (`zh`, `en`, `zh+en`).
    pub language: &'static str,
    /// Manifest id of the fine-tuned model's card per task, in [`TASKS`] order.
    pub cards: [Option<&'static str>; 6],
}

/// The encoders, in row order. mbert's fine-tuned models (issue 26 §2) use these ids when they
/// ship; until then their cells show as missing. mbert's smaller-data twin (a quarter of the
/// text) was fine-tuned on English only, for the zero-shot columns.
pub const ENCODERS: [Encoder; 4] = [
    Encoder { id: "bert-zh", language: "zh", cards: [Some("sentiment-zh"), Some("pos-zh"), Some("qnli-zh"), Some("qa-zh"), None, None] },
    Encoder { id: "bert-en", language: "en", cards: [Some("sentiment-en"), Some("pos-en"), Some("qnli-en"), Some("qa-en"), None, None] },
    Encoder { id: "mbert", language: "zh+en", cards: [Some("mbert-sentiment-zh"), None, None, Some("mbert-qa-zh"), Some("mbert-qa-en"), Some("mbert-sentiment-en")] },
    Encoder { id: "mbert-small", language: "zh+en", cards: [None, None, None, None, Some("mbert-small-qa-en"), Some("mbert-small-sentiment-en")] },
];

/// Every card the scoreboard reads.
pub fn card_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = ENCODERS.iter().flat_map(|e| e.cards.iter().flatten().copied()).collect();
    ids.dedup();
    ids
}

/// How an encoder's weights started before fine-tuning (a card's `runs[].init`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// From the self-supervised pretrained weights.
    Pretrained,
    /// From random initialisation (the same architecture, no pretraining).
    Random,
}

impl Start {
    /// The card's word for it.
    pub fn card_word(self) -> &'static str {
        match self {
            Self::Pretrained => "pretrained",
            Self::Random => "random",
        }
    }
}

/// One figure of the scoreboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The percentage (accuracy, word accuracy or F1).
    pub value: f64,
    /// The card it was read from.
    pub card: &'static str,
    /// Held-out examples behind it, when the card says.
    pub examples: Option<u64>,
}

/// One row: an encoder and a start.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The encoder.
    pub encoder: Encoder,
    /// Pretrained or random init.
    pub start: Start,
    /// One cell per task of [`TASKS`]; `None` is missing.
    pub cells: Vec<Option<Cell>>,
}

impl Row {
    /// The mean of the averaged tasks' figures and how many of them there are (GLUE's score is
    /// the plain mean over its tasks); `None` when the row has none.
    pub fn average(&self) -> Option<(f64, usize)> {
        let figures: Vec<f64> = TASKS.iter().zip(&self.cells).filter(|(t, _)| t.averaged).filter_map(|(_, c)| c.as_ref().map(|c| c.value)).collect();
        (!figures.is_empty()).then(|| (figures.iter().sum::<f64>() / figures.len() as f64, figures.len()))
    }
}

/// How many tasks count in an average.
pub fn averaged_tasks() -> usize {
    TASKS.iter().filter(|t| t.averaged).count()
}

/// The run of a fine-tuned model's card that started from `start` (`runs[].init`), if it has one.
pub fn run_of(card: &Value, start: Start) -> Option<&Value> {
    card.get("runs")?.as_array()?.iter().find(|r| r.get("init").and_then(Value::as_str) == Some(start.card_word()))
}

/// A run's figures on one test file, as a zero-shot table cell needs them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SetFigures<'a> {
    /// The figures (`{"em", "f1", …}`) measured on that file.
    Found(&'a Value),
    /// The run was trained on that file, so it has no test figure there.
    TrainedOn,
    /// No figure (the card does not have this file).
    Missing,
}

/// The figures of `start`'s run in a QA card on the test file named `file` (a file name, e.g.
/// `DRCD_dev.json`): from its `valid` section when `file` is the run's validation file, from its
/// `zero_shot_sets` (a model judged unchanged on another language) otherwise; `TrainedOn` when
/// `file` is one of the run's training files.
pub fn set_figures<'a>(card: &'a Value, start: Start, file: &str) -> SetFigures<'a> {
    let name = |v: &Value| v.as_str().map(|p| p.rsplit(['/', '\\']).next().unwrap_or(p).to_string());
    let Some(run) = run_of(card, start) else { return SetFigures::Missing };
    let config = card.get("run_config");
    if config.and_then(|c| c.get("valid")).and_then(name).as_deref() == Some(file) {
        return run.get("valid").map_or(SetFigures::Missing, SetFigures::Found);
    }
    if config.and_then(|c| c.get("train")).and_then(Value::as_array).is_some_and(|t| t.iter().any(|p| name(p).as_deref() == Some(file))) {
        return SetFigures::TrainedOn;
    }
    let mut sets = run.get("zero_shot_sets").and_then(Value::as_array).into_iter().flatten().chain(run.get("zero_shot"));
    sets.find(|s| s.get("file").and_then(Value::as_str) == Some(file)).map_or(SetFigures::Missing, SetFigures::Found)
}

/// The figure of `task` for `start` in `card` (a fine-tuned model's card), if it has one.
pub fn figure(card: &Value, task: &Task, start: Start) -> Option<(f64, Option<u64>)> {
    let run = run_of(card, start)?;
    let (pointer, scale) = task.metric;
    let value = run.pointer(pointer)?.as_f64().filter(|v| v.is_finite())? * scale;
    let section = pointer.split('/').nth(1).unwrap_or("valid");
    let examples = run.get(section).and_then(|s| s.get("examples").or_else(|| s.get("questions"))).and_then(Value::as_u64);
    Some((value, examples))
}

/// The scoreboard from the cards found (`card(id)` gives a card's JSON, `None` when the build has
/// no such model): two rows per encoder, pretrained then random init.
pub fn scoreboard(card: impl Fn(&str) -> Option<Value>) -> Vec<Row> {
    let mut rows = Vec::new();
    for encoder in ENCODERS {
        let cards: Vec<Option<(&'static str, Value)>> = encoder.cards.iter().map(|id| id.and_then(|id| card(id).map(|c| (id, c)))).collect();
        for start in [Start::Pretrained, Start::Random] {
            let cells = TASKS
                .iter()
                .zip(&cards)
                .map(|(task, c)| {
                    let (id, c) = c.as_ref()?;
                    figure(c, task, start).map(|(value, examples)| Cell { value, card: id, examples })
                })
                .collect();
            rows.push(Row { encoder, start, cells });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card(pre: f64, random: f64) -> Value {
        json!({ "runs": [
            { "init": "pretrained", "valid": { "accuracy": pre, "examples": 100 } },
            { "init": "random", "valid": { "accuracy": random, "examples": 100 } },
        ] })
    }

    #[test]
    fn cells_come_from_the_cards_and_missing_ones_stay_missing() {
        let rows = scoreboard(|id| match id {
            "sentiment-zh" => Some(card(0.8, 0.7)),
            "qnli-zh" => Some(card(0.6, 0.5)),
            _ => None,
        });
        assert_eq!(rows.len(), 2 * ENCODERS.len());
        let zh = &rows[0];
        assert_eq!((zh.encoder.id, zh.start), ("bert-zh", Start::Pretrained));
        assert!((zh.cells[0].as_ref().unwrap().value - 80.0).abs() < 1e-9);
        assert_eq!(zh.cells[0].as_ref().unwrap().examples, Some(100));
        assert!(zh.cells[1].is_none() && zh.cells[3].is_none());
        // The mean of the two figures there are, not of four with zeros.
        let (mean, n) = zh.average().unwrap();
        assert!((mean - 70.0).abs() < 1e-9 && n == 2);
        assert!((rows[1].average().unwrap().0 - 60.0).abs() < 1e-9);
        assert!(rows[2].average().is_none());
    }

    #[test]
    fn a_card_without_the_figure_or_the_start_is_missing_not_zero() {
        let only_pre = json!({ "runs": [{ "init": "pretrained", "valid": { "f1": 52.1, "questions": 1701 } }] });
        let qa = &TASKS[3];
        assert_eq!(figure(&only_pre, qa, Start::Pretrained), Some((52.1, Some(1701))));
        assert_eq!(figure(&only_pre, qa, Start::Random), None);
        assert_eq!(figure(&only_pre, &TASKS[0], Start::Pretrained), None);
        assert_eq!(figure(&json!({ "runs": "bad" }), qa, Start::Pretrained), None);
        assert_eq!(figure(&json!({ "runs": [{ "init": "pretrained", "valid": { "f1": "x" } }] }), qa, Start::Pretrained), None);
    }

    #[test]
    fn the_shipped_cards_fill_the_monolingual_rows() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/models");
        let rows = scoreboard(|id| std::fs::read(root.join(id).join("v1/card.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()));
        for row in rows.iter().filter(|r| !r.encoder.id.starts_with("mbert")) {
            let avg = row.average().expect("a shipped encoder has figures");
            assert_eq!(avg.1, averaged_tasks(), "{} {:?}: every monolingual task has a card", row.encoder.id, row.start);
            assert!(row.cells.iter().flatten().all(|c| c.value > 0.0 && c.value <= 100.0));
        }
        // bert-en pretrained beats its random-init twin on average (the lecture's claim, as shipped).
        let en: Vec<f64> = rows.iter().filter(|r| r.encoder.id == "bert-en").map(|r| r.average().unwrap().0).collect();
        assert!(en[0] > en[1] + 10.0, "{en:?}");
    }

    #[test]
    fn set_figures_come_from_valid_zero_shot_sets_or_say_trained_on() {
        let zh = json!({
            "run_config": {"valid": "../shared/data/qa/drcd/DRCD_dev.json", "train": ["../shared/data/qa/drcd/DRCD_test.json", "../shared/data/qa/cmrc2018/cmrc2018_trial.json"]},
            "runs": [{"init": "pretrained", "valid": {"f1": 40.0}}]
        });
        assert_eq!(set_figures(&zh, Start::Pretrained, "DRCD_dev.json"), SetFigures::Found(&json!({"f1": 40.0})));
        assert_eq!(set_figures(&zh, Start::Pretrained, "cmrc2018_trial.json"), SetFigures::TrainedOn);
        assert_eq!(set_figures(&zh, Start::Random, "DRCD_dev.json"), SetFigures::Missing);
        let en = json!({
            "run_config": {"valid": "../shared/data/qa/squad/squad-v1.1-dev-40articles.json", "train": []},
            "runs": [{"init": "random", "valid": {"f1": 9.0}, "zero_shot": {"file": "DRCD_dev.json", "f1": 3.0},
                      "zero_shot_sets": [{"file": "DRCD_dev.json", "f1": 3.0}, {"file": "cmrc2018_trial.json", "f1": 5.0}]}]
        });
        assert_eq!(set_figures(&en, Start::Random, "cmrc2018_trial.json"), SetFigures::Found(&json!({"file": "cmrc2018_trial.json", "f1": 5.0})));
        assert_eq!(set_figures(&en, Start::Random, "DRCD_dev.json"), SetFigures::Found(&json!({"file": "DRCD_dev.json", "f1": 3.0})));
        assert_eq!(set_figures(&en, Start::Random, "other.json"), SetFigures::Missing);
        let older = json!({"runs": [{"init": "pretrained", "zero_shot": {"file": "DRCD_dev.json", "f1": 2.0}}]});
        assert_eq!(set_figures(&older, Start::Pretrained, "DRCD_dev.json"), SetFigures::Found(&json!({"file": "DRCD_dev.json", "f1": 2.0})));
    }
}
