//! Part-of-speech tagging, the lecture's case 2 (a sequence in, one class per token out), for
//! the tagging page and the trainer: the tag sets with their names, how a tagged sentence
//! becomes one label per token, and one forward pass of a shipped tagger.
//!
//! Chinese has no spaces, so Sesame tags **words through their first character**: the first
//! token of a word gets the word's tag, every further token of the word gets the class `I`
//! ("inside the same word"). The model thus segments and tags at once; the page groups tokens
//! into words where a tag (not `I`) starts one. English is labelled the same way (a word split
//! into word pieces gets its tag on the first piece, `I` on the rest), with the 12 universal tags
//! of Petrov, Das & McDonald (2012) in place of PKU's 44.

use burn::tensor::{activation::softmax, Device, Int, Tensor, TensorData};

use super::read_f32;
use crate::model::token_classifier::BertForTokenClassification;
use crate::model::{BertConfig, Bundle};
use crate::text::{Encoded, TextEncoder};

/// The class of a token that continues the word its predecessor began.
pub const INSIDE: &str = "I";

/// Coarse groups for colour (the universal POS categories a PKU tag falls in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Nouns, place / time words, morphemes of nouns.
    Noun,
    /// Names of people, places, organisations.
    Proper,
    /// Verbs.
    Verb,
    /// Adjectives and descriptive words.
    Adj,
    /// Adverbs.
    Adv,
    /// Numerals and measure words.
    Num,
    /// Pronouns.
    Pron,
    /// Prepositions, conjunctions, particles.
    Function,
    /// Punctuation.
    Punct,
    /// Everything else (idioms, affixes, interjections, foreign strings).
    Other,
}

impl Group {
    /// The CSS class of the group's chips.
    pub fn css(self) -> &'static str {
        match self {
            Group::Noun => "pos-noun",
            Group::Proper => "pos-proper",
            Group::Verb => "pos-verb",
            Group::Adj => "pos-adj",
            Group::Adv => "pos-adv",
            Group::Num => "pos-num",
            Group::Pron => "pos-pron",
            Group::Function => "pos-function",
            Group::Punct => "pos-punct",
            Group::Other => "pos-other",
        }
    }
}

/// The 44 tags of Peking University's People's Daily corpus: `(tag, English, traditional
/// Chinese, simplified Chinese, group)`, most frequent first.
pub const PKU_TAGS: [PkuTag; 44] = [
    ("n", "noun", "名詞", "名词", Group::Noun),
    ("v", "verb", "動詞", "动词", Group::Verb),
    ("w", "punctuation", "標點", "标点", Group::Punct),
    ("u", "auxiliary (的, 了)", "助詞", "助词", Group::Function),
    ("d", "adverb", "副詞", "副词", Group::Adv),
    ("vn", "verbal noun", "名動詞", "名动词", Group::Verb),
    ("m", "numeral", "數詞", "数词", Group::Num),
    ("p", "preposition", "介詞", "介词", Group::Function),
    ("nr", "person's name", "人名", "人名", Group::Proper),
    ("a", "adjective", "形容詞", "形容词", Group::Adj),
    ("r", "pronoun", "代詞", "代词", Group::Pron),
    ("ns", "place name", "地名", "地名", Group::Proper),
    ("c", "conjunction", "連詞", "连词", Group::Function),
    ("q", "measure word", "量詞", "量词", Group::Num),
    ("t", "time word", "時間詞", "时间词", Group::Noun),
    ("f", "locality word", "方位詞", "方位词", Group::Noun),
    ("j", "abbreviation", "簡稱", "简称", Group::Noun),
    ("b", "distinguishing word", "區別詞", "区别词", Group::Adj),
    ("l", "set phrase", "習用語", "习用语", Group::Other),
    ("ad", "adverbial adjective", "副形詞", "副形词", Group::Adj),
    ("i", "idiom", "成語", "成语", Group::Other),
    ("Ng", "noun morpheme", "名語素", "名语素", Group::Noun),
    ("s", "place word", "處所詞", "处所词", Group::Noun),
    ("nz", "other proper noun", "其他專名", "其他专名", Group::Proper),
    ("nt", "organisation", "機構團體", "机构团体", Group::Proper),
    ("an", "nominal adjective", "名形詞", "名形词", Group::Adj),
    ("y", "modal particle", "語氣詞", "语气词", Group::Function),
    ("Vg", "verb morpheme", "動語素", "动语素", Group::Verb),
    ("z", "descriptive word", "狀態詞", "状态词", Group::Adj),
    ("k", "suffix", "後接成分", "后接成分", Group::Other),
    ("vd", "adverbial verb", "副動詞", "副动词", Group::Verb),
    ("Tg", "time morpheme", "時語素", "时语素", Group::Noun),
    ("nx", "foreign string", "外文字串", "外文字串", Group::Other),
    ("Ag", "adjective morpheme", "形語素", "形语素", Group::Adj),
    ("Dg", "adverb morpheme", "副語素", "副语素", Group::Adv),
    ("o", "onomatopoeia", "擬聲詞", "拟声词", Group::Other),
    ("h", "prefix", "前接成分", "前接成分", Group::Other),
    ("e", "interjection", "嘆詞", "叹词", Group::Other),
    ("Rg", "pronoun morpheme", "代語素", "代语素", Group::Pron),
    ("Bg", "distinguishing morpheme", "區別語素", "区别语素", Group::Adj),
    ("Mg", "numeral morpheme", "數語素", "数语素", Group::Num),
    ("vvn", "verb-noun (rare)", "動名兼類", "动名兼类", Group::Verb),
    ("na", "noun-adjective (rare)", "名形兼類", "名形兼类", Group::Noun),
    ("Yg", "modal morpheme", "語氣語素", "语气语素", Group::Function),
];

