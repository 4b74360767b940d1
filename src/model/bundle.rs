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
    /// The base safetensors a delta lays over (`None` for a model shipped whole).
    pub base: Option<Vec<u8>>,
}

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

    /// The weights, laid over the base for a delta; a delta without its base is an error.
    pub fn weights(&self) -> Result<Weights, String> {
        let weights = Weights::from_safetensors(&self.weights).map_err(|e| e.to_string())?;
        match (&self.base, Self::base_path(&self.config)) {
            (Some(base), _) => Ok(Weights::from_safetensors(base).map_err(|e| format!("base weights: {e}"))?.overlay(weights)),
            (None, Some(path)) => Err(format!("this model is a delta over base weights ({path}), which were not given")),
            (None, None) => Ok(weights),
        }
    }

    /// Reads a model folder natively: `dir/config.json`, `dir/tokenizer.json`, `dir/{weights}`
    /// and, for a delta, its base under `models_root` (the folder holding `assets/models/`' ids).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read(dir: &std::path::Path, weights: &str, models_root: &std::path::Path) -> Result<Self, String> {
        let read = |p: std::path::PathBuf| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
        let config = read(dir.join("config.json"))?;
        let base = match Self::base_path(&config) {
            Some(path) => Some(read(models_root.join(path))?),
            None => None,
        };
        Ok(Self { tokenizer: read(dir.join("tokenizer.json"))?, weights: read(dir.join(weights))?, config, base })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A valid safetensors file with no tensors.
    fn safetensors_empty() -> Vec<u8> {
        let header = b"{}";
        let mut v = (header.len() as u64).to_le_bytes().to_vec();
        v.extend_from_slice(header);
        v
    }
}
