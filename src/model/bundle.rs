//! A model as Sesame ships it: `config.json`, `tokenizer.json`, a safetensors file and, for a
//! model shipped as a delta, the base safetensors it lays over (named by the config's
//! `sesame_base_weights`). One parser for every BERT-family model and Sesame's own GPTs, in the
//! browser (files from the Cache API) and natively (files from `assets/models/`).

use serde::de::DeserializeOwned;

use super::Weights;

/// The files of one model, as bytes.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    /// `config.json`.
    pub config: Vec<u8>,
    /// `tokenizer.json`.
    pub tokenizer: Vec<u8>,
    /// The model's safetensors (the whole model, or a delta).
    pub weights: Vec<u8>,
    /// The base safetensors a delta lays over, nearest first: a base may itself be a delta (a
    /// fine-tuned model's top blocks over `bert-en`, which lies over MiniLM). Empty for a model
    /// shipped whole.
    pub bases: Vec<Vec<u8>>,
}

/// Longest chain of bases followed (a loop in the configs would otherwise never end).
pub const MAX_BASES: usize = 4;

impl Bundle {
    /// The base weights a delta model lays over: `config.json`'s `sesame_base_weights`, a path
    /// relative to `assets/models/` (e.g. `minilm-l6-v2/v1/model.f16.safetensors`). `None` for a
    /// model shipped whole (or an unreadable config).
    pub fn base_path(config_json: &[u8]) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(config_json).ok()?;
        v.get("sesame_base_weights")?.as_str().map(String::from)
    }

    /// The config as `C` (a model's own config type).
    pub fn config<C: DeserializeOwned>(&self) -> Result<C, String> {
        serde_json::from_slice(&self.config).map_err(|e| format!("could not read config.json: {e}"))
    }

    /// The config as plain JSON (for Sesame's extra fields, e.g. `sesame_qa_settings`).
    pub fn config_json(&self) -> Result<serde_json::Value, String> {
        self.config()
    }

    /// The weights, laid over the bases for a delta (deepest base first, each nearer one over
    /// it, the model's own tensors last); a delta without its base is an error.
    pub fn weights(&self) -> Result<Weights, String> {
        let weights = Weights::from_safetensors(&self.weights).map_err(|e| e.to_string())?;
        if let (true, Some(path)) = (self.bases.is_empty(), Self::base_path(&self.config)) {
            return Err(format!("this model is a delta over base weights ({path}), which were not given"));
        }
        let mut all: Option<Weights> = None;
        for base in self.bases.iter().rev() {
            let w = Weights::from_safetensors(base).map_err(|e| format!("base weights: {e}"))?;
            all = Some(match all {
                Some(deeper) => deeper.overlay(w),
                None => w,
            });
        }
        Ok(match all {
            Some(bases) => bases.overlay(weights),
            None => weights,
        })
    }

    /// Reads a model folder natively: `dir/config.json`, `dir/tokenizer.json`, `dir/{weights}`
    /// and, for a delta, its base under `models_root` (the folder holding `assets/models/`' ids).
    /// A file missing from a folder whose `card.json` says `"weights_shipped": false` (a model
    /// shipped as its card only) is named as such.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read(dir: &std::path::Path, weights: &str, models_root: &std::path::Path) -> Result<Self, String> {
        let read = |p: std::path::PathBuf| {
            std::fs::read(&p).map_err(|e| match p.parent().filter(|d| card_only(d)) {
                Some(d) => format!(
                    "{} ships its card only (weights_shipped: false in its card.json): its weights are not in the repository; \
                     the card's command trains them again (exported without --card-only)",
                    d.display()
                ),
                None => format!("{}: {e}", p.display()),
            })
        };
        let config = read(dir.join("config.json"))?;
        let mut bases = Vec::new();
        let mut next = Self::base_path(&config);
        while let Some(path) = next {
            if bases.len() == MAX_BASES {
                return Err(format!("more than {MAX_BASES} base models under {}", dir.display()));
            }
            let file = models_root.join(&path);
            bases.push(read(file.clone())?);
            // The base's own config (beside it) may name a deeper base.
            next = file.parent().and_then(|d| std::fs::read(d.join("config.json")).ok()).and_then(|c| Self::base_path(&c));
        }
        Ok(Self { tokenizer: read(dir.join("tokenizer.json"))?, weights: read(dir.join(weights))?, config, bases })
    }
}

/// Whether `dir/card.json` marks a model shipped as its card only (`"weights_shipped": false`).
#[cfg(not(target_arch = "wasm32"))]
fn card_only(dir: &std::path::Path) -> bool {
    std::fs::read(dir.join("card.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|card| card["weights_shipped"] == serde_json::Value::Bool(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_only_model_is_named_as_such_and_a_missing_folder_by_its_file() {
        let root = std::env::temp_dir().join(format!("sesame-bundle-{}", std::process::id()));
        let dir = root.join("m/v1");
        std::fs::create_dir_all(&dir).unwrap();
        let missing = Bundle::read(&dir, "model.safetensors", &root).unwrap_err();
        assert!(missing.contains("config.json") && !missing.contains("card only"), "{missing}");
        std::fs::write(dir.join("card.json"), br#"{"weights_shipped": false}"#).unwrap();
        let card_only = Bundle::read(&dir, "model.safetensors", &root).unwrap_err();
        assert!(card_only.contains("ships its card only"), "{card_only}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_delta_needs_its_base_and_a_whole_model_does_not() {
        let whole = Bundle { config: br#"{"hidden_size": 4}"#.to_vec(), ..Default::default() };
        assert_eq!(Bundle::base_path(&whole.config), None);
        let delta = Bundle { config: br#"{"sesame_base_weights": "minilm-l6-v2/v1/model.f16.safetensors"}"#.to_vec(), ..Default::default() };
        assert_eq!(Bundle::base_path(&delta.config).as_deref(), Some("minilm-l6-v2/v1/model.f16.safetensors"));
        // Empty safetensors bytes fail to parse either way; the delta names its missing base.
        assert!(Bundle { weights: safetensors_empty(), ..delta.clone() }.weights().unwrap_err().contains("which were not given"));
        assert!(Bundle { weights: safetensors_empty(), ..whole }.weights().is_ok());
        assert!(Bundle::base_path(b"not json").is_none());
    }

    #[test]
    fn a_chain_of_deltas_lays_each_over_the_deeper_one() {
        let file = |pairs: &[(&str, f32)]| {
            let mut w = Weights::default();
            for (name, v) in pairs {
                w.insert(name, vec![1], vec![*v]);
            }
            crate::model::weights::to_f32_safetensors(&w).unwrap()
        };
        let b = Bundle {
            config: br#"{"sesame_base_weights": "bert-en/v1/model.safetensors"}"#.to_vec(),
            weights: file(&[("bert.top", 3.0)]),
            // The deepest base has HF BertModel names (no `bert.` prefix), as MiniLM's file does.
            bases: vec![file(&[("bert.middle", 2.0), ("bert.top", 2.0)]), file(&[("bottom", 1.0), ("middle", 1.0), ("top", 1.0)])],
            ..Default::default()
        };
        let w = b.weights().unwrap();
        let v = |n: &str| w.host(n, &[1]).unwrap().values[0];
        assert_eq!((v("bert.bottom"), v("bert.middle"), v("bert.top")), (1.0, 2.0, 3.0));
    }

    /// A valid safetensors file with no tensors.
    fn safetensors_empty() -> Vec<u8> {
        let header = b"{}";
        let mut v = (header.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(header);
        v
    }
}