/// The 12 universal part-of-speech tags (Petrov, Das & McDonald 2012), the English tagger's
/// classes, in the same row shape as [`PKU_TAGS`], most frequent in the Brown corpus first.
pub const UNIVERSAL_TAGS: [PkuTag; 12] = [
    ("NOUN", "noun", "名詞", "名词", Group::Noun),
    ("VERB", "verb", "動詞", "动词", Group::Verb),
    (".", "punctuation", "標點", "标点", Group::Punct),
    ("ADP", "adposition (preposition)", "介詞", "介词", Group::Function),
    ("DET", "determiner", "限定詞", "限定词", Group::Function),
    ("ADJ", "adjective", "形容詞", "形容词", Group::Adj),
    ("ADV", "adverb", "副詞", "副词", Group::Adv),
    ("PRON", "pronoun", "代詞", "代词", Group::Pron),
    ("CONJ", "conjunction", "連詞", "连词", Group::Function),
    ("PRT", "particle (to, up)", "小品詞", "小品词", Group::Function),
    ("NUM", "numeral", "數詞", "数词", Group::Num),
    ("X", "other (foreign words, interjections)", "其他", "其他", Group::Other),
];

/// One row of [`PKU_TAGS`] or [`UNIVERSAL_TAGS`]: `(tag, English, traditional Chinese, simplified
/// Chinese, group)`.
pub type PkuTag = (&'static str, &'static str, &'static str, &'static str, Group);

/// The row of a tag, PKU's or universal (the two sets share no name).
pub fn pku_tag(tag: &str) -> Option<&'static PkuTag> {
    PKU_TAGS.iter().chain(&UNIVERSAL_TAGS).find(|t| t.0 == tag)
}

/// The tag table a tagger's classes come from: universal when it has `NOUN`, else PKU's.
pub fn tag_table(classes: &[String]) -> &'static [PkuTag] {
    if classes.iter().any(|c| c == "NOUN") {
        &UNIVERSAL_TAGS
    } else {
        &PKU_TAGS
    }
}

/// The classes of the English tagger: the 12 universal tags, then [`INSIDE`].
pub fn universal_classes() -> Vec<String> {
    UNIVERSAL_TAGS.iter().map(|t| t.0.to_string()).chain([INSIDE.to_string()]).collect()
}

