//! The lecture's chart of in-context accuracy against model size: per language, the mean
//! accuracy of each GPT over its suite ([`super::icl`]) for zero-, one- and few-shot prompts,
//! against its parameter count. Measured natively by `sesame-train icl-sizes`, which writes
//! `assets/icl/accuracy-by-size.json`; the in-context-learning page draws it from that file
//! (compiled into the app, so it works offline).

use serde::{Deserialize, Serialize};

/// The measured table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizeTable {
    /// Numbers of examples in the prompt, one column each.
    pub shots: Vec<usize>,
    /// Held-out queries per (task, shots) cell.
    pub queries: usize,
    /// How the table was made (the command that re-makes it).
    pub command: String,
    /// One row per (model, suite) measured.
    pub rows: Vec<SizeRow>,
}

/// One model on one suite.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizeRow {
    /// The model's manifest id.
    pub model: String,
    /// Its display name.
    pub name: String,
    /// Its parameter count.
    pub parameters: u64,
    /// The suite's language: `en` or `zh`.
    pub suite: String,
    /// Mean accuracy in percent over the suite's tasks, per entry of [`SizeTable::shots`];
    /// `None` where the prompts do not fit the model's window.
    pub mean: Vec<Option<f64>>,
    /// Per task: its id and accuracy per shot count.
    pub tasks: Vec<(String, Vec<Option<f64>>)>,
    /// Seconds the row took.
    pub seconds: f64,
}

/// The shipped table's text.
pub const SHIPPED: &str = include_str!("../../assets/icl/accuracy-by-size.json");

/// The shipped table.
pub fn shipped() -> Result<SizeTable, String> {
    serde_json::from_str(SHIPPED).map_err(|e| format!("assets/icl/accuracy-by-size.json: {e}"))
}

impl SizeTable {
    /// The rows of one suite, smallest model first.
    pub fn suite(&self, language: &str) -> Vec<&SizeRow> {
        let mut rows: Vec<&SizeRow> = self.rows.iter().filter(|r| r.suite == language).collect();
        rows.sort_by_key(|r| r.parameters);
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_has_every_model_and_both_suites() {
        let table = shipped().unwrap();
        assert_eq!(table.shots, super::super::icl::SHOTS.to_vec());
        let zh: Vec<&str> = table.suite("zh").iter().map(|r| r.model.as_str()).collect();
        assert_eq!(zh, ["gpt-zh", "smollm2-135m-instruct", "gemma3-270m"], "smallest first");
        let en: Vec<&str> = table.suite("en").iter().map(|r| r.model.as_str()).collect();
        assert_eq!(en, ["smollm2-135m-instruct", "gemma3-270m"]);
        for row in &table.rows {
            assert_eq!(row.mean.len(), table.shots.len());
            assert!(row.mean.iter().flatten().all(|a| (0.0..=100.0).contains(a)), "{}: {:?}", row.model, row.mean);
            assert!(!row.tasks.is_empty() && row.parameters > 1_000_000);
        }
    }
}
