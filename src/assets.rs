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
    /// A model by id.
    pub fn model(&self, id: &str) -> Option<&ModelEntry> {
        self.models.iter().find(|m| m.id == id)
    }
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
}