/// The universal tag of a Brown-corpus tag (lower case, as the corpus writes it): the title /
/// headline / cited markers (`-tl`, `-hl`, `-nc`) are dropped, a foreign word (`fw-`) is `X`, a
/// contraction (`ppss+md`, "I'll") takes its first part, a negated (`bez*`) or possessive (`np$`)
/// form its base's. `None` for a tag the corpus does not use.
pub fn brown_universal(tag: &str) -> Option<&'static str> {
    if tag.starts_with("fw-") {
        return Some("X");
    }
    let mut base = tag.split('+').next().unwrap_or(tag);
    while let Some(b) = ["-tl", "-hl", "-nc"].iter().find_map(|s| base.strip_suffix(s)) {
        base = b;
    }
    if base == "*" {
        return Some("ADV"); // not, n't
    }
    let base = base.trim_end_matches('*');
    let base = if base.len() > 1 { base.trim_end_matches('$') } else { base };
    Some(match base {
        "." | "," | ":" | "(" | ")" | "--" | "``" | "''" | "'" => ".",
        "abn" | "abx" | "ap" | "at" | "dt" | "dti" | "dts" | "dtx" | "wdt" | "ex" => "DET",
        "be" | "bed" | "bedz" | "beg" | "bem" | "ben" | "ber" | "bez" | "do" | "dod" | "doz" | "hv" | "hvd" | "hvg" | "hvn" | "hvz" | "md" | "vb" | "vbd" | "vbg" | "vbn" | "vbz" => "VERB",
        "cc" => "CONJ",
        "cs" | "in" => "ADP",
        "cd" => "NUM",
        "jj" | "jjr" | "jjs" | "jjt" | "od" => "ADJ",
        "nn" | "nns" | "np" | "nps" | "nr" | "nrs" => "NOUN",
        "pn" | "pp" | "pp$" | "ppl" | "ppls" | "ppo" | "pps" | "ppss" | "wp" | "wpo" | "wps" => "PRON",
        "abl" | "ql" | "qlp" | "rb" | "rbr" | "rbt" | "rn" | "wql" | "wrb" => "ADV",
        "rp" | "to" => "PRT",
        "uh" | "nil" => "X",
        _ => return None,
    })
}

/// The classes of the Chinese tagger: the 44 tags, then [`INSIDE`].
pub fn pku_classes() -> Vec<String> {
    PKU_TAGS.iter().map(|t| t.0.to_string()).chain([INSIDE.to_string()]).collect()
}

/// One label per token of `enc` (the tokenization of the words joined): the word's class for
/// its first token, `inside` for the rest, `None` for special tokens. `words` are `(characters,
/// class)`; a token belongs to the word holding its first character.
pub fn token_labels(enc: &Encoded, words: &[(usize, usize)], inside: usize) -> Vec<Option<usize>> {
    // The word of every character.
    let total: usize = words.iter().map(|w| w.0).sum();
    let mut word_of = Vec::with_capacity(total);
    for (i, &(n, _)) in words.iter().enumerate() {
        word_of.extend(std::iter::repeat_n(i, n));
    }
    let mut last_word = usize::MAX;
    enc.char_spans
        .iter()
        .zip(&enc.special)
        .map(|(&(start, _), &special)| {
            if special {
                return None;
            }
            let w = *word_of.get(start)?;
            let label = if w == last_word { inside } else { words[w].1 };
            last_word = w;
            Some(label)
        })
        .collect()
}

/// A fine-tuned tagger with its tokenizer and class names, on one device.
pub struct LoadedTagger {
    /// Hyper-parameters.
    pub config: BertConfig,
    /// Encoder and per-token head.
    pub model: BertForTokenClassification,
    /// Tokenizer.
    pub tokenizer: TextEncoder,
    /// Class names, index = class (`config.json`'s `id2label`).
    pub classes: Vec<String>,
    /// Longest input in tokens.
    pub max_len: usize,
    /// Where it runs.
    pub device: Device,
}

impl LoadedTagger {
    /// Builds the model from its shipped files (a delta is laid over its base, see [`Bundle`]).
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: BertConfig = bundle.config()?;
        let raw = bundle.config_json()?;
        let classes = super::classify::class_names(&raw);
        let model = BertForTokenClassification::load(&config, &mut bundle.weights()?, device).map_err(|e| e.to_string())?;
        if classes.len() != model.classes() {
            return Err(format!("config.json names {} classes, the head has {}", classes.len(), model.classes()));
        }
        let max_len = super::classify::window(&raw, &config);
        Ok(Self { tokenizer: TextEncoder::from_json(&bundle.tokenizer)?, config, model, classes, max_len, device: device.clone() })
    }
}

/// One token of a tagged sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedToken {
    /// The token as the vocabulary spells it.
    pub token: String,
    /// The characters of the input it covers (`[UNK]` shows its own text this way).
    pub text: String,
    /// Best class.
    pub class: usize,
    /// Its probability.
    pub prob: f32,
    /// The class scores (logits).
    pub logits: Vec<f32>,
}

/// What the page shows for one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    /// Every non-special token, in order.
    pub tokens: Vec<TaggedToken>,
    /// Tokens cut from the end because the sentence was longer than the model's window.
    pub cut: usize,
}

/// Why a sentence was not tagged.
#[derive(Debug, Clone, PartialEq)]
pub enum TagProblem {
    /// Nothing to tag.
    Empty,
    /// The tokenizer failed.
    Tokenizer(String),
    /// Running the model or reading its result failed.
    Device(String),
}

