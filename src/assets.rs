//! The manifest of shipped model files (`assets/models/manifest.json`): versioned paths,
//! sizes and sha256 digests that every download is checked against.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// All shipped models.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Manifest {
    /// One entry per model.
    pub models: Vec<ModelEntry>,
}

/// One model: its files live under `assets/models/{id}/{version}/`, never rewritten in place
/// (a new file means a new version, so cached copies can be trusted forever).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct ModelEntry {
    /// Short id used in paths, e.g. `minilm-l6-v2`.
    pub id: String,
    /// Version directory, e.g. `v1`.
    pub version: String,
    /// Human name.
    pub name: String,
    /// Licence of the weights.
    pub license: String,
    /// Where the bytes come from and how they were converted.
    pub source: String,
    /// The files.
    pub files: Vec<FileEntry>,
    /// An older version kept only because shipped fine-tuned models lay over it (their
    /// `config.json` names `id/version/file` as `sesame_base_weights`): fetched as such a base,
    /// never offered as the model itself ([`Manifest::model`] skips it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub base_only: bool,
}

/// One file of a model.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct FileEntry {
    /// File name inside the version directory.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex sha256 of the content.
    pub sha256: String,
}

impl ModelEntry {
    /// URL path of a file, relative to the app root.
    pub fn path(&self, file: &str) -> String {
        format!("assets/models/{}/{}/{}", self.id, self.version, file)
    }

    /// The entry of a file by name.
    pub fn file(&self, name: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Total bytes of all files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

impl Manifest {
    /// A model by id: its current version (an entry kept only as a base is not one).
    pub fn model(&self, id: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.id == id && !m.base_only)
    }

    /// The name model `id`'s current entry gives it, or the id itself when the manifest does not
    /// list it yet (a model shipped for the first time keeps the id until it is named).
    pub fn listed_name(&self, id: &str) -> String {
        self.model(id).map(|e| e.name.clone()).unwrap_or_else(|| id.to_string())
    }

    /// The entry of model `id` at exactly `version`: the current one or one kept as a base.
    pub fn model_version(&self, id: &str, version: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.id == id && m.version == version)
    }

    /// The entry and file name a delta's base path names (`sesame_base_weights`:
    /// `id/version/file`): that version exactly, so a fine-tuned model keeps the base it was
    /// trained on after the base ships a newer version.
    pub fn base(&self, path: &str) -> Result<(&ModelEntry, String), String> {
        let (id, version, file) = split_base_path(path).ok_or_else(|| format!("malformed base path {path:?} (expected id/version/file)"))?;
        let entry = self.model_version(id, version).ok_or_else(|| format!("the base {id} {version} is not in this build (assets/models/manifest.json does not list it)"))?;
        entry.file(file).ok_or_else(|| format!("the base {id} {version} has no {file}"))?;
        Ok((entry, file.to_string()))
    }

    /// Model `id`'s current entry, or the message a page shows when this build lacks it.
    pub fn require(&self, id: &str) -> Result<&ModelEntry, String> {
        self.model(id).ok_or_else(|| format!("the model {id} is not in this build yet (assets/models/manifest.json does not list it)"))
    }

    /// Whether NSP/SOP heads `heads_id`, trained on the encoder version `base`
    /// (`sesame_pair_heads_base`, `id/version`), can run on this build: heads read their encoder's
    /// output, so trained on one version they mean nothing on another.
    pub fn check_pair_heads_base(&self, heads_id: &str, base: &str) -> Result<(), String> {
        let current = base.split('/').next().and_then(|id| self.model(id)).map(|m| format!("{}/{}", m.id, m.version));
        if current.as_deref() == Some(base) {
            return Ok(());
        }
        Err(format!("{heads_id} was trained on {base} but this build ships {} (retrain them: sesame-train pair-heads)", current.unwrap_or_else(|| "no such model".into())))
    }
}

