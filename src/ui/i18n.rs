//! Every visible string of the interface, in English, 繁體中文 and 简体中文.
//! One mechanism: a [`T`] key per string, checked by the compiler.

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Traditional Chinese (the lecture's own).
    ZhHant,
    /// Simplified Chinese.
    ZhHans,
}

impl Lang {
    /// All languages, in switch order.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhHant, Lang::ZhHans];

    /// URL / BCP-47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHant => "zh-Hant",
            Lang::ZhHans => "zh-Hans",
        }
    }

    /// Name of the language in itself.
    pub fn label(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHant => "繁體中文",
            Lang::ZhHans => "简体中文",
        }
    }

    /// Parses a URL value or a browser language tag (`zh-TW`, `zh-CN`, `en-US`, ...).
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("en") {
            Some(Lang::En)
        } else if t == "zh-hans" || t.starts_with("zh-cn") || t.starts_with("zh-sg") || t == "zh" {
            Some(Lang::ZhHans)
        } else if t.starts_with("zh") {
            Some(Lang::ZhHant)
        } else {
            None
        }
    }
}

macro_rules! strings {
    ($($key:ident => $en:expr, $hant:expr, $hans:expr;)*) => {
        /// A translatable string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum T { $($key),* }

        impl T {
            /// The string in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::En) => $en, (T::$key, Lang::ZhHant) => $hant, (T::$key, Lang::ZhHans) => $hans,)*
                }
            }
        }
    };
}