/// Tags `text`: one forward pass, one read.
pub async fn tag(m: &LoadedTagger, text: &str) -> Result<Tagged, TagProblem> {
    if text.trim().is_empty() {
        return Err(TagProblem::Empty);
    }
    let mut enc = m.tokenizer.encode(text).map_err(TagProblem::Tokenizer)?;
    let cut = super::classify::fit_to_window(&mut enc, m.max_len);
    let n = enc.ids.len();
    let ints = |v: Vec<i64>| Tensor::<2, Int>::from_data(TensorData::new(v, [1, n]), &m.device);
    let logits = m.model.forward(ints(enc.ids.iter().map(|&i| i as i64).collect()), ints(vec![0; n]), ints(vec![1; n])); // [1, T, C]
    let c = m.classes.len();
    let probs = softmax(logits.clone(), 2); // [1, T, C]
    let all = read_f32(Tensor::cat(vec![logits, probs], 2)).await.map_err(TagProblem::Device)?; // [1, T, 2C]
    let chars: Vec<char> = text.chars().collect();
    let tokens = (0..n)
        .filter(|&i| !enc.special[i])
        .map(|i| {
            let row = &all[i * 2 * c..(i + 1) * 2 * c];
            let (logits, probs) = row.split_at(c);
            let class = crate::numeric::top_k(probs, 1)[0].0;
            let (s, e) = enc.char_spans[i];
            TaggedToken { token: enc.tokens[i].clone(), text: chars.get(s..e.min(chars.len())).map(|c| c.iter().collect()).unwrap_or_default(), class, prob: probs[class], logits: logits.to_vec() }
        })
        .collect();
    Ok(Tagged { tokens, cut })
}

/// Groups tagged tokens into words: a token of class [`INSIDE`] joins the word before it (a
/// leading one starts a word of its own). Each word: `(first token, end token, class of the first)`.
pub fn words(tokens: &[TaggedToken], classes: &[String]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match out.last_mut() {
            Some(w) if classes[t.class] == INSIDE => w.1 = i + 1,
            _ => out.push((i, i + 1, t.class)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_token_of_a_word_gets_its_tag_and_the_rest_inside() {
        let t = TextEncoder::from_json(&std::fs::read("assets/models/bert-zh/v1/tokenizer.json").unwrap()).unwrap();
        let enc = t.encode("我爱北京。").unwrap();
        // 我/r 爱/v 北京/ns 。/w, classes by index.
        let labels = token_labels(&enc, &[(1, 10), (1, 1), (2, 11), (1, 2)], 44);
        assert_eq!(labels, vec![None, Some(10), Some(1), Some(11), Some(44), Some(2), None]);
    }

    #[test]
    fn inside_tokens_join_the_word_before_them() {
        let classes = pku_classes();
        let tok = |class: usize| TaggedToken { token: String::new(), text: String::new(), class, prob: 1.0, logits: vec![] };
        let inside = classes.len() - 1;
        assert_eq!(words(&[tok(inside), tok(0), tok(inside), tok(inside), tok(2)], &classes), vec![(0, 1, inside), (1, 4, 0), (4, 5, 2)]);
        assert_eq!(pku_tag("ns").unwrap().4, Group::Proper);
        assert_eq!(classes.len(), 45);
    }

    #[test]
    fn brown_tags_map_to_the_universal_twelve() {
        for (brown, universal) in [
            ("nn-tl", "NOUN"),
            ("np$", "NOUN"),
            ("vbd", "VERB"),
            ("bedz*", "VERB"),
            ("*", "ADV"),
            ("pp$", "PRON"),
            ("pp$$", "PRON"),
            ("ppss+md", "PRON"),
            ("fw-nn", "X"),
            ("``", "."),
            ("in-tl", "ADP"),
            ("at", "DET"),
            ("to", "PRT"),
            ("cd$", "NUM"),
            ("od", "ADJ"),
            ("jj-hl", "ADJ"),
        ] {
            assert_eq!(brown_universal(brown), Some(universal), "{brown}");
        }
        assert_eq!(brown_universal("zz"), None);
        let classes = universal_classes();
        assert_eq!(classes.len(), 13);
        assert_eq!(tag_table(&classes).len(), 12);
        assert_eq!(tag_table(&pku_classes()).len(), 44);
        assert_eq!(pku_tag("NOUN").unwrap().4, Group::Noun);
    }
}