/// The parts of a delta's base path (`sesame_base_weights`): model id, version and file name.
pub fn split_base_path(path: &str) -> Option<(&str, &str, &str)> {
    let mut parts = path.splitn(3, '/');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Checks downloaded bytes against their manifest entry.
pub fn verify(entry: &FileEntry, bytes: &[u8]) -> Result<(), String> {
    if bytes.len() as u64 != entry.bytes {
        return Err(format!("{} has {} bytes, expected {} (incomplete or wrong file)", entry.name, bytes.len(), entry.bytes));
    }
    let got = sha256_hex(bytes);
    if got != entry.sha256 {
        return Err(format!("{} is corrupt: sha256 {got} ≠ {}", entry.name, entry.sha256));
    }
    Ok(())
}

/// What kind of thing a manifest id names, so that one loader serves every model (the browser's
/// model registry picks the loader by it; native tools and tests read the ids from here too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A plain BERT encoder (all-MiniLM-L6-v2): hidden states only.
    Encoder,
    /// One of Sesame's pretrained BERTs with masked-LM and sentence-pair heads.
    Bert,
    /// A BERT fine-tuned for extractive question answering.
    Qa,
    /// A BERT fine-tuned to classify a sentence or a pair (the lecture's cases 1 and 3).
    Classifier,
    /// A BERT fine-tuned to classify every token (the lecture's case 2, part-of-speech tagging).
    Tagger,
    /// A decoder-only GPT (GGUF or Sesame's safetensors).
    Gpt,
    /// Sentence-pair heads (NSP and SOP) trained on a frozen pretrained BERT; they run on that
    /// BERT's output, so a page loads both.
    PairHeads,
    /// Image auto-encoders (and the VQ-VAE): a family of models, one file each (`id/file` in the registry).
    Autoencoder,
    /// The demo image subsets (`demo-images/name` in the registry), host memory only.
    ImageSet,
    /// Vision Transformers pretrained without labels, one file each (`vit/file` in the registry).
    Vision,
    /// A fine-tuned model shipped as its card only (the figures the scoreboard and the
    /// multilingual page read; the weights are reproduced by the card's command): nothing loads.
    Card,
}

/// Manifest id of all-MiniLM-L6-v2.
pub const MINILM: &str = "minilm-l6-v2";
/// Manifest id of Sesame's Chinese BERT.
pub const BERT_ZH: &str = "bert-zh";
/// Manifest id of Sesame's English BERT.
pub const BERT_EN: &str = "bert-en";
/// Manifest id of Sesame's two-language BERT (Chinese + English, one vocabulary).
pub const MBERT: &str = "mbert";
/// Manifest id of the Chinese QA model.
pub const QA_ZH: &str = "qa-zh";
/// Manifest id of the English QA model.
pub const QA_EN: &str = "qa-en";
/// Manifest id of the Chinese sentiment classifier (bert-zh fine-tuned).
pub const SENTIMENT_ZH: &str = "sentiment-zh";
/// Manifest id of the English sentiment classifier (bert-en fine-tuned on movie-review snippets).
pub const SENTIMENT_EN: &str = "sentiment-en";
/// Manifest id of the Chinese QNLI classifier (bert-zh fine-tuned on question / sentence pairs).
pub const QNLI_ZH: &str = "qnli-zh";
/// Manifest id of the English QNLI classifier (bert-en fine-tuned on question / sentence pairs from SQuAD).
pub const QNLI_EN: &str = "qnli-en";
/// Manifest id of the Chinese part-of-speech tagger (bert-zh fine-tuned on People's Daily).
pub const POS_ZH: &str = "pos-zh";
/// Manifest id of the English part-of-speech tagger (bert-en fine-tuned on the Brown corpus).
pub const POS_EN: &str = "pos-en";
/// Manifest id of the NSP and SOP heads on bert-zh.
pub const PAIR_HEADS_ZH: &str = "pair-heads-zh";
/// Manifest id of the NSP and SOP heads on bert-en.
pub const PAIR_HEADS_EN: &str = "pair-heads-en";
/// Manifest id of SmolLM2-135M-Instruct.
pub const SMOLLM2: &str = "smollm2-135m-instruct";
/// Manifest id of Gemma 3 270M (Google's multilingual base model, under the Gemma Terms of Use).
pub const GEMMA3: &str = "gemma3-270m";
/// Manifest id of Sesame's character-level Chinese GPT.
pub const GPT_ZH: &str = "gpt-zh";
/// The GPTs a page offers (the GPT and in-context-learning pages' `m=`), SmolLM2 the default.
pub const GPTS: [&str; 3] = [SMOLLM2, GEMMA3, GPT_ZH];
/// Manifest id of the MNIST auto-encoders (bottleneck 2, 8, 32).
pub const AE_MNIST: &str = "ae-mnist";
/// Manifest id of the Fashion-MNIST auto-encoders (bottleneck 2, 8, 32).
pub const AE_FASHION: &str = "ae-fashion";
/// Manifest id of the denoising auto-encoder.
pub const AE_DENOISE: &str = "ae-denoise";
/// Manifest id of the VQ-VAE.
pub const VQVAE_MNIST: &str = "vqvae-mnist";
/// Manifest id of the ten one-class auto-encoders (anomaly detection).
pub const AE_ONECLASS: &str = "ae-oneclass";
/// Manifest id of the demo image subsets.
pub const DEMO_IMAGES: &str = "demo-images";
/// Manifest id of the Vision Transformers (masked-patch and contrastive, MNIST and Fashion-MNIST).
pub const VIT: &str = "vit";