strings! {
    AppTagline => "Self-supervised learning, runnable in your browser", "自督導式學習，在瀏覽器裡跑起來", "自监督学习，在浏览器里跑起来";
    NavHome => "Home", "首頁", "首页";
    NavContextual => "Contextual embeddings", "上下文嵌入", "上下文嵌入";
    NavDiagnostics => "Diagnostics", "診斷", "诊断";
    Language => "Language", "語言", "语言";
    BadgeProbing => "Looking for WebGPU…", "尋找 WebGPU…", "寻找 WebGPU…";
    BadgeWebGpu => "WebGPU", "WebGPU", "WebGPU";
    BadgeCpu => "CPU fallback", "CPU 備援", "CPU 备用";
    WhyRequested => "requested in the address (backend=cpu)", "網址指定使用 CPU（backend=cpu）", "网址指定使用 CPU（backend=cpu）";
    WhyNoWebGpu => "this browser has no WebGPU", "這個瀏覽器沒有 WebGPU", "这个浏览器没有 WebGPU";
    WhyNoAdapter => "WebGPU found no usable GPU", "WebGPU 找不到可用的 GPU", "WebGPU 找不到可用的 GPU";
    WhySoftware => "the only WebGPU adapter is a software renderer, slower than Sesame's CPU backend (add backend=webgpu to the address to use it anyway)", "唯一的 WebGPU 介面卡是軟體模擬，比 Sesame 的 CPU 後端慢（網址加上 backend=webgpu 仍可使用）", "唯一的 WebGPU 适配器是软件模拟，比 Sesame 的 CPU 后端慢（网址加上 backend=webgpu 仍可使用）";
    WhyFailed => "WebGPU failed", "WebGPU 發生錯誤", "WebGPU 发生错误";
    HomeTitle => "Sesame: BERT, GPT and auto-encoders you can open up", "Sesame：可以打開來看的 BERT、GPT 與自編碼器", "Sesame：可以打开来看的 BERT、GPT 与自编码器";
    HomeIntro => "Sesame turns the self-supervised learning lecture of Hung-yi Lee's Machine Learning course into pages you can poke at. Real models run on your own GPU through WebGPU (or on the CPU when there is none): nothing is sent to a server.",
                 "Sesame 把李宏毅老師「機器學習」課程中自督導式學習（Self-supervised Learning）的內容，變成可以動手操作的網頁。真正的模型透過 WebGPU 在你自己的 GPU 上執行（沒有 GPU 時改用 CPU），資料不會送到任何伺服器。",
                 "Sesame 把李宏毅老师《机器学习》课程中自监督学习（Self-supervised Learning）的内容，变成可以动手操作的网页。真正的模型通过 WebGPU 在你自己的 GPU 上运行（没有 GPU 时改用 CPU），数据不会发送到任何服务器。";
    HomeLecture => "The lecture: BERT learns by filling in blanks (masking) and by judging sentence order; GPT learns by predicting the next token; an auto-encoder learns by rebuilding its own input. No labels are needed: the data is its own teacher.",
                  "課程內容：BERT 靠「填空」（masking）與判斷句子順序學習；GPT 靠預測下一個 token 學習；自編碼器靠重建自己的輸入學習。不需要標註：資料本身就是老師。",
                  "课程内容：BERT 靠“填空”（masking）与判断句子顺序学习；GPT 靠预测下一个 token 学习；自编码器靠重建自己的输入学习。不需要标注：数据本身就是老师。";
    HomePages => "Pages", "頁面", "页面";
    HomeSoon => "coming", "即將推出", "即将推出";
    PageContextualBlurb => "The same word in different sentences gets different vectors: the lecture's 果 example, on a real pretrained BERT (all-MiniLM-L6-v2).", "同一個字在不同句子裡得到不同的向量：課程中「果」的例子，用真正的預訓練 BERT（all-MiniLM-L6-v2）。", "同一个字在不同句子里得到不同的向量：课程中“果”的例子，用真正的预训练 BERT（all-MiniLM-L6-v2）。";
    PageMasking => "Masking: fill in the blank", "Masking：克漏字", "Masking：完形填空";
    PageNsp => "Next sentence / sentence order", "下一句預測／句子順序", "下一句预测／句子顺序";
    PageQa => "Extractive question answering", "抽取式問答", "抽取式问答";
    PageGpt => "GPT: next-token prediction", "GPT：預測下一個 token", "GPT：预测下一个 token";
    PageIcl => "In-context learning", "In-context learning（情境學習）", "In-context learning（情境学习）";
    PageAutoencoder => "Auto-encoders", "自編碼器", "自编码器";
    CtxTitle => "Why BERT works: contextual embeddings", "BERT 為什麼有用：上下文嵌入", "BERT 为什么有用：上下文嵌入";
    CtxLede => "BERT does not give a word one fixed vector. It reads the whole sentence, so “apple” the fruit and “Apple” the company come out different, just as 果 in 蘋果汁 (juice) and 蘋果電腦 (computer) does in the lecture. Left: cosine similarity of the target word's contextual vectors. Right: the same for its input embedding, which ignores context, so every pair is 1.00.",
              "BERT 不會給一個字固定的向量。它讀完整個句子，所以水果的 apple 和公司的 Apple 輸出不同，就像課程裡「蘋果汁」和「蘋果電腦」中的「果」。左：目標詞上下文向量的餘弦相似度。右：輸入嵌入的相似度，它不看上下文，所以每一對都是 1.00。",
              "BERT 不会给一个字固定的向量。它读完整个句子，所以水果的 apple 和公司的 Apple 输出不同，就像课程里“苹果汁”和“苹果电脑”中的“果”。左：目标词上下文向量的余弦相似度。右：输入嵌入的相似度，它不看上下文，所以每一对都是 1.00。";
    CtxPresets => "Examples", "範例", "示例";
    CtxPresetApple => "apple: fruit or company", "apple：水果還是公司", "apple：水果还是公司";
    CtxPresetBank => "bank: river or money", "bank：河岸還是銀行", "bank：河岸还是银行";
    CtxPresetGuo => "果 (the lecture's example)", "果（課程的例子）", "果（课程的例子）";
    CtxTarget => "Target word", "目標詞", "目标词";
    CtxSentences => "Sentences (group, text)", "句子（組別、內容）", "句子（组别、内容）";
    CtxAdd => "Add sentence", "新增句子", "添加句子";
    CtxRemove => "Remove", "移除", "移除";
    CtxRun => "Compute", "計算", "计算";
    CtxRunning => "Computing…", "計算中…", "计算中…";
    CtxLayer => "Layer", "層", "层";
    CtxEmbeddingLayer => "embeddings", "嵌入層", "嵌入层";
    CtxContextual => "Contextual vectors", "上下文向量", "上下文向量";
    CtxStatic => "Static input embedding", "靜態輸入嵌入", "静态输入嵌入";
    CtxSame => "same group", "同組", "同组";
    CtxCross => "different group", "不同組", "不同组";
    CtxAvg => "average similarity", "平均相似度", "平均相似度";
    CtxPca => "2-D projection (PCA) of the contextual vectors", "上下文向量的二維投影（PCA）", "上下文向量的二维投影（PCA）";
    CtxExplained => "variance explained", "解釋變異量", "解释方差";
    CtxByLayer => "Same-group vs different-group similarity, layer by layer", "各層的同組／不同組平均相似度", "各层的同组／不同组平均相似度";
    CtxTokens => "How the model reads each sentence (target tokens highlighted)", "模型如何切分每個句子（目標 token 已標示）", "模型如何切分每个句子（目标 token 已标示）";
    CtxTime => "forward pass", "前向計算", "前向计算";
    ErrEmptyTarget => "Type a target word to compare.", "請輸入要比較的目標詞。", "请输入要比较的目标词。";
    ErrNoSentences => "Add at least one sentence.", "請至少輸入一個句子。", "请至少输入一个句子。";
    ErrTargetMissing => "does not contain the target word; it is left out.", "不含目標詞，已略過。", "不含目标词，已略过。";
    ErrTooLong => "is longer than the model window; it is left out.", "超過模型的長度上限，已略過。", "超过模型的长度上限，已略过。";
    ErrUnknown => "is not in this model's vocabulary: it reads [UNK], so its vector comes from the context alone. (all-MiniLM-L6-v2 is an English model; Sesame's own Chinese BERT will know every character.)",
                  "不在這個模型的詞彙表裡：模型讀到的是 [UNK]，所以向量完全來自上下文。（all-MiniLM-L6-v2 是英文模型；Sesame 自己訓練的中文 BERT 會認得每個字。）",
                  "不在这个模型的词表里：模型读到的是 [UNK]，所以向量完全来自上下文。（all-MiniLM-L6-v2 是英文模型；Sesame 自己训练的中文 BERT 会认得每个字。）";
    ErrNeedTwo => "At least two sentences with the target are needed for a similarity matrix.", "至少需要兩個含目標詞的句子才能畫相似度矩陣。", "至少需要两个含目标词的句子才能画相似度矩阵。";
    Sentence => "Sentence", "句子", "句子";
    Tokens => "tokens", "個 token", "个 token";
    LoadManifest => "Reading the model list…", "讀取模型清單…", "读取模型清单…";
    LoadDownload => "Downloading weights", "下載權重", "下载权重";
    LoadBuild => "Putting the weights on the device…", "把權重放上裝置…", "把权重放上设备…";
    LoadShaders => "Compiling GPU shaders (first run only)…", "編譯 GPU shader（只有第一次）…", "编译 GPU shader（只有第一次）…";
    LoadFailed => "The model could not be loaded", "無法載入模型", "无法加载模型";
    Retry => "Try again", "再試一次", "再试一次";
    FromCache => "from the browser cache", "來自瀏覽器快取", "来自浏览器缓存";
    DiagTitle => "Diagnostics", "診斷", "诊断";
    DiagLede => "Checks that this browser computes what PyTorch computes, and how fast.", "檢查這個瀏覽器算出來的結果是否和 PyTorch 相同，以及速度。", "检查这个浏览器算出来的结果是否和 PyTorch 相同，以及速度。";
    DiagBackend => "Compute path", "計算路徑", "计算路径";
    DiagGolden => "Golden check against HF transformers (last-layer hidden states)", "與 HF transformers 對照（最後一層隱藏狀態）", "与 HF transformers 对照（最后一层隐藏状态）";
    DiagBench => "Forward pass, one 128-token sentence", "前向計算，一個 128 token 的句子", "前向计算，一个 128 token 的句子";
    DiagRun => "Run checks", "執行檢查", "运行检查";
    DiagMaxDiff => "max |difference|", "最大絕對誤差", "最大绝对误差";
    DiagTolerance => "tolerance", "容許誤差", "容许误差";
    DiagPass => "pass", "通過", "通过";
    DiagFail => "FAIL", "失敗", "失败";
    DiagMedian => "median", "中位數", "中位数";
    Footer => "Sesame runs everything on your device. Models: all-MiniLM-L6-v2 (Apache-2.0).", "Sesame 的一切都在你的裝置上執行。模型：all-MiniLM-L6-v2（Apache-2.0）。", "Sesame 的一切都在你的设备上运行。模型：all-MiniLM-L6-v2（Apache-2.0）。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_tags_map_to_languages() {
        assert_eq!(Lang::parse("zh-TW"), Some(Lang::ZhHant));
        assert_eq!(Lang::parse("zh-HK"), Some(Lang::ZhHant));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhHans));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }
}
