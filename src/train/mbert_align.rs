//! The alignment figure of a two-language BERT (issue 26 §2), natively: each HSK gloss pair's
//! Chinese word and English headword as vectors in their own sentences
//! ([`crate::task::alignment`]), at every layer, and the MRR of the right English word among all
//! candidates, beside the same network from random initialisation.

use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::{BertModel, BertOutput, Keep};
use crate::task::alignment::{gloss_pairs, mrr, tokens_in, word_vector, GlossPair, HskRecord};
use crate::text::TextEncoder;

/// MRR per layer (0 = the embeddings' output) of a model and its random-init twin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentReport {
    /// Chinese words tested.
    pub pairs: usize,
    /// English candidates each is ranked among.
    pub candidates: usize,
    /// The model's MRR per layer.
    pub mrr: Vec<f64>,
    /// The random-init twin's MRR per layer.
    pub random_mrr: Vec<f64>,
    /// MRR of a guess in random order (the mean of 1/rank over ranks 1..=candidates).
    pub chance: f64,
    /// The model's MRR per layer after each language's mean vector is taken away (the Chinese
    /// words' mean from the Chinese vectors, the candidates' from the English ones): the
    /// language-vector view, where what is left is meaning rather than language.
    #[serde(default)]
    pub mrr_centered: Vec<f64>,
    /// The random-init twin's MRR per layer, centred the same way.
    #[serde(default)]
    pub random_mrr_centered: Vec<f64>,
}

/// One sentence through `bert`, cut to `window` tokens → (its output, with what `keep` asks for; its encoding).
pub(crate) fn run_sentence(bert: &BertModel, tok: &TextEncoder, text: &str, window: usize, keep: Keep, device: &Device) -> Result<(BertOutput, crate::text::Encoded), String> {
    let enc = tok.encode(text)?;
    let t = enc.len().min(window);
    let ids: Vec<i64> = enc.ids[..t].iter().map(|&i| i64::from(i)).collect();
    let ids = Tensor::<2, Int>::from_data(TensorData::new(ids, [1, t]), device);
    let out = bert.forward(ids, Tensor::<2, Int>::zeros([1, t], device), Tensor::<2, Int>::ones([1, t], device), keep);
    Ok((out, enc))
}

/// Hidden states at every layer for one sentence → `[layers + 1][tokens][hidden]`, with its encoding.
fn layers_of(bert: &BertModel, tok: &TextEncoder, text: &str, window: usize, device: &Device) -> Result<(Vec<Vec<Vec<f32>>>, crate::text::Encoded), String> {
    let (out, enc) = run_sentence(bert, tok, text, window, Keep { hidden_states: true, attentions: false }, device)?;
    let mut layers = Vec::new();
    for h in out.hidden_states {
        let [_, t, hidden] = h.dims();
        let v = h.into_data().convert::<f32>().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
        layers.push((0..t).map(|i| v[i * hidden..(i + 1) * hidden].to_vec()).collect());
    }
    Ok((layers, enc))
}

/// Each pair's (Chinese, English) word vectors at every layer: `[pair] → ([layer][hidden], [layer][hidden])`.
/// A pair whose word falls outside the window or has no token is left out.
pub fn pair_vectors(bert: &BertModel, tok: &TextEncoder, records: &[HskRecord], pairs: &[GlossPair], window: usize, device: &Device) -> Result<Vec<(usize, Vec<Vec<f32>>, Vec<Vec<f32>>)>, String> {
    let mut out = Vec::new();
    let mut cache: std::collections::HashMap<(usize, bool), (Vec<Vec<Vec<f32>>>, crate::text::Encoded)> = std::collections::HashMap::new();
    for (k, p) in pairs.iter().enumerate() {
        let mut vectors = Vec::new();
        for (english, span) in [(false, p.zh_span), (true, p.en_span)] {
            if !cache.contains_key(&(p.record, english)) {
                let r = &records[p.record];
                cache.insert((p.record, english), layers_of(bert, tok, if english { &r.english } else { &r.chinese }, window, device)?);
            }
            let (layers, enc) = &cache[&(p.record, english)];
            let t = layers.first().map_or(0, Vec::len);
            let tokens: Vec<usize> = tokens_in(&enc.char_spans[..t], &enc.special[..t], span);
            if tokens.is_empty() {
                break;
            }
            vectors.push(word_vector(layers, &tokens));
        }
        if let [zh, en] = &vectors[..] {
            out.push((k, zh.clone(), en.clone()));
        }
        if cache.len() > 256 {
            cache.clear();
        }
    }
    Ok(out)
}

/// `vectors` less their mean.
fn centred(vectors: Vec<Vec<f32>>) -> Vec<Vec<f32>> {
    let h = vectors.first().map_or(0, Vec::len);
    let mut mean = vec![0f32; h];
    vectors.iter().for_each(|v| mean.iter_mut().zip(v).for_each(|(m, x)| *m += x / vectors.len() as f32));
    vectors.into_iter().map(|v| v.iter().zip(&mean).map(|(x, m)| x - m).collect()).collect()
}

/// MRR per layer over `vectors` (from [`pair_vectors`]): the candidates are the distinct English
/// headwords (the vector of each one's first pair) → (MRR per layer, candidates). With `centre`,
/// each side's mean is taken away first.
pub fn mrr_per_layer(pairs: &[GlossPair], vectors: &[(usize, Vec<Vec<f32>>, Vec<Vec<f32>>)], centre: bool) -> (Vec<f64>, usize) {
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut first = Vec::new();
    for (v, (k, _, _)) in vectors.iter().enumerate() {
        let n = index.len();
        let id = *index.entry(pairs[*k].en.as_str()).or_insert(n);
        if id == first.len() {
            first.push(v);
        }
    }
    let gold: Vec<usize> = vectors.iter().map(|(k, _, _)| index[pairs[*k].en.as_str()]).collect();
    let layers = vectors.first().map_or(0, |v| v.1.len());
    let per_layer = (0..layers)
        .map(|l| {
            let queries: Vec<Vec<f32>> = vectors.iter().map(|v| v.1[l].clone()).collect();
            let candidates: Vec<Vec<f32>> = first.iter().map(|&v| vectors[v].2[l].clone()).collect();
            if centre {
                mrr(&centred(queries), &centred(candidates), &gold)
            } else {
                mrr(&queries, &candidates, &gold)
            }
        })
        .collect();
    (per_layer, first.len())
}

/// The alignment report of `bert` and of `random` (the same configuration, random weights).
pub fn report(bert: &BertModel, random: &BertModel, tok: &TextEncoder, records: &[HskRecord], window: usize, device: &Device) -> Result<AlignmentReport, String> {
    let pairs = gloss_pairs(records);
    let trained = pair_vectors(bert, tok, records, &pairs, window, device)?;
    let untrained = pair_vectors(random, tok, records, &pairs, window, device)?;
    let (per_layer, candidates) = mrr_per_layer(&pairs, &trained, false);
    let (random_per_layer, _) = mrr_per_layer(&pairs, &untrained, false);
    let (mrr_centered, _) = mrr_per_layer(&pairs, &trained, true);
    let (random_mrr_centered, _) = mrr_per_layer(&pairs, &untrained, true);
    let chance = (1..=candidates).map(|r| 1.0 / r as f64).sum::<f64>() / candidates.max(1) as f64;
    Ok(AlignmentReport { pairs: trained.len(), candidates, mrr: per_layer, random_mrr: random_per_layer, chance, mrr_centered, random_mrr_centered })
}