/// mbert fine-tuned on Chinese sentiment (card only).
pub const MBERT_SENTIMENT_ZH: &str = "mbert-sentiment-zh";
/// mbert fine-tuned on English sentiment, judged zero-shot on Chinese (card only).
pub const MBERT_SENTIMENT_EN: &str = "mbert-sentiment-en";
/// mbert fine-tuned on Chinese QA (card only).
pub const MBERT_QA_ZH: &str = "mbert-qa-zh";
/// mbert fine-tuned on English QA, judged zero-shot on Chinese (card only).
pub const MBERT_QA_EN: &str = "mbert-qa-en";
/// The small-data twin of mbert (the same recipe on a quarter of the text; card only: the page
/// shows its figures beside mbert's, no page runs it).
pub const MBERT_SMALL: &str = "mbert-small";
/// The small-data mbert fine-tuned on English sentiment, judged zero-shot on Chinese (card only).
pub const MBERT_SMALL_SENTIMENT_EN: &str = "mbert-small-sentiment-en";
/// The small-data mbert fine-tuned on English QA, judged zero-shot on Chinese (card only).
pub const MBERT_SMALL_QA_EN: &str = "mbert-small-qa-en";

/// The pair heads that sit on a pretrained BERT (`bert-zh` → `pair-heads-zh`).
pub fn pair_heads_of(bert: &str) -> Option<&'static str> {
    match bert {
        BERT_ZH => Some(PAIR_HEADS_ZH),
        BERT_EN => Some(PAIR_HEADS_EN),
        _ => None,
    }
}

