//! Named tensors from a safetensors file, turned into burn tensors on any device.
//!
//! Stored dtypes F32, F16 and BF16 are read (integer buffers such as `position_ids` are skipped); everything is computed in f32 (WebGPU adapters
//! without `shader-f16`, such as the CPU adapter in headless Chromium, need that).

use std::collections::HashMap;

use burn::tensor::{Device, Tensor, TensorData};
use safetensors::{Dtype, SafeTensors};

/// Why weights could not be turned into a model. Every variant reads as a sentence for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightError {
    /// The bytes are not a safetensors file.
    Format(String),
    /// A tensor the model needs is absent.
    Missing(String),
    /// A tensor has the wrong shape.
    Shape { name: String, expected: Vec<usize>, found: Vec<usize> },
    /// A tensor is stored in a dtype this loader does not read.
    Dtype { name: String, dtype: String },
    /// The model config is inconsistent.
    Config(String),
}

impl std::fmt::Display for WeightError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WeightError::Format(e) => write!(f, "the weights file is not valid safetensors ({e})"),
            WeightError::Missing(n) => write!(f, "the weights file has no tensor named {n}"),
            WeightError::Shape { name, expected, found } => {
                write!(f, "tensor {name} has shape {found:?}, the model expects {expected:?}")
            }
            WeightError::Dtype { name, dtype } => write!(f, "tensor {name} is stored as {dtype}, which Sesame does not read"),
            WeightError::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WeightError {}

/// One tensor decoded to f32.
#[derive(Debug, Clone)]
pub struct HostTensor {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// Row-major values.
    pub values: Vec<f32>,
}

/// All tensors of a safetensors file, decoded to f32 on the host.
#[derive(Debug, Clone, Default)]
pub struct Weights {
    tensors: HashMap<String, HostTensor>,
}

impl Weights {
    /// Parses a safetensors file held in memory.
    pub fn from_safetensors(bytes: &[u8]) -> Result<Self, WeightError> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| WeightError::Format(e.to_string()))?;
        let mut tensors = HashMap::new();
        for (name, view) in st.tensors() {
            let data = view.data();
            let values: Vec<f32> = match view.dtype() {
                Dtype::F32 => data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
                Dtype::F16 => data.chunks_exact(2).map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
                Dtype::BF16 => data.chunks_exact(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
                // Integer buffers (HF's `embeddings.position_ids`) are not parameters.
                Dtype::I64 | Dtype::I32 => continue,
                other => return Err(WeightError::Dtype { name, dtype: format!("{other:?}") }),
            };
            tensors.insert(name, HostTensor { shape: view.shape().to_vec(), values });
        }
        Ok(Self { tensors })
    }

    /// The shape of tensor `name`, if it exists.
    pub fn shape(&self, name: &str) -> Option<&[usize]> {
        self.tensors.get(name).map(|t| &t.shape[..])
    }

    /// Whether a tensor of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    /// Names of all tensors, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tensors.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The host copy of a tensor, checked against the expected shape.
    pub fn host(&self, name: &str, shape: &[usize]) -> Result<&HostTensor, WeightError> {
        let t = self.tensors.get(name).ok_or_else(|| WeightError::Missing(name.to_string()))?;
        if t.shape != shape {
            return Err(WeightError::Shape { name: name.to_string(), expected: shape.to_vec(), found: t.shape.clone() });
        }
        Ok(t)
    }

    /// Moves a tensor out of the map (checked against `shape`), so its host buffer is not
    /// kept twice while a model is built (a browser tab's memory is precious).
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, WeightError> {
        self.host(name, shape)?;
        Ok(self.tensors.remove(name).map(|t| t.values).unwrap_or_default())
    }

    /// Moves out a rank-1 tensor of length `n`, onto `device`.
    pub fn tensor1(&mut self, name: &str, n: usize, device: &Device) -> Result<Tensor<1>, WeightError> {
        Ok(Tensor::from_data(TensorData::new(self.take(name, &[n])?, [n]), device))
    }

    /// Lays `delta` over `self` (a delta's tensor replaces the base's of the same name). Names
    /// without the `bert.` / `cls.` prefix in the base (an HF `BertModel` file) are prefixed
    /// with `bert.` first, so a `BertModel` base and a `BertForPreTraining` delta line up.
    pub fn overlay(mut self, delta: Weights) -> Weights {
        let base = std::mem::take(&mut self.tensors);
        for (name, t) in base {
            let name = if name.starts_with("bert.") || name.starts_with("cls.") { name } else { format!("bert.{name}") };
            self.tensors.insert(name, t);
        }
        self.tensors.extend(delta.tensors);
        self
    }

    /// Keeps only the tensors whose name passes `keep` (a delta of the trained parts).
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.tensors.retain(|name, _| keep(name));
    }

    /// Adds (or replaces) a tensor given by its host values (used when exporting a trained model).
    pub fn insert(&mut self, name: &str, shape: Vec<usize>, values: Vec<f32>) {
        debug_assert_eq!(shape.iter().product::<usize>(), values.len());
        self.tensors.insert(name.to_string(), HostTensor { shape, values });
    }

    /// Adds a device tensor under `name`, reading it back synchronously (native tools only:
    /// a browser must read GPU data asynchronously).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn insert_tensor<const D: usize>(&mut self, name: &str, tensor: Tensor<D>) {
        let shape = tensor.dims().to_vec();
        let values = tensor.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 data");
        self.insert(name, shape, values);
    }

    /// Moves out a rank-4 tensor (a convolution kernel) of shape `shape`, onto `device`.
    pub fn tensor4(&mut self, name: &str, shape: [usize; 4], device: &Device) -> Result<Tensor<4>, WeightError> {
        Ok(Tensor::from_data(TensorData::new(self.take(name, &shape)?, shape), device))
    }

    /// Moves out a rank-2 tensor of shape `[rows, cols]`, onto `device`.
    pub fn tensor2(&mut self, name: &str, shape: [usize; 2], device: &Device) -> Result<Tensor<2>, WeightError> {
        Ok(Tensor::from_data(TensorData::new(self.take(name, &shape)?, shape), device))
    }
}

