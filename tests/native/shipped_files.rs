//! The models Sesame trains itself live in git, so a fresh clone must have every byte of them:
//! each file the manifest lists for such a model is present, matches the manifest's sha256, and is
//! not ignored by `.gitignore` (a new model family once shipped with its weights ignored, so only
//! the machine that trained it had them).

use sesame::assets::{sha256_hex, Manifest};

/// Whether `.gitignore` keeps `path` out of git: `Some(true)` ignored, `Some(false)` kept, `None`
/// when this is not a git work tree (a source tarball) or git is missing.
fn ignored_by_git(path: &str) -> Option<bool> {
    let status = std::process::Command::new("git").args(["check-ignore", "-q", path]).status().ok()?;
    match status.code()? {
        0 => Some(true),
        1 => Some(false),
        _ => None,
    }
}

#[test]
fn every_model_sesame_trains_is_committed_whole() {
    let manifest: Manifest = serde_json::from_slice(&std::fs::read("assets/models/manifest.json").unwrap()).unwrap();
    let ours: Vec<_> = manifest.models.iter().filter(|m| m.source.starts_with("pretrained by Sesame")).collect();
    assert!(ours.len() >= 10, "the manifest lists {} models trained by Sesame", ours.len());
    let mut checked = 0;
    for m in ours {
        for f in &m.files {
            let path = format!("assets/models/{}/{}/{}", m.id, m.version, f.name);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}; a model Sesame trains ships in git"));
            assert_eq!(sha256_hex(&bytes), f.sha256, "{path} differs from the manifest");
            assert_ne!(ignored_by_git(&path), Some(true), "{path} is ignored by .gitignore, so a fresh clone lacks it");
            checked += 1;
        }
    }
    println!("{checked} files of the models Sesame trains: present, as the manifest says, not ignored by git");
}