/// Every id the app knows, with its family. An id not listed here is an error everywhere.
pub const FAMILIES: [(&str, Family); 31] = [
    (MINILM, Family::Encoder),
    (BERT_ZH, Family::Bert),
    (BERT_EN, Family::Bert),
    (MBERT, Family::Bert),
    (QA_ZH, Family::Qa),
    (QA_EN, Family::Qa),
    (SENTIMENT_ZH, Family::Classifier),
    (SENTIMENT_EN, Family::Classifier),
    (QNLI_ZH, Family::Classifier),
    (QNLI_EN, Family::Classifier),
    (POS_ZH, Family::Tagger),
    (POS_EN, Family::Tagger),
    (PAIR_HEADS_ZH, Family::PairHeads),
    (PAIR_HEADS_EN, Family::PairHeads),
    (SMOLLM2, Family::Gpt),
    (GEMMA3, Family::Gpt),
    (GPT_ZH, Family::Gpt),
    (AE_MNIST, Family::Autoencoder),
    (AE_FASHION, Family::Autoencoder),
    (AE_DENOISE, Family::Autoencoder),
    (VQVAE_MNIST, Family::Autoencoder),
    (AE_ONECLASS, Family::Autoencoder),
    (DEMO_IMAGES, Family::ImageSet),
    (VIT, Family::Vision),
    (MBERT_SENTIMENT_ZH, Family::Card),
    (MBERT_SENTIMENT_EN, Family::Card),
    (MBERT_QA_ZH, Family::Card),
    (MBERT_QA_EN, Family::Card),
    (MBERT_SMALL, Family::Card),
    (MBERT_SMALL_SENTIMENT_EN, Family::Card),
    (MBERT_SMALL_QA_EN, Family::Card),
];