/// Where a model's loader takes its tensors from, by HF name: a safetensors file
/// ([`Weights`]) or a GGUF file decoded tensor by tensor ([`super::gguf::GgufWeights`]).
pub trait TensorSource {
    /// Moves out the named tensor as row-major f32 values, checked against `shape`.
    fn take_f32(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, WeightError>;

    /// Moves out the named `[rows, cols]` tensor as quantized blocks if the source stores it so
    /// (a GGUF's Q4_1 or Q8_0); `None` when it does not (then [`Self::take_f32`] gives it).
    fn take_blocks(&mut self, _name: &str, _shape: [usize; 2]) -> Result<Option<super::blocks::BlockMatrix>, WeightError> {
        Ok(None)
    }
}

/// Moves out HF's `[out, in]` linear weight `name` as burn's `[in, out]`, transposed on the host
/// so that the device holds it contiguous. (A transposed *view* would be copied into a
/// contiguous matrix by the CPU backend at every forward: most of the decode time of a GPT.)
pub fn linear_weight(source: &mut impl TensorSource, name: &str, d_in: usize, d_out: usize, device: &Device) -> Result<Tensor<2>, WeightError> {
    let w = source.take_f32(name, &[d_out, d_in])?; // [out, in]
    Ok(Tensor::from_data(TensorData::new(transpose_host(&w, d_out, d_in), [d_in, d_out]), device))
}

/// Row-major `[rows, cols]` → row-major `[cols, rows]`, in 32 × 32 tiles (cache-friendly).
fn transpose_host(w: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    const TILE: usize = 32;
    let mut t = vec![0.0f32; w.len()];
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                for c in c0..(c0 + TILE).min(cols) {
                    t[c * rows + r] = w[r * cols + c];
                }
            }
        }
    }
    t
}

impl TensorSource for Weights {
    fn take_f32(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, WeightError> {
        self.take(name, shape)
    }
}

/// Writes tensors as an f32 safetensors file (training checkpoints; names sorted).
pub fn to_f32_safetensors(weights: &Weights) -> Result<Vec<u8>, WeightError> {
    serialize(weights, Dtype::F32, |v| v.to_le_bytes().to_vec())
}

/// Writes tensors as an f16 safetensors file (names sorted, so the bytes are reproducible).
pub fn to_f16_safetensors(weights: &Weights) -> Result<Vec<u8>, WeightError> {
    serialize(weights, Dtype::F16, |v| half::f16::from_f32(v).to_le_bytes().to_vec())
}

fn serialize(weights: &Weights, dtype: Dtype, encode: impl Fn(f32) -> Vec<u8>) -> Result<Vec<u8>, WeightError> {
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = weights
        .names()
        .into_iter()
        .map(|name| {
            let t = &weights.tensors[name];
            let bytes = t.values.iter().flat_map(|v| encode(*v)).collect();
            (name.to_string(), t.shape.clone(), bytes)
        })
        .collect();
    buffers.sort_by(|a, b| a.0.cmp(&b.0));
    let views: Vec<(String, safetensors::tensor::TensorView<'_>)> = buffers
        .iter()
        .map(|(n, s, b)| {
            let view = safetensors::tensor::TensorView::new(dtype, s.clone(), b).map_err(|e| WeightError::Format(e.to_string()))?;
            Ok((n.clone(), view))
        })
        .collect::<Result<_, WeightError>>()?;
    safetensors::serialize(views, None).map_err(|e| WeightError::Format(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Weights {
        let mut tensors = HashMap::new();
        tensors.insert("a".into(), HostTensor { shape: vec![2, 2], values: vec![1.0, -2.5, 0.333, 65504.0] });
        tensors.insert("b".into(), HostTensor { shape: vec![3], values: vec![0.0, 1e-3, -7.0] });
        Weights { tensors }
    }

    #[test]
    fn f16_round_trip_keeps_names_shapes_and_values() {
        let bytes = to_f16_safetensors(&tiny()).unwrap();
        let back = Weights::from_safetensors(&bytes).unwrap();
        assert_eq!(back.names(), vec!["a", "b"]);
        let a = back.host("a", &[2, 2]).unwrap();
        assert_eq!(a.values[0], 1.0);
        assert!((a.values[2] - 0.333).abs() < 1e-3);
        assert_eq!(a.values[3], 65504.0);
        // The same input gives the same bytes: shipped files are reproducible.
        assert_eq!(bytes, to_f16_safetensors(&tiny()).unwrap());
    }

    #[test]
    fn errors_name_the_problem() {
        let w = tiny();
        assert_eq!(w.host("zzz", &[1]).unwrap_err(), WeightError::Missing("zzz".into()));
        assert!(matches!(w.host("b", &[4]), Err(WeightError::Shape { .. })));
        let mut w = w;
        let device = Device::flex();
        assert!(matches!(w.tensor1("b", 4, &device), Err(WeightError::Shape { .. })), "a wrong shape is not taken");
        assert_eq!(w.tensor1("b", 3, &device).unwrap().dims(), [3]);
        assert!(!w.contains("b"), "taken tensors leave the map");
        let err = Weights::from_safetensors(b"not a safetensors file").unwrap_err();
        assert!(err.to_string().contains("not valid safetensors"), "{err}");
    }
}