/// The family of a registry key: a manifest id, or `id/file` for image families and sets.
/// `None` for an id the app does not know (never a fallback to another model).
pub fn family(key: &str) -> Option<Family> {
    let (id, file) = match key.split_once('/') {
        Some((id, file)) => (id, Some(file)),
        None => (key, None),
    };
    let family = FAMILIES.iter().find(|(i, _)| *i == id).map(|(_, f)| *f)?;
    // Image families and sets name a file; every other model is the whole entry.
    let needs_file = matches!(family, Family::Autoencoder | Family::ImageSet | Family::Vision);
    match (needs_file, file) {
        (true, Some(f)) if !f.is_empty() && !f.contains('/') => Some(family),
        (false, None) => Some(family),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_catches_size_and_content() {
        let e = FileEntry { name: "x".into(), bytes: 3, sha256: sha256_hex(b"abc") };
        assert!(verify(&e, b"abc").is_ok());
        assert!(verify(&e, b"abd").unwrap_err().contains("corrupt"));
        assert!(verify(&e, b"ab").unwrap_err().contains("incomplete"));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn shipped_manifest_parses_and_uses_versioned_paths() {
        let m: Manifest = serde_json::from_str(include_str!("../assets/models/manifest.json")).unwrap();
        let bert = m.model("minilm-l6-v2").expect("MiniLM entry");
        assert!(bert.file("model.f16.safetensors").is_some());
        assert_eq!(bert.path("config.json"), format!("assets/models/minilm-l6-v2/{}/config.json", bert.version));
        assert!(bert.files.iter().all(|f| f.sha256.len() == 64 && f.bytes > 0));
    }

    #[test]
    fn a_base_path_resolves_to_its_own_version_even_after_a_newer_one_ships() {
        let file = |name: &str| FileEntry { name: name.into(), bytes: 1, sha256: "0".repeat(64) };
        let entry = |version: &str, base_only: bool| ModelEntry {
            id: "bert-zh".into(),
            version: version.into(),
            name: "BERT".into(),
            license: "MIT".into(),
            source: "s".into(),
            files: vec![file("model.safetensors"), file("config.json")],
            base_only,
        };
        let m = Manifest { models: vec![entry("v2", false), entry("v1", true)] };
        assert_eq!(m.model("bert-zh").unwrap().version, "v2", "the current version is the model");
        let (base, name) = m.base("bert-zh/v1/model.safetensors").unwrap();
        assert_eq!((base.version.as_str(), name.as_str(), base.path(&name).as_str()), ("v1", "model.safetensors", "assets/models/bert-zh/v1/model.safetensors"));
        assert_eq!(m.base("bert-zh/v2/model.safetensors").unwrap().0.version, "v2");
        assert!(m.base("bert-zh/v3/model.safetensors").unwrap_err().contains("bert-zh v3 is not in this build"));
        assert!(m.base("bert-zh/v1/other.bin").unwrap_err().contains("has no other.bin"));
        assert!(m.base("bert-zh").is_err());
        // Pair heads run only on the encoder version they were trained on; a kept base is not it.
        assert!(m.check_pair_heads_base("pair-heads-zh", "bert-zh/v2").is_ok());
        assert_eq!(m.check_pair_heads_base("pair-heads-zh", "bert-zh/v1").unwrap_err(), "pair-heads-zh was trained on bert-zh/v1 but this build ships bert-zh/v2 (retrain them: sesame-train pair-heads)");
        assert!(m.check_pair_heads_base("pair-heads-en", "bert-en/v1").unwrap_err().ends_with("ships no such model (retrain them: sesame-train pair-heads)"));
        assert!(m.require("bert-en").unwrap_err().contains("not in this build"));
        assert_eq!((m.listed_name("bert-zh"), m.listed_name("bert-en")), ("BERT".to_string(), "bert-en".to_string()), "a listed model's name, else its id");
        // A base-only entry is never the model, and round-trips; a current one writes no flag.
        assert!(Manifest { models: vec![entry("v1", true)] }.model("bert-zh").is_none());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json.matches("base_only").count(), 1);
        assert_eq!(serde_json::from_str::<Manifest>(&json).unwrap(), m);
    }

    #[test]
    fn every_shipped_fine_tune_names_the_base_version_it_was_trained_on_and_every_kept_base_is_used() {
        let m: Manifest = serde_json::from_str(include_str!("../assets/models/manifest.json")).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/models");
        let mut named = Vec::new();
        // Models Sesame made are in git; the ones fetched at build time (MiniLM) lay over nothing.
        for e in m.models.iter().filter(|e| e.file("config.json").is_some()) {
            let Ok(bytes) = std::fs::read(root.join(&e.id).join(&e.version).join("config.json")) else { continue };
            let config: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            if let Some(path) = config.get("sesame_base_weights").and_then(|v| v.as_str()) {
                let (base, _) = m.base(path).unwrap_or_else(|err| panic!("{} {}: {err}", e.id, e.version));
                named.push((base.id.clone(), base.version.clone()));
            }
        }
        assert!(named.len() >= 5, "the fine-tuned models' bases were read: {named:?}");
        // NSP/SOP heads read their encoder's output: the version they were trained on is the one shipped.
        for e in m.models.iter().filter(|e| e.id.starts_with("pair-heads-")) {
            let config: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join(&e.id).join(&e.version).join("config.json")).unwrap()).unwrap();
            m.check_pair_heads_base(&e.id, config["sesame_pair_heads_base"].as_str().unwrap()).unwrap();
        }
        for e in m.models.iter().filter(|e| e.base_only) {
            assert!(named.contains(&(e.id.clone(), e.version.clone())), "{} {} is kept as a base but nothing lays over it", e.id, e.version);
        }
    }

    #[test]
    fn every_shipped_id_has_one_family_and_unknown_ids_have_none() {
        let m: Manifest = serde_json::from_str(include_str!("../assets/models/manifest.json")).unwrap();
        for e in &m.models {
            assert!(FAMILIES.iter().any(|(id, _)| *id == e.id), "{} has no family", e.id);
        }
        assert_eq!(family(BERT_ZH), Some(Family::Bert));
        assert_eq!(family("ae-mnist/bottleneck-8.safetensors"), Some(Family::Autoencoder));
        assert_eq!(family("demo-images/mnist-test"), Some(Family::ImageSet));
        assert_eq!(family("ae-mnist"), None, "an image family needs a file");
        assert_eq!(family("bert-zh/model.safetensors"), None);
        assert_eq!(family("bert-xx"), None);
        assert_eq!(family(""), None);
    }
}
