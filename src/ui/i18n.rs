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
    NavQa => "Question answering", "問答", "问答";
    PageClassifyBlurb => "Fine-tuning, case 1: a review in, positive or negative out, from the [CLS] vector through one linear layer; fine-tuned from the pretrained BERT vs from random weights.", "微調情境一：輸入評論，輸出正面或負面，由 [CLS] 向量經過一層線性層；從預訓練 BERT 微調 vs 從隨機權重。", "微调情境一：输入评论，输出正面或负面，由 [CLS] 向量经过一层线性层；从预训练 BERT 微调 vs 从随机权重。";
    PageQaBlurb => "Ask about a document: BERT's start and end vectors pick the answer span, drawn over the text; pre-training vs random initialisation.", "針對一篇文章發問：BERT 的起點與終點向量選出答案片段，機率畫在文字上；比較預訓練與隨機初始化。", "针对一篇文章发问：BERT 的起点与终点向量选出答案片段，概率画在文字上；比较预训练与随机初始化。";
    QaTitle => "Extractive question answering", "抽取式問答", "抽取式问答";
    QaLede => "The answer is a span of the document. BERT reads [CLS] question [SEP] document [SEP]; a start vector and an end vector are dotted with every document token's output, a softmax turns the scores into probabilities, and the best start ≤ end pair is the answer. Long documents are read in overlapping windows.", "答案是文章中的一段。BERT 讀入 [CLS] 問題 [SEP] 文章 [SEP]；起點向量與終點向量和每個文章 token 的輸出做內積，softmax 把分數變成機率，最好的「起點 ≤ 終點」組合就是答案。長文章會切成互相重疊的視窗來讀。", "答案是文章中的一段。BERT 读入 [CLS] 问题 [SEP] 文章 [SEP]；起点向量与终点向量和每个文章 token 的输出做内积，softmax 把分数变成概率，最好的“起点 ≤ 终点”组合就是答案。长文章会切成互相重叠的窗口来读。";
    QaModelZh => "Chinese (Sesame BERT, DRCD + CMRC)", "中文（Sesame BERT，DRCD + CMRC）", "中文（Sesame BERT，DRCD + CMRC）";
    QaModelEn => "English (MiniLM-based BERT, SQuAD)", "英文（以 MiniLM 為底的 BERT，SQuAD）", "英文（以 MiniLM 为底的 BERT，SQuAD）";
    QaEnNotYet => "(the English model is not trained yet)", "（英文模型還沒訓練好）", "（英文模型还没训练好）";
    QaPresets => "Validation questions", "驗證集問題", "验证集问题";
    QaPickPreset => "pick one…", "選一題…", "选一题…";
    QaQuestion => "Question", "問題", "问题";
    QaDocument => "Document", "文章", "文章";
    QaChars => "characters", "字", "字";
    QaDeviceFailed => "The model run failed (the GPU device may have been lost); reload the page or add backend=cpu to the address", "模型執行失敗（可能失去了 GPU 裝置）；請重新載入頁面，或在網址加上 backend=cpu", "模型运行失败（可能失去了 GPU 设备）；请重新加载页面，或在网址加上 backend=cpu";
    QaWarnNotChinese => "This question has no Chinese characters, but the model was fine-tuned on Chinese: expect a poor answer (switch to the English model).", "這個問題沒有中文字，但模型是用中文微調的：答案可能很差（可以換成英文模型）。", "这个问题没有中文字，但模型是用中文微调的：答案可能很差（可以换成英文模型）。";
    QaWarnNotEnglish => "This question is mostly Chinese, but the model was fine-tuned on English: expect a poor answer (switch to the Chinese model).", "這個問題大多是中文，但模型是用英文微調的：答案可能很差（可以換成中文模型）。", "这个问题大多是中文，但模型是用英文微调的：答案可能很差（可以换成中文模型）。";
    QaErrEmptyQuestion => "Type a question.", "請輸入問題。", "请输入问题。";
    QaErrEmptyDocument => "Paste a document to search for the answer.", "請貼上要從中找答案的文章。", "请贴上要从中找答案的文章。";
    QaErrTooLong => "The document is longer than this page takes; shorten it", "文章超過這個頁面的上限，請縮短", "文章超过这个页面的上限，请缩短";
    QaErrQuestionTooLong => "The question is too long", "問題太長", "问题太长";
    QaNoSpan => "No span could be formed in this document.", "這篇文章裡找不到任何片段。", "这篇文章里找不到任何片段。";
    QaAnswerLabel => "Answer", "答案", "答案";
    QaScore => "score", "分數", "分数";
    QaUnsure => "The model scores \"no answer in this window\" ([CLS]) higher than any span: it found no confident answer. Its best guess is shown.", "模型給「這個視窗沒有答案」（[CLS]）的分數比任何片段都高：它沒有把握。下面顯示的是它最好的猜測。", "模型给“这个窗口没有答案”（[CLS]）的分数比任何片段都高：它没有把握。下面显示的是它最好的猜测。";
    QaGold => "Gold answer", "標準答案", "标准答案";
    QaWindow => "window", "視窗", "窗口";
    QaWindowLength => "Window", "視窗長度", "窗口长度";
    QaWindowOwn => "as fine-tuned", "與微調時相同", "与微调时相同";
    QaWindows => "Windows (document tokens)", "視窗（文章 token）", "窗口（文章 token）";
    QaStartProb => "start probability (top edge)", "起點機率（上緣）", "起点概率（上缘）";
    QaEndProb => "end probability (bottom edge)", "終點機率（下緣）", "终点概率（下缘）";
    QaOutsideWindow => "outside the shown window", "不在顯示的視窗內", "不在显示的窗口内";
    QaCandidates => "Best spans", "最佳片段", "最佳片段";
    QaSpan => "span", "片段", "片段";
    QaNumbers => "numbers", "個數", "个数";
    QaHowTitle => "How the answer was chosen", "答案是怎麼選出來的", "答案是怎么选出来的";
    QaHowText => "Fine-tuning learned two vectors as long as a hidden state. Each document token's output h is dotted with the start vector s and the end vector e (plus a bias): those are the scores below. A softmax over the window turns them into probabilities; the answer is the start ≤ end pair with the highest summed score.", "微調學到兩個和隱藏狀態一樣長的向量。每個文章 token 的輸出 h 和起點向量 s、終點向量 e 做內積（再加偏差）：就是下面的分數。對整個視窗做 softmax 得到機率；答案是分數總和最高的「起點 ≤ 終點」組合。", "微调学到两个和隐藏状态一样长的向量。每个文章 token 的输出 h 和起点向量 s、终点向量 e 做内积（再加偏差）：就是下面的分数。对整个窗口做 softmax 得到概率；答案是分数总和最高的“起点 ≤ 终点”组合。";
    QaStartVector => "start vector s", "起點向量 s", "起点向量 s";
    QaEndVector => "end vector e", "終點向量 e", "终点向量 e";
    QaTopStarts => "Best start tokens", "最可能的起點 token", "最可能的起点 token";
    QaTopEnds => "Best end tokens", "最可能的終點 token", "最可能的终点 token";
    QaToken => "token", "token", "token";
    QaArgmax => "The first row of each table is the argmax. The answer pairs them unless that would end before it starts or run longer than 30 tokens.", "每個表格的第一列就是 argmax。答案把兩者配對，除非終點會在起點之前，或長度超過 30 個 token。", "每个表格的第一行就是 argmax。答案把两者配对，除非终点会在起点之前，或长度超过 30 个 token。";
    NavClassify => "Sentence → class", "句子 → 類別", "句子 → 类别";
    ClsTitle => "Fine-tuning, case 1: a sentence in, a class out", "微調，情境一：輸入一個句子，輸出一個類別", "微调，情境一：输入一个句子，输出一个类别";
    ClsLede => "The lecture's first way to use BERT: it reads the whole sentence, the output at [CLS] goes through one linear layer, and a softmax gives the probability of each class. Here the task is the sentiment of a review: Chinese product and book reviews (bert-zh fine-tuned) or English movie-review snippets (bert-en fine-tuned). The linear layer is new; the whole model was fine-tuned on labelled reviews, starting from Sesame's pretrained BERT.", "課堂上使用 BERT 的第一種方式：BERT 讀整個句子，[CLS] 位置的輸出經過一層線性層，再用 softmax 得到每個類別的機率。這裡的任務是評論的情感：中文的商品和書評（bert-zh 微調），或英文影評片段（bert-en 微調）。線性層是新的，整個模型從 Sesame 預訓練的 BERT 開始，用有標籤的評論微調。", "课堂上使用 BERT 的第一种方式：BERT 读整个句子，[CLS] 位置的输出经过一层线性层，再用 softmax 得到每个类别的概率。这里的任务是评论的情感：中文的商品和书评（bert-zh 微调），或英文影评片段（bert-en 微调）。线性层是新的，整个模型从 Sesame 预训练的 BERT 开始，用有标签的评论微调。";
    ClsModelZh => "Chinese product reviews (sentiment-zh)", "中文商品評論（sentiment-zh）", "中文商品评论（sentiment-zh）";
    ClsModelEn => "English movie reviews (sentiment-en)", "英文影評（sentiment-en）", "英文影评（sentiment-en）";
    ClsPresets => "Held-out reviews", "沒訓練過的評論", "没训练过的评论";
    ClsInput => "Your sentence (press Tab or click outside to classify)", "你的句子（按 Tab 或點旁邊就會分類）", "你的句子（按 Tab 或点旁边就会分类）";
    ClsResult => "Class probabilities", "各類別的機率", "各类别的概率";
    ClsPositive => "positive", "正面", "正面";
    ClsNegative => "negative", "負面", "负面";
    ClsGold => "The review's own label:", "這則評論本來的標籤：", "这则评论本来的标签：";
    ClsCut => "The text is longer than the model's window; its end was not read", "文字比模型的視窗長，後面的部分沒有讀到", "文字比模型的窗口长，后面的部分没有读到";
    ClsTokens => "The tokens BERT reads ([CLS] first)", "BERT 讀到的 token（[CLS] 在最前面）", "BERT 读到的 token（[CLS] 在最前面）";
    ClsVector => "The vector the linear layer reads: the pooled output at [CLS]", "線性層讀的向量：[CLS] 的池化輸出", "线性层读的向量：[CLS] 的池化输出";
    ClsNumbers => "numbers", "個數字", "个数字";
    ClsErrEmpty => "Type a sentence to classify.", "請輸入要分類的句子。", "请输入要分类的句子。";
    ClsExplain => "Fine-tuning trains everything at once: the new linear layer from scratch and every BERT weight a little (the word embeddings stay frozen). Below: the same model fine-tuned twice on the same reviews for the same number of steps, once from the pretrained BERT and once from random weights, with their accuracy on the held-out reviews.", "微調同時訓練全部：新的線性層從頭學，BERT 的每個權重都稍微調整（詞嵌入不動）。下面：同一個模型用同樣的評論、同樣的步數微調兩次，一次從預訓練的 BERT 開始，一次從隨機權重開始，以及它們在沒訓練過的評論上的正確率。", "微调同时训练全部：新的线性层从头学，BERT 的每个权重都稍微调整（词嵌入不动）。下面：同一个模型用同样的评论、同样的步数微调两次，一次从预训练的 BERT 开始，一次从随机权重开始，以及它们在没训练过的评论上的正确率。";
    ClsCompareText => "The same architecture, data and number of steps, fine-tuned twice: once from Sesame's pretrained BERT, once from random weights. Training loss by step, and accuracy on every held-out review.", "同樣的架構、資料和步數，微調兩次：一次從 Sesame 預訓練的 BERT，一次從隨機權重。每一步的訓練損失，以及在全部保留評論上的正確率。", "同样的架构、数据和步数，微调两次：一次从 Sesame 预训练的 BERT，一次从随机权重。每一步的训练损失，以及在全部保留评论上的正确率。";
    ClsHeldOut => "Held-out reviews:", "保留的評論數：", "保留的评论数：";
    ClsHelped => "starting from the pretrained BERT gave the higher held-out accuracy with the same data and steps.", "從預訓練的 BERT 開始，同樣的資料和步數得到較高的保留集正確率。", "从预训练的 BERT 开始，同样的数据和步数得到较高的保留集正确率。";
    ClsNotHelped => "here the pretrained start gave no clear advantage (less than 2 points). This small Chinese BERT was pretrained on little text, and review sentiment rests largely on a few telling characters (好, 差, 失望) that a model learns from the labels alone; the lecture's gap needs a stronger pretrained model.", "這裡預訓練的起點沒有明顯優勢（不到 2 個百分點）。這個小的中文 BERT 只用很少的文字預訓練，而評論的情感大多取決於幾個關鍵字（好、差、失望），模型只靠標籤也學得會；課堂上的差距需要更強的預訓練模型。", "这里预训练的起点没有明显优势（不到 2 个百分点）。这个小的中文 BERT 只用很少的文字预训练，而评论的情感大多取决于几个关键字（好、差、失望），模型只靠标签也学得会；课堂上的差距需要更强的预训练模型。";
    ClsAccuracy => "accuracy %", "正確率 %", "正确率 %";
    NavTagging => "Token → class", "每個 token → 類別", "每个 token → 类别";
    PageTaggingBlurb => "Fine-tuning, case 2: a sentence in, a part of speech for every word out; in Chinese (People's Daily 1998, 44 tags) the model finds the words too, in English (Brown corpus, 12 universal tags) it tags word pieces. Pretrained vs random weights.", "微調情境二：輸入句子，每個詞輸出一個詞性；中文（1998 年人民日報，44 種標記）的詞也由模型切分，英文（Brown 語料庫，12 種通用標記）標在詞片上。預訓練 vs 隨機權重。", "微调情境二：输入句子，每个词输出一个词性；中文（1998 年人民日报，44 种标记）的词也由模型切分，英文（Brown 语料库，12 种通用标记）标在词片上。预训练 vs 随机权重。";
    PosTitle => "Fine-tuning, case 2: a sequence in, a class for every token", "微調，情境二：輸入一個序列，每個 token 輸出一個類別", "微调，情境二：输入一个序列，每个 token 输出一个类别";
    PosLede => "The lecture's second way to use BERT, with its own example, part-of-speech tagging: BERT reads the whole sentence, and every token's output vector goes through the same linear layer and a softmax.", "課堂上使用 BERT 的第二種方式，用課堂自己的例子：詞性標註。BERT 讀整個句子，每個 token 的輸出向量都經過同一層線性層和 softmax。", "课堂上使用 BERT 的第二种方式，用课堂自己的例子：词性标注。BERT 读整个句子，每个 token 的输出向量都经过同一层线性层和 softmax。";
    PosModelZh => "Chinese, People's Daily (pos-zh)", "中文，人民日報（pos-zh）", "中文，人民日报（pos-zh）";
    PosModelEn => "English, Brown corpus (pos-en)", "英文，Brown 語料庫（pos-en）", "英文，Brown 语料库（pos-en）";
    PosAboutZh => "Chinese is written without spaces, so Sesame tags each word through its first character and gives the word's other characters the class I (\"same word\"): the model finds the words and their parts of speech at once. pos-zh was fine-tuned from Sesame's pretrained bert-zh on the People's Daily of January 1998, tagged by Peking University with 44 tags.", "中文沒有空格，所以 Sesame 用每個詞的第一個字標詞性，詞裡其他的字標為 I（「同一個詞」）：模型同時找出詞和詞性。pos-zh 從 Sesame 預訓練的 bert-zh 開始，用北京大學標註（44 種標記）的 1998 年 1 月人民日報微調。", "中文没有空格，所以 Sesame 用每个词的第一个字标词性，词里其他的字标为 I（“同一个词”）：模型同时找出词和词性。pos-zh 从 Sesame 预训练的 bert-zh 开始，用北京大学标注（44 种标记）的 1998 年 1 月人民日报微调。";
    PosAboutEn => "English words are cut into word pieces (tagging → tag, ##ging), so each word's first piece gets its tag and the other pieces the class I. pos-en was fine-tuned from Sesame's bert-en on the Brown corpus (1.16 M words of 1961 American English), its 87 tags mapped to the 12 universal tags.", "英文的詞會切成詞片（tagging → tag、##ging），所以每個詞的第一個詞片標詞性，其他詞片標為 I。pos-en 從 Sesame 的 bert-en 開始，用 Brown 語料庫（1961 年美國英文，116 萬詞）微調，它的 87 種標記對應到 12 種通用標記。", "英文的词会切成词片（tagging → tag、##ging），所以每个词的第一个词片标词性，其他词片标为 I。pos-en 从 Sesame 的 bert-en 开始，用 Brown 语料库（1961 年美国英文，116 万词）微调，它的 87 种标记对应到 12 种通用标记。";
    PosPresets => "Held-out sentences", "沒訓練過的句子", "没训练过的句子";
    PosInput => "Your sentence (press Tab or click outside to tag)", "你的句子（按 Tab 或點旁邊就會標註）", "你的句子（按 Tab 或点旁边就会标注）";
    PosErrEmpty => "Type a sentence to tag.", "請輸入要標註的句子。", "请输入要标注的句子。";
    PosResult => "The words and parts of speech the model found", "模型找出的詞和詞性", "模型找出的词和词性";
    PosGold => "The corpus's own words and tags", "語料庫本來的詞和標記", "语料库本来的词和标记";
    PosAgreement => "words found with the same span and tag as the corpus", "個詞的範圍和標記都和語料庫相同", "个词的范围和标记都和语料库相同";
    PosClasses => "classes", "個類別", "个类别";
    PosExplain => "One linear layer, shared by every position, turns each token's output vector into a score for every tag and for I. Because BERT's vectors are contextual, the same character or word can get different tags in different sentences (在 as a verb or a preposition; \"book\" as a noun or a verb). Colours group the tags:", "同一層線性層用在每個位置，把每個 token 的輸出向量變成每種標記和 I 的分數。因為 BERT 的向量是有上下文的，同一個字或詞在不同句子裡可以得到不同的標記（例如「在」當動詞或介詞，英文的 book 當名詞或動詞）。顏色把標記分組：", "同一层线性层用在每个位置，把每个 token 的输出向量变成每种标记和 I 的分数。因为 BERT 的向量是有上下文的，同一个字或词在不同句子里可以得到不同的标记（例如“在”当动词或介词，英文的 book 当名词或动词）。颜色把标记分组：";
    PosAllTags => "All tags", "全部標記", "全部标记";
    PosNoun => "nouns, time and place words", "名詞、時間和處所詞", "名词、时间和处所词";
    PosProper => "names", "專名", "专名";
    PosVerb => "verbs", "動詞", "动词";
    PosAdj => "adjectives", "形容詞", "形容词";
    PosAdv => "adverbs", "副詞", "副词";
    PosNum => "numerals, measure words", "數詞、量詞", "数词、量词";
    PosPron => "pronouns", "代詞", "代词";
    PosFunction => "function words (prepositions, conjunctions, particles, determiners)", "虛詞（介詞、連詞、助詞、限定詞）", "虚词（介词、连词、助词、限定词）";
    PosPunct => "punctuation", "標點", "标点";
    PosOther => "other (idioms, affixes, foreign words, …)", "其他（成語、詞綴、外文…）", "其他（成语、词缀、外文…）";
    PosWordAccuracy => "word tags %", "詞性正確率 %", "词性正确率 %";
    PosTokenAccuracy => "all tokens (with I) %", "全部 token（含 I）%", "全部 token（含 I）%";
    PosCompareText => "The same architecture, data and number of steps, fine-tuned twice: once from Sesame's pretrained BERT, once from random weights. Training loss by step; on every held-out sentence, the share of words whose first token gets the right tag, and of all tokens (tags and I) right.", "同樣的架構、資料和步數，微調兩次：一次從 Sesame 預訓練的 BERT，一次從隨機權重。每一步的訓練損失；在全部保留句子上，詞的第一個 token 標對詞性的比例，以及全部 token（詞性和 I）標對的比例。", "同样的架构、数据和步数，微调两次：一次从 Sesame 预训练的 BERT，一次从随机权重。每一步的训练损失；在全部保留句子上，词的第一个 token 标对词性的比例，以及全部 token（词性和 I）标对的比例。";
    PosHeldOut => "Held-out sentences:", "保留的句子數：", "保留的句子数：";
    PosHelped => "starting from the pretrained BERT tagged more held-out words right with the same data and steps.", "從預訓練的 BERT 開始，同樣的資料和步數，保留集的詞性標對得更多。", "从预训练的 BERT 开始，同样的数据和步数，保留集的词性标对得更多。";
    PosNotHelped => "here the pretrained start gave no clear advantage (less than 2 points).", "這裡預訓練的起點沒有明顯優勢（不到 2 個百分點）。", "这里预训练的起点没有明显优势（不到 2 个百分点）。";
    NavQnli => "Two sentences → class", "兩個句子 → 類別", "两个句子 → 类别";
    QnliTitle => "Fine-tuning, case 3: two sentences in, a class out", "微調，情境三：輸入兩個句子，輸出一個類別", "微调，情境三：输入两个句子，输出一个类别";
    QnliLede => "The lecture's third way to use BERT: both sentences go in together, [CLS] question [SEP] sentence [SEP], and the output at [CLS] goes through one linear layer and a softmax. The lecture's example is natural-language inference (premise and hypothesis: entailment, contradiction or neutral), but no NLI data set can be had here. So this is QNLI, the GLUE task made the same way from reading-comprehension data: does the sentence contain the answer to the question?", "課堂上使用 BERT 的第三種方式：兩個句子一起輸入，[CLS] 問題 [SEP] 句子 [SEP]，[CLS] 的輸出經過一層線性層和 softmax。課堂的例子是自然語言推論（前提和假設：蘊含、矛盾或中立），但這裡拿不到 NLI 資料集。所以這是 QNLI，GLUE 裡用閱讀理解資料做成的同類任務：這個句子有沒有包含問題的答案？", "课堂上使用 BERT 的第三种方式：两个句子一起输入，[CLS] 问题 [SEP] 句子 [SEP]，[CLS] 的输出经过一层线性层和 softmax。课堂的例子是自然语言推理（前提和假设：蕴含、矛盾或中立），但这里拿不到 NLI 数据集。所以这是 QNLI，GLUE 里用阅读理解数据做成的同类任务：这个句子有没有包含问题的答案？";
    QnliAboutZh => "Sesame built it from DRCD and CMRC 2018 (the same data as the QA page): for each question, the sentence holding its answer, and another sentence of the paragraph that shares at least one character with the question, drawn at random.", "Sesame 用 DRCD 和 CMRC 2018（和問答頁同一份資料）做出來：每個問題配上含有答案的句子，以及同一段落中隨機抽出、和問題至少共用一個字的另一個句子。", "Sesame 用 DRCD 和 CMRC 2018（和问答页同一份数据）做出来：每个问题配上含有答案的句子，以及同一段落中随机抽出、和问题至少共用一个字的另一个句子。";
    QnliAboutEn => "qnli-en: built by Sesame from SQuAD v1.1's development articles (the same data as the English QA page): for each question, the sentence holding its answer, and another sentence of the paragraph that shares at least one word with the question (function words aside), drawn at random. Both runs train only the top two blocks, the pooler and the class layer; the embeddings and the four lower blocks stay as they started (pretrained, or random).", "qnli-en：Sesame 用 SQuAD v1.1 的開發集文章（和英文問答頁同一份資料）做出來：每個問題配上含有答案的句子，以及同一段落中隨機抽出、和問題至少共用一個詞（虛詞不算）的另一個句子。兩次都只訓練最上面兩層、pooler 和分類層；嵌入和下面四層維持開始時的樣子（預訓練的，或隨機的）。", "qnli-en：Sesame 用 SQuAD v1.1 的开发集文章（和英文问答页同一份数据）做出来：每个问题配上含有答案的句子，以及同一段落中随机抽出、和问题至少共用一个词（虚词不算）的另一个句子。两次都只训练最上面两层、pooler 和分类层；嵌入和下面四层维持开始时的样子（预训练的，或随机的）。";
    QnliModelZh => "Chinese: DRCD + CMRC 2018 (qnli-zh)", "中文：DRCD + CMRC 2018（qnli-zh）", "中文：DRCD + CMRC 2018（qnli-zh）";
    QnliModelEn => "English: SQuAD (qnli-en)", "英文：SQuAD（qnli-en）", "英文：SQuAD（qnli-en）";
    QnliPresets => "Held-out pairs", "沒訓練過的句子對", "没训练过的句子对";
    QnliQuestion => "Question (sentence 1)", "問題（句子 1）", "问题（句子 1）";
    QnliSentence => "Sentence (sentence 2; press Tab or click outside to classify)", "句子（句子 2；按 Tab 或點旁邊就會分類）", "句子（句子 2；按 Tab 或点旁边就会分类）";
    QnliGold => "The pair's own label:", "這個句子對本來的標籤：", "这个句子对本来的标签：";
    QnliErrEmpty => "Type a question and a sentence.", "請輸入問題和句子。", "请输入问题和句子。";
    QnliEntailment => "contains the answer (entailment)", "含有答案（蘊含）", "含有答案（蕴含）";
    QnliNotEntailment => "does not contain it (not entailment)", "沒有答案（非蘊含）", "没有答案（非蕴含）";
    QnliSegments => "Tokens of sentence 2 (underlined) get the second segment embedding; that and [SEP] are how BERT tells the two sentences apart.", "句子 2 的 token（有底線）加上第二個段落嵌入；BERT 靠它和 [SEP] 分辨兩個句子。", "句子 2 的 token（有下划线）加上第二个段落嵌入；BERT 靠它和 [SEP] 分辨两个句子。";
    QnliExplain => "One model reads both sentences at once, so self-attention lets every character of the question look at every character of the sentence: that is why case 3 feeds them together instead of comparing two separate vectors. Below: the same model fine-tuned twice on the same pairs for the same number of steps, once from the pretrained BERT and once from random weights, with their accuracy on held-out pairs (articles never seen in training). Both classes are equally common, so guessing scores 50 %.", "一個模型同時讀兩個句子，所以自注意力讓問題的每個字都能看到句子的每個字：這就是情境三把兩句一起輸入、而不是比較兩個分開的向量的原因。下面：同一個模型用同樣的句子對、同樣的步數微調兩次，一次從預訓練的 BERT 開始，一次從隨機權重開始，以及它們在保留句子對（訓練時沒看過的文章）上的正確率。兩個類別一樣多，所以亂猜是 50 %。", "一个模型同时读两个句子，所以自注意力让问题的每个字都能看到句子的每个字：这就是情境三把两句一起输入、而不是比较两个分开的向量的原因。下面：同一个模型用同样的句子对、同样的步数微调两次，一次从预训练的 BERT 开始，一次从随机权重开始，以及它们在保留句子对（训练时没看过的文章）上的正确率。两个类别一样多，所以乱猜是 50 %。";
    QnliCompareText => "The same architecture, data and number of steps, fine-tuned twice: once from Sesame's pretrained BERT, once from random weights. Training loss by step, and accuracy on every held-out pair.", "同樣的架構、資料和步數，微調兩次：一次從 Sesame 預訓練的 BERT，一次從隨機權重。每一步的訓練損失，以及在全部保留句子對上的正確率。", "同样的架构、数据和步数，微调两次：一次从 Sesame 预训练的 BERT，一次从随机权重。每一步的训练损失，以及在全部保留句子对上的正确率。";
    QnliBaseline => "For comparison, a rule with no learning — \"contains the answer\" when the sentence shares at least a few characters (Chinese) or words (English, function words aside) with the question, the number fitted on the training pairs — scores on the same held-out pairs:", "作為對照，一條不用學習的規則——句子和問題共用至少幾個字（中文）或詞（英文，虛詞不算）就算「含有答案」，個數用訓練句子對選定——在同樣的保留句子對上得到：", "作为对照，一条不用学习的规则——句子和问题共用至少几个字（中文）或词（英文，虚词不算）就算“含有答案”，个数用训练句子对选定——在同样的保留句子对上得到：";
    QnliHeldOut => "Held-out pairs:", "保留的句子對數：", "保留的句子对数：";
    QnliNotHelped => "here the pretrained start gave no clear advantage (less than 2 points). This small Chinese BERT (2 layers, pretrained on little text) brought little to fine-tuning; the lecture's gap needs a stronger pretrained model.", "這裡預訓練的起點沒有明顯優勢（不到 2 個百分點）。這個小的中文 BERT（2 層，只用很少的文字預訓練）沒有為微調帶來多少幫助；課堂上的差距需要更強的預訓練模型。", "这里预训练的起点没有明显优势（不到 2 个百分点）。这个小的中文 BERT（2 层，只用很少的文字预训练）没有为微调带来多少帮助；课堂上的差距需要更强的预训练模型。";
    QnliBelowBaseline => "Both fine-tuned models score below this rule: they match the question's characters or words with the sentence's less well than the rule does for free. A stronger pretrained BERT, or more fine-tuning, is what should close that gap.", "兩個微調後的模型都低於這條規則：它們把問題和句子的字詞對起來的能力，還不如規則直接用上的。要補上這個差距，需要更強的預訓練 BERT 或更多的微調。", "两个微调后的模型都低于这条规则：它们把问题和句子的字词对起来的能力，还不如规则直接用上的。要补上这个差距，需要更强的预训练 BERT 或更多的微调。";
    PageQnliBlurb => "Fine-tuning, case 3: a question and a sentence in, \"contains the answer?\" out (GLUE's QNLI, built from the QA data); fine-tuned from the pretrained BERT vs from random weights.", "微調情境三：輸入問題和句子，輸出「有沒有答案」（GLUE 的 QNLI，用問答資料做成）；從預訓練 BERT 微調 vs 從隨機權重。", "微调情境三：输入问题和句子，输出“有没有答案”（GLUE 的 QNLI，用问答数据做成）；从预训练 BERT 微调 vs 从随机权重。";
    QaCompareTitle => "Pre-training vs random initialisation", "預訓練 vs 隨機初始化", "预训练 vs 随机初始化";
    QaCompareText => "The same architecture, data and number of steps, fine-tuned twice: once from Sesame's pretrained BERT, once from random weights. Training loss by step, and exact match / F1 on the whole validation set.", "同樣的架構、資料和步數，微調兩次：一次從 Sesame 預訓練好的 BERT 開始，一次從隨機權重開始。依步數畫出訓練損失，以及在整個驗證集上的完全符合率（EM）與 F1。", "同样的架构、数据和步数，微调两次：一次从 Sesame 预训练好的 BERT 开始，一次从随机权重开始。按步数画出训练损失，以及在整个验证集上的完全匹配率（EM）与 F1。";
    QaPretrained => "from the pretrained BERT", "從預訓練的 BERT", "从预训练的 BERT";
    QaRandomInit => "from random initialisation", "從隨機初始化", "从随机初始化";
    QaSteps => "steps", "步數", "步数";
    QaFinalLoss => "final training loss", "最後的訓練損失", "最后的训练损失";
    QaValidQuestions => "Validation questions:", "驗證題數：", "验证题数：";

    DiagFiles => "files", "檔案", "文件";
    DiagBuild => "build", "建立模型", "构建模型";
    DiagFirstRun => "first run", "第一次執行", "第一次运行";
    DiagMemory => "wasm memory", "wasm 記憶體", "wasm 内存";
    NavOffline => "Offline use", "離線使用", "离线使用";
    FooterRelease => "Release", "版本", "版本";
    OffTitle => "Offline use and storage", "離線使用與儲存空間", "离线使用与存储空间";
    OffLede => "Sesame keeps the app and every model you open on this device, so those pages also work without a network. Download every model now to use all pages offline, for example before a class.", "Sesame 會把程式和你開過的每個模型存在這台裝置上，所以這些頁面沒有網路也能用。現在下載全部模型，就能離線使用所有頁面，例如上課前先準備好。", "Sesame 会把程序和你打开过的每个模型存在这台设备上，所以这些页面没有网络也能用。现在下载全部模型，就能离线使用所有页面，例如上课前先准备好。";
    OffApp => "The app", "應用程式", "应用程序";
    OffSwReady => "The app is stored on this device and works offline.", "應用程式已存在這台裝置上，可以離線使用。", "应用程序已存在这台设备上，可以离线使用。";
    OffSwRegistering => "Storing the app on this device…", "正在把應用程式存到這台裝置上……", "正在把应用程序存到这台设备上……";
    OffSwUnsupported => "This browser cannot keep the app for offline use (no service workers); everything else works.", "這個瀏覽器無法把應用程式留著離線使用（不支援 service worker）；其他功能都正常。", "这个浏览器无法把应用程序留着离线使用（不支持 service worker）；其他功能都正常。";
    OffSwFailed => "The app could not be stored for offline use", "無法把應用程式存下來離線使用", "无法把应用程序存下来离线使用";
    OffRelease => "This release:", "目前版本：", "当前版本：";
    OffModels => "Models", "模型", "模型";
    OffCached => "on this device", "已在這台裝置上", "已在这台设备上";
    OffNotCached => "not downloaded yet", "尚未下載", "尚未下载";
    OffKeptAsBase => "an earlier version, kept for the fine-tuned models trained on it", "較早的版本，留給以它微調的模型使用", "较早的版本，留给以它微调的模型使用";
    OffDownloadAll => "Make all models available offline", "下載全部模型以便離線使用", "下载全部模型以便离线使用";
    OffDownloading => "Downloading", "下載中", "下载中";
    OffDone => "Every model is on this device: all pages work offline.", "所有模型都已在這台裝置上：每一頁都能離線使用。", "所有模型都已在这台设备上：每一页都能离线使用。";
    OffClear => "Remove downloaded models", "刪除已下載的模型", "删除已下载的模型";
    OffCleared => "Downloaded models removed; they download again when a page needs them.", "已刪除下載的模型；頁面需要時會再下載。", "已删除下载的模型；页面需要时会再下载。";
    OffFailed => "Download failed", "下載失敗", "下载失败";
    OffStorage => "Storage this site uses", "本網站使用的儲存空間", "本网站使用的存储空间";
    OffAvailable => "available", "可用", "可用";
    UpdateReady => "A new version of Sesame is ready.", "Sesame 有新版本了。", "Sesame 有新版本了。";
    UpdateReload => "Reload to update", "重新載入以更新", "重新加载以更新";
    EmbedButton => "Embed", "嵌入", "嵌入";
    EmbedHelp => "Paste this code into course material or any web page: it shows this page as you see it now. Tick the controls the embed should hide.", "把這段程式碼貼到課程教材或任何網頁裡，就會顯示你現在看到的這一頁。勾選嵌入時要隱藏的控制項。", "把这段代码贴到课程材料或任何网页里，就会显示你现在看到的这一页。勾选嵌入时要隐藏的控件。";
    EmbedHide => "Hide", "隱藏", "隐藏";
    EmbedCopy => "Copy code", "複製程式碼", "复制代码";
    EmbedCopied => "Copied.", "已複製。", "已复制。";
    EmbedCopyFailed => "This browser did not allow copying: select the code and press Ctrl+C.", "瀏覽器不允許複製：請選取程式碼後按 Ctrl+C。", "浏览器不允许复制：请选中代码后按 Ctrl+C。";
    EmbedOpen => "Sesame · open the full page ↗", "Sesame · 開啟完整頁面 ↗", "Sesame · 打开完整页面 ↗";
    CtlModel => "model choice", "模型選擇", "模型选择";
    CtlPresets => "example buttons", "範例按鈕", "示例按钮";
    CtlText => "text box", "文字輸入框", "文字输入框";
    CtlExample => "80/10/10 panel", "80/10/10 說明", "80/10/10 说明";
    CtlCurve => "loss curve", "損失曲線", "损失曲线";
    CtlInputs => "sentence boxes", "句子輸入框", "句子输入框";
    CtlTarget => "target word", "目標字詞", "目标字词";
    CtlSentences => "sentence list", "句子清單", "句子列表";
    CtlRun => "run button", "執行按鈕", "运行按钮";
    CtlLayer => "layer slider", "層數滑桿", "层数滑块";
    CtlOpen => "link to the full page", "完整頁面連結", "完整页面链接";
    UrlNotice => "Some values in the address could not be used and were replaced by defaults:", "網址裡有些值無法使用，已換成預設值：", "网址里有些值无法使用，已换成默认值：";
    UrlTooLong => "too long", "太長", "太长";
    UrlUnknown => "unknown value", "不認得的值", "不认识的值";
    UrlDismiss => "Dismiss", "知道了", "知道了";
    AppTagline => "Self-supervised learning, runnable in your browser", "自督導式學習，在瀏覽器裡跑起來", "自监督学习，在浏览器里跑起来";
    NavHome => "Home", "首頁", "首页";
    NavAutoencoder => "Auto-encoders", "自編碼器", "自编码器";
    PageAutoencoderBlurb => "Reconstruction, denoising, the latent space, VQ-VAE codes, anomaly detection, and training one yourself in the page.", "重建、去雜訊、潛在空間、VQ-VAE 離散編碼、異常偵測，還有在網頁裡自己訓練一個。", "重建、去噪、潜在空间、VQ-VAE 离散编码、异常检测，还有在网页里自己训练一个。";
    TabRecon => "Reconstruction", "重建", "重建";
    TabDenoise => "Denoising", "去雜訊", "去噪";
    TabLatent => "Latent space", "潛在空間", "潜在空间";
    TabCodes => "Discrete codes", "離散編碼", "离散编码";
    TabAnomaly => "Anomaly detection", "異常偵測", "异常检测";
    TabTrain => "Train it yourself", "自己訓練", "自己训练";
    TabDownstream => "Codes downstream", "編碼用於下游", "编码用于下游";
    AeDsTitle => "Use the code for a downstream task", "把編碼用在下游任務", "把编码用在下游任务";
    AeDsLede => "The encoder learnt its code from images alone, without a single label. Now a few labelled images are given to a linear classifier: once as raw pixels (784 numbers), once as the code (2, 8 or 32 numbers). Which learns more from few labels? Both are judged on the same 1,000 test images.", "編碼器只看圖片、沒有任何標籤就學會了它的編碼。現在把少量有標籤的圖給一個線性分類器：一次給原始像素（784 個數字），一次給編碼（2、8 或 32 個數字）。標籤很少時哪個學得比較好？兩者都用同樣的 1,000 張測試圖評分。", "编码器只看图片、没有任何标签就学会了它的编码。现在把少量有标签的图给一个线性分类器：一次给原始像素（784 个数字），一次给编码（2、8 或 32 个数字）。标签很少时哪个学得比较好？两者都用同样的 1,000 张测试图评分。";
    AeDsLabels => "Labelled images", "有標籤的圖", "有标签的图";
    AeDsPixels => "Raw pixels (784)", "原始像素（784）", "原始像素（784）";
    AeDsCode => "Auto-encoder code", "自編碼器的編碼", "自编码器的编码";
    AeDsPerClass => "class", "類", "类";
    AeDsCaption => "Test accuracy of a linear classifier (1,000 MNIST test images)", "線性分類器的測試正確率（1,000 張 MNIST 測試圖）", "线性分类器的测试正确率（1,000 张 MNIST 测试图）";
    AeDsTrainAccuracy => "accuracy on its labelled images", "在它的標籤圖上的正確率", "在它的标签图上的正确率";
    AeDsTraining => "training classifier", "訓練分類器", "训练分类器";
    AeDsEpoch => "epoch", "回合", "回合";
    AeDsChance => "Guessing gives 10 %. The labelled images are the first of each class among 2,000 MNIST training images; the test images are never trained on.", "亂猜是 10 %。有標籤的圖是 2,000 張 MNIST 訓練圖裡每一類的前幾張；測試圖從來沒有拿來訓練。", "乱猜是 10 %。有标签的图是 2,000 张 MNIST 训练图里每一类的前几张；测试图从来没有拿来训练。";
    AeDsExplain => "The classifier is one linear layer and a softmax, y = softmax(W x + b), trained here in your browser (150 epochs of full-batch Adam, the same settings for pixels and codes; every input number is first centred and scaled with the statistics of all 2,000 training images, which needs no labels). This is the lecture's point about self-supervised learning: the unlabelled data did the hard part, so the downstream task needs fewer labels. With a code of 2 numbers too much is lost; with 8 or 32 the code usually beats the pixels when labels are few.", "分類器只有一層線性層加 softmax：y = softmax(W x + b)，就在你的瀏覽器裡訓練（全批次 Adam 150 回合，像素和編碼用同樣設定；每個輸入數字先用全部 2,000 張訓練圖的統計量置中、縮放，這一步不需要標籤）。這就是課堂上自督導式學習的重點：沒標籤的資料完成了困難的部分，所以下游任務需要的標籤比較少。編碼只有 2 個數字時丟掉太多資訊；有 8 或 32 個時，標籤少的情況下編碼通常贏過像素。", "分类器只有一层线性层加 softmax：y = softmax(W x + b)，就在你的浏览器里训练（全批次 Adam 150 回合，像素和编码用同样设置；每个输入数字先用全部 2,000 张训练图的统计量居中、缩放，这一步不需要标签）。这就是课堂上自监督学习的重点：没标签的数据完成了困难的部分，所以下游任务需要的标签比较少。编码只有 2 个数字时丢掉太多信息；有 8 或 32 个时，标签少的情况下编码通常赢过像素。";
    AeTrainTitle => "Train an auto-encoder yourself", "自己訓練一個自編碼器", "自己训练一个自编码器";
    AeTrainLede => "A small auto-encoder starts from random weights and learns, right here on your device, to reconstruct 2,000 MNIST training images. Watch the loss fall and the reconstructions sharpen.", "一個小自編碼器從隨機權重開始，就在你的裝置上學習重建 2,000 張 MNIST 訓練圖。看損失下降、重建越來越清楚。", "一个小自编码器从随机权重开始，就在你的设备上学习重建 2,000 张 MNIST 训练图。看损失下降、重建越来越清楚。";
    AeTrainExplain => "Each step takes 32 images, measures the mean squared error of their reconstructions, back-propagates it and moves every weight a little (AdamW, learning rate 0.003). Nothing is labelled: the input is the target. The shown test images are never trained on.", "每一步拿 32 張圖，算它們重建的均方誤差，反向傳播，把每個權重移動一點（AdamW，學習率 0.003）。沒有任何標註：輸入就是目標。顯示的測試圖從來沒有拿來訓練。", "每一步拿 32 张图，算它们重建的均方误差，反向传播，把每个权重移动一点（AdamW，学习率 0.003）。没有任何标注：输入就是目标。显示的测试图从来没有拿来训练。";
    AeTrainStart => "Start training", "開始訓練", "开始训练";
    AeTrainContinue => "Continue", "繼續", "继续";
    AeTrainPause => "Pause", "暫停", "暂停";
    AeTrainReset => "Reset", "重設", "重置";
    AeStepsPerSecond => "steps/s", "步/秒", "步/秒";
    AeSteps => "steps", "步數", "步数";
    AeTrainLoss => "training loss (MSE):", "訓練損失（MSE）：", "训练损失（MSE）：";
    AeLiveHint => "Top: test images. Bottom: the model's reconstructions now.", "上：測試圖。下：模型目前的重建。", "上：测试图。下：模型目前的重建。";
    AeReconTitle => "Auto-encoder: reconstruct the input", "自編碼器：重建輸入", "自编码器：重建输入";
    AeReconLede => "The encoder squeezes a 28×28 image (784 numbers) into a bottleneck of 2, 8 or 32 numbers; the decoder draws the image back from them. The input is its own label: no one labelled anything.", "編碼器把 28×28 的圖（784 個數字）壓進只有 2、8 或 32 個數字的瓶頸；解碼器再從這幾個數字把圖畫回來。輸入就是自己的標準答案：沒有人標註任何東西。", "编码器把 28×28 的图（784 个数字）压进只有 2、8 或 32 个数字的瓶颈；解码器再从这几个数字把图画回来。输入就是自己的标准答案：没有人标注任何东西。";
    AeReconExplain => "Training lowers the mean squared error between input and reconstruction. A smaller bottleneck keeps less detail: compare 2, 8 and 32. The difference image shows red where the reconstruction is too bright and blue where it is too dark. Draw your own digit to see what the model makes of something it has never seen.", "訓練讓輸入和重建之間的均方誤差變小。瓶頸越小，留下的細節越少：比較 2、8、32。差異圖中紅色是重建太亮的地方，藍色是太暗的地方。畫一個自己的數字，看看模型怎麼處理沒看過的東西。", "训练让输入和重建之间的均方误差变小。瓶颈越小，留下的细节越少：比较 2、8、32。差异图中红色是重建太亮的地方，蓝色是太暗的地方。画一个自己的数字，看看模型怎么处理没看过的东西。";
    AeData => "Data", "資料", "数据";
    AeBottleneck => "Bottleneck", "瓶頸維度", "瓶颈维度";
    AeDrawHint => "Or draw a digit here (mouse, pen or finger):", "或在這裡畫一個數字（滑鼠、觸控筆或手指）：", "或在这里画一个数字（鼠标、触控笔或手指）：";
    AeClear => "Clear", "清除", "清除";
    AeYourDrawing => "Your drawing", "你的畫", "你的画";
    AeInput => "Input", "輸入", "输入";
    AeReconstruction => "Reconstruction", "重建", "重建";
    AeDifference => "Difference", "差異", "差异";
    AeCode => "Code (the bottleneck)", "編碼（瓶頸）", "编码（瓶颈）";
    AeMoreImages => "More images", "更多圖片", "更多图片";
    AeDenoiseTitle => "Denoising auto-encoder", "去雜訊自編碼器", "去噪自编码器";
    AeDenoiseLede => "Add noise to the input but ask for the clean image: the denoising auto-encoder learned to remove noise it has seen in training. A plain auto-encoder of the same size gets the same noisy input.", "在輸入加上雜訊，但要求輸出乾淨的圖：去雜訊自編碼器學會了去掉訓練時見過的雜訊。同樣大小的一般自編碼器拿到同一張有雜訊的圖。", "在输入加上噪声，但要求输出干净的图：去噪自编码器学会了去掉训练时见过的噪声。同样大小的普通自编码器拿到同一张有噪声的图。";
    AeDenoiseExplain => "The denoiser was trained on Gaussian noise up to σ 0.5 and salt-and-pepper noise up to 25% of the pixels; the target was always the clean image. MSE is measured against the clean image. Push the level beyond what it was trained on to see where it fails.", "去雜訊模型訓練時看過 σ 最高 0.5 的高斯雜訊和最多 25% 像素的椒鹽雜訊；目標一律是乾淨的圖。MSE 是和乾淨的圖比。把雜訊調到超過訓練時的程度，看看它在哪裡失敗。", "去噪模型训练时看过 σ 最高 0.5 的高斯噪声和最多 25% 像素的椒盐噪声；目标一律是干净的图。MSE 是和干净的图比。把噪声调到超过训练时的程度，看看它在哪里失败。";
    AeNoise => "Noise", "雜訊", "噪声";
    AeGaussian => "Gaussian", "高斯", "高斯";
    AeSaltPepper => "Salt and pepper", "椒鹽", "椒盐";
    AeLevel => "Level", "強度", "强度";
    AeNoisy => "Noisy input", "有雜訊的輸入", "有噪声的输入";
    AeRestored => "Denoising AE", "去雜訊自編碼器", "去噪自编码器";
    AePlainRestored => "Plain AE", "一般自編碼器", "普通自编码器";
    AeClean => "Clean image", "乾淨的圖", "干净的图";
    AeLatentTitle => "Latent space", "潛在空間", "潜在空间";
    AeLatentLede => "With a bottleneck of 2 numbers every image is a point in a plane. Similar images land close together although no labels were used; the colours (classes) are only added for you. Hover or click anywhere to decode that point.", "瓶頸只有 2 個數字時，每張圖都是平面上的一個點。雖然沒有用任何標籤，相似的圖會落在附近；顏色（類別）只是畫給你看的。把滑鼠移到或點任何位置，就解碼那個點。", "瓶颈只有 2 个数字时，每张图都是平面上的一个点。虽然没有用任何标签，相似的图会落在附近；颜色（类别）只是画给你看的。把鼠标移到或点任何位置，就解码那个点。";
    AeLatentExplain => "The decoder is a generator: any point of the code space gives an image, including points between the training images. With 8 or 32 numbers, start from an image's code and move one number at a time to see what it controls (feature disentanglement: often several features share a number).", "解碼器就是一個生成器：編碼空間的任何一點都會生出一張圖，包括訓練圖片之間的點。有 8 或 32 個數字時，從一張圖的編碼開始，一次調一個數字，看看它控制什麼（特徵解耦：常常好幾個特徵共用一個數字）。", "解码器就是一个生成器：编码空间的任何一点都会生成一张图，包括训练图片之间的点。有 8 或 32 个数字时，从一张图的编码开始，一次调一个数字，看看它控制什么（特征解耦：常常好几个特征共用一个数字）。";
    AeMapCaption => "Codes of the 1,000 test images (colour: class). Hover or click to decode.", "1,000 張測試圖的編碼（顏色：類別）。移過或點擊即解碼。", "1,000 张测试图的编码（颜色：类别）。移过或点击即解码。";
    AeDecoded => "Decoded point", "解碼結果", "解码结果";
    AeCodesTitle => "Discrete codes (VQ-VAE)", "離散編碼（VQ-VAE）", "离散编码（VQ-VAE）";
    AeCodesLede => "A VQ-VAE replaces each of the encoder's 7×7 vectors by the nearest of 32 learned codebook vectors: the image becomes 49 code numbers, like words. Click a cell, pick another code, and see the decoded change.", "VQ-VAE 把編碼器輸出的 7×7 個向量，各自換成 32 個學到的碼本向量中最近的一個：圖變成 49 個編號，像一個個詞。點一格、換一個編號，看解碼出來的變化。", "VQ-VAE 把编码器输出的 7×7 个向量，各自换成 32 个学到的码本向量中最近的一个：图变成 49 个编号，像一个个词。点一格、换一个编号，看解码出来的变化。";
    AeCodesExplain => "The codebook is learned together with the encoder and decoder (moving averages of the vectors assigned to each code; unused codes are restarted). The bars show how often each code is used in the 1,000 test images.", "碼本和編碼器、解碼器一起學（每個編號取分到它的向量的移動平均；沒人用的編號會重新開始）。長條圖是每個編號在 1,000 張測試圖中出現的次數。", "码本和编码器、解码器一起学（每个编号取分到它的向量的移动平均；没人用的编号会重新开始）。条形图是每个编号在 1,000 张测试图中出现的次数。";
    AeGridHint => "The image's 49 codes (click a cell to change it):", "這張圖的 49 個編號（點一格來更改）：", "这张图的 49 个编号（点一格来更改）：";
    AePickCode => "New code:", "新編號：", "新编号：";
    AeEdited => "Decoded after your edit", "修改後解碼", "修改后解码";
    AeUsage => "Codes used in the test images:", "測試圖用到的編號：", "测试图用到的编号：";
    AeAnomalyTitle => "Anomaly detection", "異常偵測", "异常检测";
    AeAnomalyLede => "Train an auto-encoder on normal images only: it reconstructs normal images well and anything else badly, so the reconstruction error is an anomaly score. Choose what is normal.", "只用正常的圖訓練自編碼器：正常的圖重建得好，其他的重建得差，所以重建誤差就是異常分數。選擇什麼是正常。", "只用正常的图训练自编码器：正常的图重建得好，其他的重建得差，所以重建误差就是异常分数。选择什么是正常。";
    AeAnomalyExplain => "Moving the threshold trades false alarms for missed anomalies. The ROC curve shows every threshold at once; its area (AUC) is the chance that a random anomaly scores higher than a random normal image (0.5 is guessing, 1 is perfect). One-class models were trained on one digit of MNIST's training set only.", "移動門檻就是在誤報和漏報之間取捨。ROC 曲線一次畫出所有門檻；曲線下面積（AUC）是隨機一張異常圖的分數高於隨機一張正常圖的機率（0.5 是亂猜，1 是完美）。單一類別模型只用 MNIST 訓練集裡的一個數字訓練。", "移动门槛就是在误报和漏报之间取舍。ROC 曲线一次画出所有门槛；曲线下面积（AUC）是随机一张异常图的分数高于随机一张正常图的概率（0.5 是乱猜，1 是完美）。单一类别模型只用 MNIST 训练集里的一个数字训练。";
    AeWhatIsNormal => "Normal:", "正常：", "正常：";
    AeAllMnist => "all digits (anomalies: Fashion-MNIST)", "所有數字（異常：Fashion-MNIST）", "所有数字（异常：Fashion-MNIST）";
    AeScoring => "Scoring test images:", "正在計算測試圖的分數：", "正在计算测试图的分数：";
    AeNormal => "normal", "正常", "正常";
    AeAnomalous => "anomalies", "異常", "异常";
    AeErrorAxis => "reconstruction error (MSE)", "重建誤差（MSE）", "重建误差（MSE）";
    AeThreshold => "Threshold", "門檻", "门槛";
    AeOfNormalBelow => "of normal images below", "的正常圖低於門檻", "的正常图低于门槛";
    AePrecision => "Precision", "精確率", "精确率";
    AeRecall => "Recall", "召回率", "召回率";
    AeFalseAlarms => "False alarms", "誤報率", "误报率";
    AeNativeEval => "Native evaluation (sesame-train ae-eval)", "原生評估（sesame-train ae-eval）", "原生评估（sesame-train ae-eval）";
    AeFullTestSet => "full test set", "完整測試集", "完整测试集";
    AeTheseImages => "these images", "這些圖", "这些图";
    AeScoreYours => "Score your own: draw, or upload a picture (it is greyscaled, cropped to its strokes and resized to 28×28).", "測你自己的圖：畫一張，或上傳圖片（會轉成灰階、裁到筆畫範圍並縮成 28×28）。", "测你自己的图：画一张，或上传图片（会转成灰度、裁到笔画范围并缩成 28×28）。";
    AeUpload => "Upload a picture", "上傳圖片", "上传图片";
    AeVerdictAnomaly => "anomaly", "異常", "异常";
    AeVerdictNormal => "normal", "正常", "正常";
    NavContextual => "Contextual embeddings", "上下文嵌入", "上下文嵌入";
    NavVision => "Vision", "影像", "图像";
    NavBenchmark => "Benchmark", "評比", "评比";
    NavMultilingual => "Multilingual", "多語言", "多语言";
    MlTitle => "One BERT for Chinese and English", "一個 BERT 讀中文也讀英文", "一个 BERT 读中文也读英文";
    MlLede => "mbert learnt to fill in blanks in Chinese and English text at once, from one shared vocabulary, and never saw a translation. Does it mix the languages? Do words with the same meaning end up close? Can a model fine-tuned in English answer in Chinese?", "mbert 用同一份詞表，同時在中文和英文文字上學填空，從來沒看過任何翻譯。它會把兩種語言混在一起嗎？意思相同的詞會靠得很近嗎？用英文微調的模型能回答中文問題嗎？", "mbert 用同一份词表，同时在中文和英文文字上学填空，从来没看过任何翻译。它会把两种语言混在一起吗？意思相同的词会靠得很近吗？用英文微调的模型能回答中文问题吗？";
    MlNoCard => "The model card could not be read", "讀不到模型卡", "读不到模型卡";
    MlParameters => "parameters", "參數", "参数";
    MlVocabulary => "vocabulary", "詞表", "词表";
    MlSteps => "training steps", "訓練步數", "训练步数";
    MlTrained => "trained", "訓練了", "训练了";
    MlTrainingTokens => "training tokens:", "訓練 token：", "训练 token：";
    MlChinese => "Chinese", "中文", "中文";
    MlEnglish => "English", "英文", "英文";
    MlNeither => "no language (digits, punctuation)", "不屬於任何語言（數字、標點）", "不属于任何语言（数字、标点）";
    MlLayer => "layer {}", "第 {} 層", "第 {} 层";
    MlMixTitle => "No mixing: blanks in either language", "不會混用：兩種語言都能填空", "不会混用：两种语言都能填空";
    MlMixExplain => "Put [MASK] where a word should go. One model answers both languages, and each prediction is marked 中 (Chinese), EN (English) or – (neither). The lecture's claim: it answers in the language it is given.", "在要填詞的地方寫 [MASK]。同一個模型回答兩種語言，每個預測標上 中（中文）、EN（英文）或 –（都不是）。課堂上的說法是：給它哪種語言，它就用哪種語言回答。", "在要填词的地方写 [MASK]。同一个模型回答两种语言，每个预测标上 中（中文）、EN（英文）或 –（都不是）。课堂上的说法是：给它哪种语言，它就用哪种语言回答。";
    MlMixSentence => "Sentence with [MASK]", "含 [MASK] 的句子", "含 [MASK] 的句子";
    MlFill => "Predict", "預測", "预测";
    MlMixNoMask => "Nothing to predict: write [MASK] where a word is missing.", "沒有要預測的地方：在缺詞的位置寫 [MASK]。", "没有要预测的地方：在缺词的位置写 [MASK]。";
    MlBlank => "Blank", "空格", "空格";
    MlOwnShare => "Top-5 predictions in the sentence's language", "前 5 名預測中和句子同語言的", "前 5 名预测中和句子同语言的";
    MlHeldOutCaption => "Measured on held-out text of each language (from the model card)", "在兩種語言各自的保留文字上量到的（來自模型卡）", "在两种语言各自的保留文字上量到的（来自模型卡）";
    MlMaskedTokens => "masked tokens", "個遮住的 token", "个遮住的 token";
    MlAlignTitle => "Alignment: are translations close?", "對齊：翻譯會靠得很近嗎？", "对齐：翻译会靠得很近吗？";
    MlAlignExplain => "Each Chinese word of an HSK sentence and the English word it translates to, each as its vector in its own sentence. Rank all English words by cosine similarity to the Chinese one: Mean Reciprocal Rank (MRR) is the mean of 1 / the right word's rank (1 = always first). The random-init twin is the same network before any training.", "HSK 例句裡的每個中文詞和它的英文翻譯，各自取它在自己句子裡的向量。把所有英文詞按和中文詞的餘弦相似度排名：平均倒數排名（MRR）就是正確英文詞名次倒數的平均（1 表示每次都排第一）。隨機初始化的雙胞胎是同一個網路還沒訓練時的樣子。", "HSK 例句里的每个中文词和它的英文翻译，各自取它在自己句子里的向量。把所有英文词按和中文词的余弦相似度排名：平均倒数排名（MRR）就是正确英文词名次倒数的平均（1 表示每次都排第一）。随机初始化的双胞胎是同一个网络还没训练时的样子。";
    MlAlignLiveTitle => "Nearest English words, computed in this browser", "最接近的英文詞（在這個瀏覽器裡算）", "最接近的英文词（在这个浏览器里算）";
    MlEmbedding => "Running the sentences through mbert:", "正在把句子送進 mbert：", "正在把句子送进 mbert：";
    MlEmbed => "Compute the word vectors", "計算詞向量", "计算词向量";
    MlNoPairs => "This model ships no word pairs for the page.", "這個模型沒有附上給這一頁用的詞對。", "这个模型没有附上给这一页用的词对。";
    MlNotMeasured => "Not measured for this model yet.", "這個模型還沒量過。", "这个模型还没量过。";
    MlEmbeddings => "embeddings", "嵌入層", "嵌入层";
    MlMrrCaption => "MRR of the right English word, per layer (from the model card)", "正確英文詞的 MRR，逐層（來自模型卡）", "正确英文词的 MRR，逐层（来自模型卡）";
    MlPairs => "pairs", "對", "对";
    MlCandidates => "English candidates", "個英文候選詞", "个英文候选词";
    MlChance => "random guessing", "亂猜", "乱猜";
    MlRatio => "ratio", "倍數", "倍数";
    MlOwnShort => "own language in top 5", "前 5 名同語言", "前 5 名同语言";
    MlStep => "step", "步數", "步数";
    MlPairsSource => "Word pairs", "詞對來源", "词对来源";
    MlCurveTitle => "During pretraining, per language (held-out text)", "預訓練過程中，各語言的表現（保留文字）", "预训练过程中，各语言的表现（保留文字）";
    MlRandomHint => "Why is even the untrained twin above chance? Before training, a Chinese word and an English word share only where they stand in their sentences (the position vectors are the same for both languages), and words near the same place rank a little closer. Training has to beat that.", "為什麼連沒訓練的雙胞胎都比亂猜好？訓練前，中文詞和英文詞唯一共有的是它們在句子裡的位置（兩種語言用同一組位置向量），位置相近的詞排名就會稍微靠前。訓練得比這個更好才算數。", "为什么连没训练的双胞胎都比乱猜好？训练前，中文词和英文词唯一共有的是它们在句子里的位置（两种语言用同一组位置向量），位置相近的词排名就会稍微靠前。训练得比这个更好才算数。";
    MlCentred => "mbert, each language's mean vector taken away", "mbert，減去各語言的平均向量", "mbert，减去各语言的平均向量";
    MlSmallTwin => "mbert, {} of the text", "mbert，{} 的文字", "mbert，{} 的文本";
    MlSmallMissing => "The smaller-data twin (the same recipe on a quarter of the text) has no card yet: its figures appear here when it ships.", "資料較少的雙胞胎（同樣的做法，只用四分之一的文字）還沒有模型卡：出了以後它的數字會出現在這裡。", "数据较少的双胞胎（同样的做法，只用四分之一的文本）还没有模型卡：出了以后它的数字会出现在这里。";
    MlBestLayer => "best layer", "最好的一層", "最好的一层";
    MlZsMissingHint => "A dash is a figure not measured yet (that fine-tune's card has not shipped): it is missing, not zero. Random init is the same network fine-tuned the same way from random weights: a model that transfers must beat it on Chinese.", "破折號代表還沒量到的數字（那個微調模型的卡還沒出）：是缺少，不是零。隨機初始化是同一個網路、同樣的微調，只是從隨機權重開始：真的能轉移的模型在中文上必須贏過它。", "破折号代表还没量到的数字（那个微调模型的卡还没出）：是缺少，不是零。随机初始化是同一个网络、同样的微调，只是从随机权重开始：真的能迁移的模型在中文上必须赢过它。";
    MlOwnRandom => "its own random init", "它自己的隨機初始化", "它自己的随机初始化";
    MlOwnRandomHint => "The smaller-data twin trained its own vocabulary on its quarter of the text, so its untrained start is not mbert's: each is compared with its own random init (the ratio under the twin's bar).", "資料較少的雙胞胎用它那四分之一的文字訓練了自己的詞表，所以它未訓練時的起點和 mbert 不同：各自跟自己的隨機初始化比（雙胞胎長條下的倍數）。", "数据较少的双胞胎用它那四分之一的文本训练了自己的词表，所以它未训练时的起点和 mbert 不同：各自跟自己的随机初始化比（双胞胎长条下的倍数）。";
    MlMrrCurveTitle => "Alignment during pretraining: MRR at the best layer, measured at each validation", "預訓練過程中的對齊：每次驗證時量到的最好一層的 MRR", "预训练过程中的对齐：每次验证时量到的最好一层的 MRR";
    MlAtStep => "step {}", "第 {} 步", "第 {} 步";
    MlRankOf => "Rank of the right word", "正確詞的名次", "正确词的名次";
    MlWord => "Chinese word", "中文詞", "中文词";
    MlLiveMrr => "MRR over this page's pairs, per layer", "這一頁的詞對上的 MRR，逐層", "这一页的词对上的 MRR，逐层";
    MlVecTitle => "The language vector", "語言向量", "语言向量";
    MlVecExplain => "Average mbert's last-layer vectors over Chinese text, and over English text: the difference is a \"language vector\". Add it to an English sentence's vectors and read them with the fill-in-the-blank head: do the predictions turn Chinese, and into the right words?", "把 mbert 最後一層的向量分別在中文文字和英文文字上平均，兩者的差就是「語言向量」。把它加到英文句子的向量上，再用填空的輸出層去讀：預測會變成中文嗎？會變成對的詞嗎？", "把 mbert 最后一层的向量分别在中文文字和英文文字上平均，两者的差就是「语言向量」。把它加到英文句子的向量上，再用填空的输出层去读：预测会变成中文吗？会变成对的词吗？";
    MlVecSentences => "Averaged over held-out sentences (Chinese / English):", "平均自保留的句子（中文／英文）：", "平均自保留的句子（中文／英文）：";
    MlVecSentence => "English sentence", "英文句子", "英文句子";
    MlStrength => "strength", "強度", "强度";
    MlNoVector => "This model ships no language vector.", "這個模型沒有附上語言向量。", "这个模型没有附上语言向量。";
    MlVecChineseTop1 => "Tokens whose top prediction is Chinese", "第一名預測是中文的 token", "第一名预测是中文的 token";
    MlToken => "Token", "Token", "Token";
    MlVecCardCaption => "Over the HSK word pairs, at the English word (from the model card)", "在 HSK 詞對上、英文詞的位置量到的（來自模型卡）", "在 HSK 词对上、英文词的位置量到的（来自模型卡）";
    MlVecTranslationTop1 => "Right Chinese character first", "正確的中文字排第一", "正确的中文字排第一";
    MlVecTranslationTop5 => "Right Chinese character in the top 5", "正確的中文字在前 5 名", "正确的中文字在前 5 名";
    MlZsTitle => "Zero-shot transfer: taught in English, tested in Chinese", "零樣本遷移：用英文教，用中文考", "零样本迁移：用英文教，用中文考";
    MlZsExplain => "Fine-tune mbert on English examples only, then test it on Chinese ones it has never seen the like of. Beside it: mbert fine-tuned on Chinese, the smaller-data mbert, and the same network from random weights fine-tuned on English.", "只用英文例子微調 mbert，再拿它沒看過的中文例子來考。旁邊是用中文微調的 mbert、資料較少的 mbert，以及同一個網路從隨機權重開始用英文微調的結果。", "只用英文例子微调 mbert，再拿它没看过的中文例子来考。旁边是用中文微调的 mbert、数据较少的 mbert，以及同一个网络从随机权重开始用英文微调的结果。";
    MlZsTrainedZh => "mbert, fine-tuned on Chinese", "mbert，用中文微調", "mbert，用中文微调";
    MlZsTrainedEn => "mbert, fine-tuned on English only", "mbert，只用英文微調", "mbert，只用英文微调";
    MlZsSmallEn => "small-data mbert, fine-tuned on English only", "資料較少的 mbert，只用英文微調", "数据较少的 mbert，只用英文微调";
    MlZsRandomEn => "random init, fine-tuned on English only", "隨機初始化，只用英文微調", "随机初始化，只用英文微调";
    MlZsQaCaption => "Question answering, tested on Chinese (DRCD dev and CMRC 2018)", "問答，用中文考（DRCD dev 與 CMRC 2018）", "问答，用中文考（DRCD dev 与 CMRC 2018）";
    MlZsDrcd => "DRCD dev", "DRCD dev", "DRCD dev";
    MlZsCmrc => "CMRC 2018", "CMRC 2018", "CMRC 2018";
    MlZsTrainedOn => "this model was fine-tuned on this set, so it has no test figure here", "這個模型就是用這份資料微調的，所以這裡沒有測試成績", "这个模型就是用这份数据微调的，所以这里没有测试成绩";
    MlZsTrainedOnShort => "trained on it", "訓練資料", "训练数据";
    MlZsSentCaption => "Sentiment, tested on Chinese reviews (accuracy %)", "情感分類，用中文評論考（準確率 %）", "情感分类，用中文评论考（准确率 %）";
    MlZsLectureCaption => "The lecture's table (DRCD, F1)", "課堂上的表（DRCD，F1）", "课堂上的表（DRCD，F1）";
    MlZsModel => "Model", "模型", "模型";
    MlZsPretrain => "Pretrained on", "預訓練語言", "预训练语言";
    MlZsFineTune => "Fine-tuned on", "微調語言", "微调语言";
    MlZs104 => "104 languages", "104 種語言", "104 种语言";
    BenchTitle => "One score for a pretrained model, the way GLUE measures it", "像 GLUE 那樣，給預訓練模型一個分數", "像 GLUE 那样，给预训练模型一个分数";
    BenchLede => "A pretrained encoder is judged by what it helps with: fine-tune it on many downstream tasks and average the scores. Here is every Sesame encoder against every task it was fine-tuned on, beside the same network trained from random weights.", "預訓練的編碼器好不好，看它能幫上什麼忙：拿去微調很多下游任務，再把分數平均。這裡是 Sesame 每個編碼器在它微調過的每個任務上的成績，旁邊是同一個網路從隨機權重開始訓練的結果。", "预训练的编码器好不好，看它能帮上什么忙：拿去微调很多下游任务，再把分数平均。这里是 Sesame 每个编码器在它微调过的每个任务上的成绩，旁边是同一个网络从随机权重开始训练的结果。";
    BenchShow => "Show", "顯示", "显示";
    BenchScores => "Scores", "分數", "分数";
    BenchGain => "Gain from pretraining", "預訓練帶來的提升", "预训练带来的提升";
    BenchTableTitle => "The scoreboard", "成績表", "成绩表";
    BenchReading => "Reading the models' cards…", "正在讀取模型卡…", "正在读取模型卡…";
    BenchCaption => "Held-out figures (%) from each fine-tuned model's card: accuracy; POS: word accuracy; QA: F1", "各微調模型卡上的保留集成績（%）：準確率；詞性：詞準確率；問答：F1", "各微调模型卡上的保留集成绩（%）：准确率；词性：词准确率；问答：F1";
    BenchMissingHint => "A dash is a task with no figure (no fine-tuned model, or its card lacks that run): it is missing, not zero, and the average counts only the figures there are (how many, in brackets). \"Gain\" is pretrained minus random init on the same task.", "破折號代表這個任務沒有成績（沒有微調過的模型，或模型卡缺這一組）：那是缺，不是零；平均只算有的成績（括號裡是幾個）。「提升」是同一任務上預訓練減掉隨機初始化。", "破折号代表这个任务没有成绩（没有微调过的模型，或模型卡缺这一组）：那是缺，不是零；平均只算有的成绩（括号里是几个）。“提升”是同一任务上预训练减掉随机初始化。";
    BenchNoCard => "no figure: missing, not zero", "沒有成績：是缺，不是零", "没有成绩：是缺，不是零";
    BenchNoFigures => "no figures yet", "還沒有成績", "还没有成绩";
    BenchAveragesTitle => "The average per model, as GLUE reports it", "每個模型的平均，像 GLUE 那樣", "每个模型的平均，像 GLUE 那样";
    BenchEncoder => "Encoder", "編碼器", "编码器";
    BenchStart => "Start", "起點", "起点";
    BenchAverage => "Average", "平均", "平均";
    BenchPretrained => "pretrained", "預訓練", "预训练";
    BenchRandom => "random init", "隨機初始化", "随机初始化";
    BenchHeldOut => "held-out examples", "筆保留資料", "笔保留数据";
    BenchSentiment => "Sentiment", "情感", "情感";
    BenchPos => "POS tagging", "詞性標註", "词性标注";
    BenchQnli => "QNLI", "QNLI", "QNLI";
    BenchQa => "QA (F1)", "問答（F1）", "问答（F1）";
    BenchXqa => "Zero-shot QA, en → zh (F1)", "零樣本問答，英 → 中（F1）", "零样本问答，英 → 中（F1）";
    BenchXsentiment => "Zero-shot sentiment, en → zh", "零樣本情感，英 → 中", "零样本情感，英 → 中";
    BenchMbertSmall => "mbert, a quarter of the text", "mbert（四分之一的文字）", "mbert（四分之一的文本）";
    BenchBertZh => "bert-zh (Chinese)", "bert-zh（中文）", "bert-zh（中文）";
    BenchBertEn => "bert-en (English)", "bert-en（英文）", "bert-en（英文）";
    BenchGlueTitle => "What GLUE is, and the lecture's chart", "GLUE 是什麼，以及課堂上的那張圖", "GLUE 是什么，以及课堂上的那张图";
    BenchGlueExplain => "GLUE (General Language Understanding Evaluation) is nine English tasks: grammaticality (CoLA), sentiment (SST-2), paraphrase (MRPC, QQP), sentence similarity (STS-B), inference (MNLI, RTE, WNLI) and question–sentence entailment (QNLI). A model is fine-tuned on each and reported by one number, the average. The lecture's chart puts models' GLUE results against human performance drawn as the line at 1: since BERT, self-supervised models come close to that line and pass it on several tasks and on the average, which the lecture reads as a sign that the benchmark, not language, was solved; Chinese has its own version (CLUE).", "GLUE（General Language Understanding Evaluation）是九個英文任務：文法是否正確（CoLA）、情感（SST-2）、是否同義（MRPC、QQP）、句子相似度（STS-B）、推論（MNLI、RTE、WNLI）和問句與句子的蘊含（QNLI）。模型在每個任務上微調，最後用一個數字──平均──來報告。課堂上那張圖把各模型的 GLUE 成績跟人類表現（畫成 1 那條線）放在一起：從 BERT 開始，自督導式模型逼近那條線，在好幾個任務和平均上超過它──課堂上提醒，這比較像是這套評比被解掉了，而不是語言被解掉了；中文也有自己的版本（CLUE）。", "GLUE（General Language Understanding Evaluation）是九个英文任务：语法是否正确（CoLA）、情感（SST-2）、是否同义（MRPC、QQP）、句子相似度（STS-B）、推理（MNLI、RTE、WNLI）和问句与句子的蕴含（QNLI）。模型在每个任务上微调，最后用一个数字——平均——来报告。课堂上那张图把各模型的 GLUE 成绩跟人类表现（画成 1 那条线）放在一起：从 BERT 开始，自监督式模型逼近那条线，在好几个任务和平均上超过它——课堂上提醒，这比较像是这套评比被解掉了，而不是语言被解掉了；中文也有自己的版本（CLUE）。";
    BenchGlueMapping => "Sesame's columns are its own fine-tuned models, each measured on held-out data in Chinese or English: sentiment is SST-2's kind of task, QNLI is GLUE's QNLI, POS tagging (one class per token) and extractive QA (DRCD / SQuAD) are the lecture's cases 2 and 4, outside GLUE. The zero-shot columns are the lecture's multilingual claim: fine-tuned on English only, tested on Chinese. The models here are small and trained on one CPU, so the absolute figures are far below the lecture's; the gap between the pretrained and random-init rows is the point.", "Sesame 的每一欄都是它自己微調的模型，各在中文或英文的保留資料上量：情感是 SST-2 那一類任務，QNLI 就是 GLUE 的 QNLI，詞性標註（每個詞元一個類別）和抽取式問答（DRCD／SQuAD）是課堂上的第二和第四種情況，不在 GLUE 裡。零樣本那兩欄是課堂上多語言的說法：只用英文微調，拿中文來測。這裡的模型很小、在一顆 CPU 上訓練，所以絕對數字遠低於課堂上的；重點是預訓練和隨機初始化兩列之間的差距。", "Sesame 的每一栏都是它自己微调的模型，各在中文或英文的保留数据上量：情感是 SST-2 那一类任务，QNLI 就是 GLUE 的 QNLI，词性标注（每个词元一个类别）和抽取式问答（DRCD／SQuAD）是课堂上的第二和第四种情况，不在 GLUE 里。零样本那两栏是课堂上多语言的说法：只用英文微调，拿中文来测。这里的模型很小、在一颗 CPU 上训练，所以绝对数字远低于课堂上的；重点是预训练和随机初始化两行之间的差距。";
    VisionTitle => "Self-supervision beyond text: BERT on pixels", "文字以外的自督導式學習：像素上的 BERT", "文字以外的自监督式学习：像素上的 BERT";
    VisionLede => "An image is a sequence too — of patches. A small Vision Transformer learnt these images without a single label: once by filling in hidden patches (BERT's masking), once by telling two views of one image from all others (contrastive).", "圖片也是一個序列——由小塊組成。一個小的 Vision Transformer 沒看過任何標籤就學了這些圖：一個靠填回被蓋住的小塊（BERT 的遮蓋），一個靠認出同一張圖的兩個版本、和其他圖分開（對比式學習）。", "图片也是一个序列——由小块组成。一个小的 Vision Transformer 没看过任何标签就学了这些图：一个靠填回被盖住的小块（BERT 的遮盖），一个靠认出同一张图的两个版本、和其他图分开（对比式学习）。";
    VisionExplain => "The encoder here is the same BERT as on the text pages: a linear layer turns each 7×7 patch into a vector where BERT looks up a word, positions are learnt, and a hidden patch becomes the [MASK] vector. Neither model saw a label; the labels only colour the map and judge the probes.", "這裡的編碼器就是文字頁面上同一個 BERT：BERT 查詞向量的地方，換成一個線性層把每個 7×7 小塊變成向量；位置是學出來的，被蓋住的小塊變成 [MASK] 向量。兩個模型都沒看過標籤；標籤只用來替地圖上色、評估線性分類器。", "这里的编码器就是文字页面上同一个 BERT：BERT 查词向量的地方，换成一个线性层把每个 7×7 小块变成向量；位置是学出来的，被盖住的小块变成 [MASK] 向量。两个模型都没看过标签；标签只用来替地图上色、评估线性分类器。";
    VisionPatch => "Patch", "小塊", "小块";
    VisionHideTitle => "Hide patches, let the model fill them in", "蓋住小塊，讓模型填回來", "盖住小块，让模型填回来";
    VisionHideHint => "Click a patch to hide or show it, or draw a number of hidden patches at random. The model sees only the other patches.", "點一個小塊把它蓋住或打開，或隨機蓋住幾塊。模型只看得到其他小塊。", "点一个小块把它盖住或打开，或随机盖住几块。模型只看得到其他小块。";
    VisionHidden => "Hidden", "蓋住", "盖住";
    VisionRandomMask => "New random patches", "重新隨機", "重新随机";
    VisionSeen => "What the model sees", "模型看到的", "模型看到的";
    VisionGuess => "Filled in by the model", "模型填回的", "模型填回的";
    VisionOriginal => "The original", "原圖", "原图";
    VisionNothingHidden => "Nothing is hidden: hide a patch to see a guess.", "沒有蓋住任何小塊：蓋住一塊才看得到模型的猜測。", "没有盖住任何小块：盖住一块才看得到模型的猜测。";
    VisionHiddenMse => "Error on the hidden pixels (MSE)", "被蓋住像素的誤差（MSE）", "被盖住像素的误差（MSE）";
    VisionViewsTitle => "Two views of one image (contrastive)", "同一張圖的兩個版本（對比式學習）", "同一张图的两个版本（对比式学习）";
    VisionViewsHint => "Each view is turned, zoomed, shifted, faded and blotched at random. The contrastive model learnt to give two views of one image nearby vectors and other images distant ones; the numbers are its cosine similarities.", "每個版本都隨機旋轉、縮放、平移、變淡、加上遮擋。對比式模型學到讓同一張圖的兩個版本向量靠近、其他圖的向量遠離；數字是它的餘弦相似度。", "每个版本都随机旋转、缩放、平移、变淡、加上遮挡。对比式模型学到让同一张图的两个版本向量靠近、其他图的向量远离；数字是它的余弦相似度。";
    VisionNewViews => "New views", "換兩個版本", "换两个版本";
    VisionViewA => "View 1", "版本 1", "版本 1";
    VisionViewB => "View 2", "版本 2", "版本 2";
    VisionPairCos => "View 1 ↔ view 2: cosine", "版本 1 ↔ 版本 2：餘弦", "版本 1 ↔ 版本 2：余弦";
    VisionOthersCos => "View 1 ↔ other images (below): mean cosine", "版本 1 ↔ 其他圖（下方）：平均餘弦", "版本 1 ↔ 其他图（下方）：平均余弦";
    VisionMapTitle => "The embeddings, coloured by labels the models never saw", "向量地圖，用模型從沒看過的標籤上色", "向量地图，用模型从没看过的标签上色";
    VisionMapHint => "Each dot is one of the 1,000 test images: the model's vector for it, projected onto its two main directions (PCA).", "每個點是 1,000 張測試圖中的一張：模型給它的向量，投影到兩個主要方向（PCA）。", "每个点是 1,000 张测试图中的一张：模型给它的向量，投影到两个主要方向（PCA）。";
    VisionMasked => "Masked patches", "遮蓋小塊", "遮盖小块";
    VisionContrastive => "Contrastive", "對比式", "对比式";
    VisionEmbedding => "Embedding images", "計算圖的向量", "计算图的向量";
    VisionExplained => "Variance shown:", "呈現的變異：", "呈现的变异：";
    VisionAeCode => "Auto-encoder code (32)", "自編碼器的編碼（32）", "自编码器的编码（32）";
    VisionPixels => "Raw pixels (784)", "原始像素（784）", "原始像素（784）";
    VisionRandom => "Untrained ViT (random)", "沒訓練過的 ViT（隨機）", "没训练过的 ViT（随机）";
    VisionLabels => "labels", "個標籤", "个标签";
    VisionDraws => "draws", "次抽樣", "次抽样";
    VisionProbeCaption => "Linear classifier, test accuracy", "線性分類器的測試正確率", "线性分类器的测试正确率";
    VisionTestImages => "test images", "張測試圖", "张测试图";
    VisionProbeTitle => "Fewer labels needed: a linear classifier on what each model learnt", "需要的標籤更少：在每個模型學到的向量上訓練線性分類器", "需要的标签更少：在每个模型学到的向量上训练线性分类器";
    VisionProbeHint => "Measured once by sesame-train vit-export on the shipped weights: balanced labelled training images (averaged over disjoint draws), every test image judged. Guessing gives 10 %.", "由 sesame-train vit-export 在發佈的權重上量一次：各類平均的有標籤訓練圖（多次不重疊抽樣取平均），每張測試圖都評估。亂猜是 10 %。", "由 sesame-train vit-export 在发布的权重上量一次：各类平均的有标签训练图（多次不重叠抽样取平均），每张测试图都评估。乱猜是 10 %。";
    NavDiagnostics => "Diagnostics", "診斷", "诊断";
    PageMaskingBlurb => "Cover tokens and watch Sesame's own BERT fill them in; see how pretraining examples are made and the model's real loss curve.", "把詞元蓋住，看 Sesame 自己訓練的 BERT 怎麼填回來；看預訓練資料怎麼做，以及模型真實的損失曲線。", "把词元盖住，看 Sesame 自己训练的 BERT 怎么填回来；看预训练数据怎么做，以及模型真实的损失曲线。";
    PagePairBlurb => "Does sentence B follow sentence A? Consecutive, swapped and random pairs through the sentence-order head.", "句子 B 是不是接在句子 A 後面？用句序預測頭看連續、對調和隨機的句子對。", "句子 B 是不是接在句子 A 后面？用句序预测头看连续、对调和随机的句子对。";
    DiagPretrained => "Golden check of Sesame's own BERTs", "Sesame 自訓 BERT 的黃金檔檢查", "Sesame 自训 BERT 的黄金文件检查";
    NavMasking => "Masking", "遮蓋輸入", "遮盖输入";
    NavPair => "Sentence pairs", "句子對", "句子对";
    ModelLabel => "Model", "模型", "模型";
    ModelZh => "Chinese BERT (Sesame-trained)", "中文 BERT（Sesame 自己訓練）", "中文 BERT（Sesame 自己训练）";
    ModelEn => "English BERT (MiniLM + MLM head)", "英文 BERT（MiniLM + MLM 頭）", "英文 BERT（MiniLM + MLM 头）";
    MaskTitle => "Masking input: how BERT learns by filling in blanks", "遮蓋輸入：BERT 怎麼靠填空學習", "遮盖输入：BERT 怎么靠填空学习";
    MaskLede => "Click a token to cover it: once for [MASK], twice for a random token, three times to restore it. For each covered token the model's linear layer + softmax over the whole vocabulary guesses what was there.", "點一下詞元把它蓋住：點一次變成 [MASK]，兩次換成隨機詞元，三次還原。對每個被蓋住的位置，模型用線性層加 softmax 在整個詞彙表上猜原本是什麼。", "点一下词元把它盖住：点一次变成 [MASK]，两次换成随机词元，三次还原。对每个被盖住的位置，模型用线性层加 softmax 在整个词汇表上猜原本是什么。";
    MaskInput => "Sentence (you can type [MASK] yourself)", "句子（也可以自己打 [MASK]）", "句子（也可以自己打 [MASK]）";
    MaskHint => "Press Enter or leave the box to tokenize again.", "按 Enter 或離開輸入框即可重新斷詞。", "按 Enter 或离开输入框即可重新分词。";
    MaskLegendMask => " covered by [MASK]  ", " 用 [MASK] 蓋住  ", " 用 [MASK] 盖住  ";
    MaskLegendRandom => " replaced by a random token", " 換成隨機詞元", " 换成随机词元";
    MaskLegendUnchanged => "kept, but still predicted", "保留原樣，但仍要預測", "保留原样，但仍要预测";
    MaskErrEmpty => "Type a sentence first.", "請先輸入句子。", "请先输入句子。";
    MaskErrNothing => "Nothing to predict: click a token to cover it, or type [MASK].", "沒有要預測的位置：點一個詞元把它蓋住，或直接打 [MASK]。", "没有要预测的位置：点一个词元把它盖住，或直接打 [MASK]。";
    MaskErrTooLong => "longer than the model's window; shorten the text.", "超過模型的視窗長度，請縮短文字。", "超过模型的窗口长度，请缩短文字。";
    MaskAllCovered => "Every token is covered, so the model sees no context: it can only guess frequent tokens.", "每個詞元都被蓋住了，模型看不到任何上下文，只能猜常見的字。", "每个词元都被盖住了，模型看不到任何上下文，只能猜常见的字。";
    MaskUnknown => "characters the vocabulary does not know; the model sees them as [UNK].", "個字不在詞彙表裡，模型只看到 [UNK]。", "个字不在词汇表里，模型只看到 [UNK]。";
    MaskReplaceWith => "Put this token here instead", "改放這個詞元", "改放这个词元";
    MaskReplaceHint => "type a word, then Enter", "輸入一個詞，按 Enter", "输入一个词，按 Enter";
    MaskReplaceSplit => "is more than one token in this vocabulary; one position holds one token:", "在這個詞表裡不只一個詞元，一個位置只能放一個詞元：", "在这个词表里不只一个词元，一个位置只能放一个词元：";
    MaskReplaceUnknown => "is not in this vocabulary (it would be [UNK])", "不在這個詞表裡（會變成 [UNK]）", "不在这个词表里（会变成 [UNK]）";
    MaskCrossEntropy => "the cross-entropy the lecture minimises at this position", "課堂上在這個位置要最小化的交叉熵", "课堂上在这个位置要最小化的交叉熵";
    S2sTitle => "What a seq2seq decoder has to restore (MASS, BART)", "seq2seq 的解碼器要還原什麼（MASS、BART）", "seq2seq 的解码器要还原什么（MASS、BART）";
    S2sText => "BERT predicts single tokens. Seq2seq models pretrain a whole encoder–decoder instead: the encoder reads a damaged version of the text and the decoder writes the original back. The lecture lists the ways to damage it; here each is applied to your sentence. Highlighted: above, what was damaged; below, what the decoder has to restore.", "BERT 預測單一詞元。seq2seq 模型則預訓練整個編碼器–解碼器：編碼器讀入被破壞的文字，解碼器要寫回原文。課堂列出了幾種破壞的方法，這裡把每一種套用在你的句子上。標示的部分：上面是被破壞的地方，下面是解碼器要還原的地方。", "BERT 预测单一词元。seq2seq 模型则预训练整个编码器–解码器：编码器读入被破坏的文字，解码器要写回原文。课堂列出了几种破坏的方法，这里把每一种套用在你的句子上。标示的部分：上面是被破坏的地方，下面是解码器要还原的地方。";
    S2sMask => "Mask a span (MASS)", "遮住一段（MASS）", "遮住一段（MASS）";
    S2sMaskText => "MASS covers one contiguous span, about half the sentence, with one [MASK] per token; the decoder writes the hidden span.", "MASS 遮住連續的一段（約半句），每個詞元一個 [MASK]；解碼器要寫出被遮住的那段。", "MASS 遮住连续的一段（约半句），每个词元一个 [MASK]；解码器要写出被遮住的那段。";
    S2sDelete => "Delete tokens", "刪掉詞元", "删掉词元";
    S2sDeleteText => "Each token is dropped with probability 15 % and nothing marks the gap: the decoder must also find where something is missing.", "每個詞元有 15% 的機率被刪掉，而且沒有記號：解碼器還得自己找出哪裡少了東西。", "每个词元有 15% 的概率被删掉，而且没有记号：解码器还得自己找出哪里少了东西。";
    S2sInfill => "Text infilling (BART)", "文字填空（BART）", "文字填空（BART）";
    S2sInfillText => "Spans of random length (Poisson, mean 3; some of length 0) each become a single [MASK], until about 30 % of the tokens are hidden: the decoder must also work out how many tokens each [MASK] stands for. BART found this the most useful single corruption.", "隨機長度的片段（Poisson 分布，平均 3，有些長度是 0）各換成一個 [MASK]，直到約 30% 的詞元被藏起來：解碼器還得判斷每個 [MASK] 代表幾個詞元。BART 發現這是單獨使用時最有效的破壞方式。", "随机长度的片段（Poisson 分布，平均 3，有些长度是 0）各换成一个 [MASK]，直到约 30% 的词元被藏起来：解码器还得判断每个 [MASK] 代表几个词元。BART 发现这是单独使用时最有效的破坏方式。";
    S2sPermute => "Permute sentences", "打亂句子", "打乱句子";
    S2sPermuteText => "The sentences are shuffled; the decoder must put them back in order. Type two or more sentences to see it.", "把句子的順序打亂；解碼器要把它們排回原本的順序。輸入兩句以上才看得到效果。", "把句子的顺序打乱；解码器要把它们排回原本的顺序。输入两句以上才看得到效果。";
    S2sRotate => "Rotate", "旋轉", "旋转";
    S2sRotateText => "The text starts at a random token and wraps around (the highlighted token is where the input now begins); the decoder must find the real beginning.", "文字從隨機的一個詞元開始、再接回開頭（標示的是輸入現在開始的地方）；解碼器要找出真正的開頭。", "文字从随机的一个词元开始、再接回开头（标示的是输入现在开始的地方）；解码器要找出真正的开头。";
    S2sEncoder => "Encoder input (damaged)", "編碼器的輸入（被破壞）", "编码器的输入（被破坏）";
    S2sDecoder => "Decoder output (the original)", "解碼器的輸出（原文）", "解码器的输出（原文）";
    S2sOneSentence => "This text is one sentence, so there is nothing to permute: add a second sentence.", "這段文字只有一句，沒有東西可以打亂：再加一句吧。", "这段文字只有一句，没有东西可以打乱：再加一句吧。";
    MaskCoveredRandom => "another token", "換成別的詞元", "换成别的词元";
    MaskEntropy => "Entropy of the full distribution", "整個分布的熵", "整个分布的熵";
    MaskOriginalProb => "probability of the original", "原本詞元的機率", "原本词元的概率";
    MaskLatency => "Model run", "模型執行", "模型执行";
    MaskRuleTitle => "How a pretraining example is made: the 80/10/10 rule", "預訓練資料怎麼做：80/10/10 規則", "预训练数据怎么做：80/10/10 规则";
    MaskRuleText => "During pretraining 15% of the tokens are chosen; of those, 80% become [MASK], 10% a random token and 10% stay as they are. The model must predict the original at every chosen position. This is the sentence above, corrupted by the same code the trainer used.", "預訓練時隨機選 15% 的詞元；其中 80% 換成 [MASK]、10% 換成隨機詞元、10% 保持不變。模型要在每個被選中的位置預測原本的詞元。下面是上面的句子，用訓練程式同一段程式碼處理的結果。", "预训练时随机选 15% 的词元；其中 80% 换成 [MASK]、10% 换成随机词元、10% 保持不变。模型要在每个被选中的位置预测原本的词元。下面是上面的句子，用训练程序同一段代码处理的结果。";
    MaskNewExample => "Corrupt again", "重新抽一次", "重新抽一次";
    MaskUseExample => "Use these covers above", "把這些遮蓋用在上面", "把这些遮盖用在上面";
    MaskCurveTitle => "This model's pretraining run", "這個模型的預訓練過程", "这个模型的预训练过程";
    MaskNoCard => "No pretraining run to show: this model is not in this build yet.", "沒有可顯示的預訓練過程：這個模型還不在這個版本裡。", "没有可显示的预训练过程：这个模型还不在这个版本里。";
    MaskTrainLoss => "training masked-LM loss", "訓練集 MLM 損失", "训练集 MLM 损失";
    MaskValidLoss => "validation masked-LM loss", "驗證集 MLM 損失", "验证集 MLM 损失";
    MaskTokensSeen => "tokens seen", "看過的詞元數", "看过的词元数";
    MaskSteps => "steps", "步", "步";
    MaskTop1Top5 => "held-out top-1 / top-5", "驗證集 top-1 / top-5", "验证集 top-1 / top-5";
    PairTitle => "Next sentence or sentence order?", "下一句預測還是句序預測？", "下一句预测还是句序预测？";
    PairLede => "BERT reads [CLS] A [SEP] B [SEP]; a linear layer on the [CLS] vector says whether B follows A. Try consecutive, swapped and random pairs.", "BERT 讀入 [CLS] A [SEP] B [SEP]；[CLS] 向量上的線性層判斷 B 是不是接在 A 後面。試試連續的、對調的和隨機的句子對。", "BERT 读入 [CLS] A [SEP] B [SEP]；[CLS] 向量上的线性层判断 B 是不是接在 A 后面。试试连续的、对调的和随机的句子对。";
    PairConsecutive => "Consecutive", "連續", "连续";
    PairSwapped => "Swapped", "對調", "对调";
    PairRandom => "Random", "隨機", "随机";
    PairNext => "Another example", "換一組", "换一组";
    PairErrEmpty => "Both sentences are needed.", "兩個句子都要填。", "两个句子都要填。";
    PairProb => "P(B follows A)", "P(B 接在 A 後面)", "P(B 接在 A 后面)";
    PairHeldOut => "This head on held-out pairs", "這個頭在驗證集句子對上的準確率", "这个头在验证集句子对上的准确率";
    PairChance => "guessing gives 50%", "亂猜是 50%", "乱猜是 50%";
    PairVerdictYes => "The pretraining head thinks B follows A.", "預訓練時的頭認為 B 接在 A 後面。", "预训练时的头认为 B 接在 A 后面。";
    PairHeadsMissing => "The NSP and SOP heads could not be loaded; the pretraining head still runs", "無法載入 NSP 與 SOP 頭；預訓練時的頭照常運作", "无法载入 NSP 与 SOP 头；预训练时的头照常运作";
    PairHeadNsp => "NSP head", "NSP 頭", "NSP 头";
    PairAskNsp => "Is B the text that came next, not a sentence from another document?", "B 是緊接著的下文，而不是別篇文章的句子嗎？", "B 是紧接着的下文，而不是别篇文章的句子吗？";
    PairHeadSop => "SOP head", "SOP 頭", "SOP 头";
    PairAskSop => "Are A and B in their original order?", "A 和 B 是原本的順序嗎？", "A 和 B 是原本的顺序吗？";
    PairHeadOwn => "Pretraining head", "預訓練時的頭", "预训练时的头";
    PairHeldOutTitle => "Which head learned what: accuracy on held-out pairs", "每個頭學到了什麼：驗證集句子對上的準確率", "每个头学到了什么：验证集句子对上的准确率";
    PairOnNsp => "NSP pairs (next or random B)", "NSP 句子對（下文或隨機的 B）", "NSP 句子对（下文或随机的 B）";
    PairOnSop => "SOP pairs (in order or swapped)", "SOP 句子對（原順序或對調）", "SOP 句子对（原顺序或对调）";
    PairHeldOutPairs => "held-out pairs of each kind, from documents the model never trained on", "組驗證句子對（每種），取自模型沒訓練過的文章", "组验证句子对（每种），取自模型没训练过的文章";
    PairLessonTopic => "The NSP head tells real next sentences from random ones, but not swapped pairs from pairs in order: a random sentence comes with another topic, so NSP can be solved by topic alone.", "NSP 頭分得出真正的下一句和隨機的句子，卻分不出順序對調的句子對：隨機的句子主題不同，所以光看主題就能解 NSP。", "NSP 头分得出真正的下一句和随机的句子，却分不出顺序对调的句子对：随机的句子主题不同，所以光看主题就能解 NSP。";
    PairLessonNoTopic => "Here the NSP head does not show the topic-only pattern (well above chance on NSP pairs, near chance on SOP pairs); the figures above say what it does.", "這裡的 NSP 頭沒有呈現「只看主題」的樣子（NSP 句子對遠高於亂猜、SOP 句子對接近亂猜）；上面的數字說明它的表現。", "这里的 NSP 头没有呈现“只看主题”的样子（NSP 句子对远高于乱猜、SOP 句子对接近乱猜）；上面的数字说明它的表现。";
    PairLessonOrder => "The SOP head on the same encoder tells the order better than chance, and only the order (it is at chance on NSP pairs): the harder task, which topic alone cannot solve, and the reason ALBERT replaced NSP with it.", "同一個編碼器上的 SOP 頭分辨順序比亂猜好，而且只會分辨順序（在 NSP 句子對上接近亂猜）：這是光看主題解不了的較難任務，也是 ALBERT 用它取代 NSP 的原因。", "同一个编码器上的 SOP 头分辨顺序比乱猜好，而且只会分辨顺序（在 NSP 句子对上接近乱猜）：这是光看主题解不了的较难任务，也是 ALBERT 用它取代 NSP 的原因。";
    PairLessonNoOrder => "The SOP head stays near chance: the frozen encoder's [CLS] vector says little about order, so a head on top of it cannot learn the order; that has to be learned by the encoder itself, during pretraining.", "SOP 頭接近亂猜：凍結的編碼器的 [CLS] 向量幾乎不帶順序的資訊，上面的頭學不會順序；順序得靠編碼器本身在預訓練時學。", "SOP 头接近乱猜：冻结的编码器的 [CLS] 向量几乎不带顺序的信息，上面的头学不会顺序；顺序得靠编码器本身在预训练时学。";
    PairVerdictNo => "The pretraining head thinks B does not follow A.", "預訓練時的頭認為 B 不是接在 A 後面。", "预训练时的头认为 B 不是接在 A 后面。";
    PairExplain => "Sesame's models were trained with sentence-order prediction (SOP, from ALBERT): the negative examples were the same two segments swapped, so the head learned order, not topic. Next-sentence prediction (NSP, the original BERT) takes B from another document, which a model can spot from the topic alone; that is why the lecture says SOP works better. A random pair is neither: watch what the head makes of it.", "Sesame 的模型是用句序預測（SOP，來自 ALBERT）訓練的：負例是同樣兩段話順序對調，所以這個頭學的是順序，不是主題。原始 BERT 的下一句預測（NSP）把 B 換成別篇文章的句子，模型光看主題就能分辨，這就是課堂上說 SOP 比較有用的原因。隨機句子對兩者都不是：看看這個頭怎麼判斷。", "Sesame 的模型是用句序预测（SOP，来自 ALBERT）训练的：负例是同样两段话顺序对调，所以这个头学的是顺序，不是主题。原始 BERT 的下一句预测（NSP）把 B 换成别篇文章的句子，模型光看主题就能分辨，这就是课堂上说 SOP 比较有用的原因。随机句子对两者都不是：看看这个头怎么判断。";
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
    PageContextualBlurb => "The same word in different sentences gets different vectors: the lecture's 果 example, on a real pretrained BERT (all-MiniLM-L6-v2).", "同一個字在不同句子裡得到不同的向量：課程中「果」的例子，用真正的預訓練 BERT（all-MiniLM-L6-v2）。", "同一个字在不同句子里得到不同的向量：课程中“果”的例子，用真正的预训练 BERT（all-MiniLM-L6-v2）。";
    PageMasking => "Masking: fill in the blank", "Masking：克漏字", "Masking：完形填空";
    PageNsp => "Next sentence / sentence order", "下一句預測／句子順序", "下一句预测／句子顺序";
    PageQa => "Extractive question answering", "抽取式問答", "抽取式问答";
    PageGpt => "GPT: next-token prediction", "GPT：預測下一個 token", "GPT：预测下一个 token";
    PageIcl => "In-context learning", "In-context learning（情境學習）", "In-context learning（情境学习）";
    NavGpt => "GPT", "GPT", "GPT";
    NavIcl => "In-context learning", "情境學習", "情境学习";
    PageGptBlurb => "Predict the next token, feed it back, repeat: the distribution at every step, temperature, top-k and top-p, on SmolLM2-135M or Sesame's own Chinese character GPT.", "預測下一個 token、接回去、再預測：每一步的機率分布、temperature、top-k 與 top-p，用 SmolLM2-135M 或 Sesame 自己訓練的中文字 GPT。", "预测下一个 token、接回去、再预测：每一步的概率分布、temperature、top-k 与 top-p，用 SmolLM2-135M 或 Sesame 自己训练的中文字 GPT。";
    PageIclBlurb => "Zero-, one- and few-shot prompts with no gradient descent: accuracy vs the number of examples on 8 tasks.", "不做梯度下降的 zero-shot、one-shot、few-shot：8 個任務的正確率隨範例數量的變化。", "不做梯度下降的 zero-shot、one-shot、few-shot：8 个任务的正确率随示例数量的变化。";
    GptTitle => "GPT: predict the next token", "GPT：預測下一個 token", "GPT：预测下一个 token";
    GptLede => "GPT reads the text so far and outputs a probability for every token of its vocabulary (49,152 for SmolLM2, 262,144 for Gemma 3, 8,376 for Sesame's character GPT). Pick one, append it, and predict again: that is all generation is. Click a bar to choose the token yourself, or let the model sample.", "GPT 讀入目前的文字，對詞彙表裡每個 token（SmolLM2 有 49,152 個，Gemma 3 有 262,144 個，Sesame 中文字 GPT 有 8,376 個）輸出一個機率。選一個、接在後面、再預測一次：生成就是這樣而已。點一根長條自己選 token，或讓模型抽樣。", "GPT 读入目前的文字，对词表里每个 token（SmolLM2 有 49,152 个，Gemma 3 有 262,144 个，Sesame 中文字 GPT 有 8,376 个）输出一个概率。选一个、接在后面、再预测一次：生成就是这样而已。点一根长条自己选 token，或让模型采样。";
    GptModelZh => "Sesame character GPT (Chinese)", "Sesame 中文字 GPT", "Sesame 中文字 GPT";
    GemmaAbout => "Gemma 3 270M is Google's pretrained multilingual base model (268 M parameters, 262,144-token vocabulary): it continues text and learns from examples in the prompt, in Chinese too, but it is not a chat model. It is downloaded only when you pick it, then kept on this device, and is used under Google's Gemma Terms of Use.", "Gemma 3 270M 是 Google 預訓練的多語言基礎模型（2.68 億個參數、262,144 個 token 的詞表）：會接寫文字，也會從提示裡的例子學習，中文也行，但它不是聊天模型。只有你選了它才會下載，之後留在這台裝置上；使用時須遵守 Google 的 Gemma 使用條款。", "Gemma 3 270M 是 Google 预训练的多语言基础模型（2.68 亿个参数、262,144 个 token 的词表）：会接写文字，也会从提示里的例子学习，中文也行，但它不是聊天模型。只有你选了它才会下载，之后留在这台设备上；使用时须遵守 Google 的 Gemma 使用条款。";
    GemmaTerms => "Gemma Terms of Use", "Gemma 使用條款", "Gemma 使用条款";
    GptZhAbout => "Sesame pretrained this small GPT itself, one token per Chinese character, on Wikipedia paragraphs (Taiwan and mainland, both scripts) and Tang and Song poems: the lecture's 台→灣→大→學 and poem continuation. It knows nothing else; its card lists data, steps and held-out figures.", "這個小 GPT 是 Sesame 自己預訓練的，一個中文字就是一個 token，資料是維基百科段落（台灣與大陸，繁簡兩種）和唐詩宋詞：課程裡的 台→灣→大→學 與接寫詩句。它只會這些；模型卡列出資料、步數與保留集上的數字。", "这个小 GPT 是 Sesame 自己预训练的，一个汉字就是一个 token，数据是维基百科段落（台湾与大陆，繁简两种）和唐诗宋词：课程里的 台→湾→大→学 与接写诗句。它只会这些；模型卡列出数据、步数与保留集上的数字。";
    GptPrompt => "Prompt", "提示（prompt）", "提示（prompt）";
    GptChat => "Chat mode (wrap the prompt in the instruct model's chat template)", "對話模式（用指令模型的對話範本包住提示）", "对话模式（用指令模型的对话模板包住提示）";
    GptTemperature => "temperature", "temperature", "temperature";
    GptStep => "Sample one token", "抽樣一個 token", "采样一个 token";
    GptGenerate => "Generate", "生成", "生成";
    GptStop => "Stop", "停止", "停止";
    GptReset => "Start over", "重新開始", "重新开始";
    GptErrEmpty => "Type a prompt for the model to continue.", "請輸入要讓模型接下去的提示。", "请输入要让模型接下去的提示。";
    GptErrTooLong => "The text is longer than this page lets the model read", "文字超過這個頁面讓模型讀取的上限", "文字超过这个页面让模型读取的上限";
    GptEos => "The model produced its end-of-text token: it considers the text finished.", "模型產生了結束符號：它認為文字已經結束。", "模型产生了结束符号：它认为文字已经结束。";
    GptStopped => "Generation stopped.", "已停止生成。", "已停止生成。";
    GptPromptRead => "prompt", "提示", "提示";
    GptDecoded => "generated", "生成", "生成";
    GptNextTitle => "Next-token distribution", "下一個 token 的機率分布", "下一个 token 的概率分布";
    GptNextHint => "The 12 most likely tokens. Blue: the model's probability. Orange: the probability of being drawn after temperature, top-k and top-p (— = cut off). Click one to append it.", "最可能的 12 個 token。藍色：模型給的機率。橘色：經過 temperature、top-k、top-p 之後被抽中的機率（— 表示被排除）。點一個把它接上去。", "最可能的 12 个 token。蓝色：模型给的概率。橙色：经过 temperature、top-k、top-p 之后被抽中的概率（— 表示被排除）。点一个把它接上去。";
    GptProbModel => "model probability", "模型機率", "模型概率";
    GptProbPick => "chance of being drawn", "被抽中的機率", "被抽中的概率";
    GptHowTitle => "How it works", "原理", "原理";
    GptHowText => "Each step runs the transformer blocks (30 in SmolLM2, 18 in Gemma 3, 4 in Sesame's character GPT) on the new token only: the keys and values of earlier tokens are kept (the KV cache). The last hidden state is multiplied by the token-embedding matrix to give one score (logit) per token; softmax turns the scores into probabilities. Temperature divides the logits before the softmax (0 = always the most likely token), top-k keeps the k most likely, top-p keeps the smallest set whose probabilities add up to p.", "每一步只把新的 token 送進 transformer 區塊（SmolLM2 有 30 個，Gemma 3 有 18 個，Sesame 中文字 GPT 有 4 個）：先前 token 的 key 與 value 都保留著（KV cache）。最後的隱藏狀態乘上 token 嵌入矩陣，得到每個 token 的分數（logit）；softmax 把分數變成機率。temperature 在 softmax 之前除以 logit（0 表示永遠選最可能的），top-k 只留最可能的 k 個，top-p 只留機率加起來達到 p 的最小集合。", "每一步只把新的 token 送进 transformer 块（SmolLM2 有 30 个，Gemma 3 有 18 个，Sesame 中文字 GPT 有 4 个）：先前 token 的 key 与 value 都保留着（KV cache）。最后的隐藏状态乘上 token 嵌入矩阵，得到每个 token 的分数（logit）；softmax 把分数变成概率。temperature 在 softmax 之前除以 logit（0 表示永远选最可能的），top-k 只留最可能的 k 个，top-p 只留概率加起来达到 p 的最小集合。";
    IclTitle => "In-context learning", "情境學習（in-context learning）", "情境学习（in-context learning）";
    IclLede => "GPT-3's surprise: describe a task, show a few solved examples, and the model continues the pattern — no gradient descent, only a different prompt. Zero-shot gives only the description, one-shot one example, few-shot several. Pick a model (SmolLM2-135M unless you choose Gemma 3 270M or Sesame's gpt-zh) and a task of the English or the Chinese suite, graded on held-out queries; at the bottom, the lecture's plot measured: accuracy against model size for three GPTs, in Chinese and English.", "GPT-3 的驚喜：描述任務、給幾個做好的範例，模型就會接著照做——不做梯度下降，只是換了提示。Zero-shot 只給描述，one-shot 給一個範例，few-shot 給好幾個。選一個模型（預設 SmolLM2-135M，也可選 Gemma 3 270M 或 Sesame 的 gpt-zh）和英文或中文題組裡的任務，在沒看過的題目上評分；最下面是實際量出來的課程那張圖：三個大小不同的 GPT 的正確率與模型大小，中文與英文。", "GPT-3 的惊喜：描述任务、给几个做好的示例，模型就会接着照做——不做梯度下降，只是换了提示。Zero-shot 只给描述，one-shot 给一个示例，few-shot 给好几个。选一个模型（默认 SmolLM2-135M，也可选 Gemma 3 270M 或 Sesame 的 gpt-zh）和英文或中文题组里的任务，在没看过的题目上评分；最下面是实际测出来的课程那张图：三个大小不同的 GPT 的正确率与模型大小，中文与英文。";
    IclTask => "Task", "任務", "任务";
    IclShots => "Examples in the prompt", "提示中的範例數", "提示中的示例数";
    IclDescription => "Task description", "任務描述", "任务描述";
    IclExamples => "Examples (one per line: input => answer)", "範例（每行一個：輸入 => 答案）", "示例（每行一个：输入 => 答案）";
    IclQuery => "Query", "題目", "题目";
    IclPromptTitle => "The prompt the model reads", "模型讀到的提示", "模型读到的提示";
    IclRunOne => "Run this prompt", "執行這個提示", "执行这个提示";
    IclAnswer => "Model's answer", "模型的答案", "模型的答案";
    IclExpected => "expected", "正確答案", "正确答案";
    IclSizeTitle => "Accuracy against model size (zero-, one- and few-shot)", "正確率與模型大小（零樣本、單樣本、少樣本）", "正确率与模型大小（零样本、单样本、少样本）";
    IclSizeAxis => "model (parameters)", "模型（參數量）", "模型（参数量）";
    IclSizeNote => "Mean over the suite's tasks, measured natively", "各任務的平均，在本機量測", "各任务的平均，在本机测量";
    IclTableTitle => "Accuracy vs number of examples", "正確率與範例數量", "正确率与示例数量";
    IclRunTable => "Run the table", "執行評分表", "运行评分表";
    IclQueries => "held-out queries per cell", "每格的題數", "每格的题数";
    IclMean => "mean", "平均", "平均";
    IclRunning => "Running", "執行中", "运行中";
    IclErrNoExamples => "Some example lines have no \"=>\"; they were left out.", "有些範例行沒有「=>」，已略過。", "有些示例行没有“=>”，已略过。";
    IclErrEmptyQuery => "Type a query.", "請輸入題目。", "请输入题目。";
    IclErrNoTasks => "Choose at least one task.", "請至少選一個任務。", "请至少选一个任务。";
    PageAutoencoder => "Auto-encoders", "自編碼器", "自编码器";
    CtxTitle => "Why BERT works: contextual embeddings", "BERT 為什麼有用：上下文嵌入", "BERT 为什么有用：上下文嵌入";
    CtxLede => "BERT does not give a word one fixed vector. It reads the whole sentence, so “apple” the fruit and “Apple” the company come out different, just as 果 in 蘋果汁 (juice) and 蘋果電腦 (computer) does in the lecture. Left: cosine similarity of the target word's contextual vectors. Right: the same for its input embedding, which ignores context, so every pair is 1.00.",
              "BERT 不會給一個字固定的向量。它讀完整個句子，所以水果的 apple 和公司的 Apple 輸出不同，就像課程裡「蘋果汁」和「蘋果電腦」中的「果」。左：目標詞上下文向量的餘弦相似度。右：輸入嵌入的相似度，它不看上下文，所以每一對都是 1.00。",
              "BERT 不会给一个字固定的向量。它读完整个句子，所以水果的 apple 和公司的 Apple 输出不同，就像课程里“苹果汁”和“苹果电脑”中的“果”。左：目标词上下文向量的余弦相似度。右：输入嵌入的相似度，它不看上下文，所以每一对都是 1.00。";
    CtxPresets => "Examples", "範例", "示例";
    CtxPresetApple => "apple: fruit or company", "apple：水果還是公司", "apple：水果还是公司";
    CtxPresetBank => "bank: river or money", "bank：河岸還是銀行", "bank：河岸还是银行";
    CtxModelMiniLm => "all-MiniLM-L6-v2 (English)", "all-MiniLM-L6-v2（英文）", "all-MiniLM-L6-v2（英文）";
    CtxModelBertZh => "bert-zh (Chinese, Sesame-trained)", "bert-zh（中文，Sesame 自己訓練）", "bert-zh（中文，Sesame 自己训练）";
    CtxSeparated => "At this layer the two senses are separated: pairs with the same sense are more alike than pairs across senses.", "在這一層兩種意思分開了：同義的句子對比跨義的更相似。", "在这一层两种意思分开了：同义的句子对比跨义的更相似。";
    CtxNotSeparated => "At this layer this model does not clearly separate the two senses (same-sense pairs are less than 0.05 more alike than pairs across senses). A small model trained on little text has learnt less about context; try another layer or model.", "在這一層這個模型沒有清楚分開兩種意思（同義句子對只比跨義的相似不到 0.05）。用很少文字訓練的小模型學到的上下文比較少；試試別的層或模型。", "在这一层这个模型没有清楚分开两种意思（同义句子对只比跨义的相似不到 0.05）。用很少文字训练的小模型学到的上下文比较少；试试别的层或模型。";
    CtxPresetGuo => "果 (the lecture's example)", "果（課程的例子）", "果（课程的例子）";
    CtxTarget => "Target word", "目標詞", "目标词";
    CtxSentences => "Sentences (group, text)", "句子（組別、內容）", "句子（组别、内容）";
    CtxAdd => "Add sentence", "新增句子", "添加句子";
    CtxRemove => "Remove", "移除", "移除";
    MaskPredTitle => "What the model guesses", "模型的猜測", "模型的猜测";
    AeCodeIndex => "Code", "編號", "编号";
    AeImagesUsing => "Cells that use it", "用到它的格子", "用到它的格子";
    AeMapKeys => "(arrow keys move the decoded point)", "（方向鍵移動解碼的點）", "（方向键移动解码的点）";
    CtxGroup => "Group of sentence", "句子組別", "句子组别";
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
    DiagRegistry => "Loaded models and memory budget", "已載入的模型與記憶體預算", "已加载的模型与内存预算";
    DiagLoaded => "Loaded:", "已載入：", "已加载：";
    DiagEvicted => "evicted to stay in budget:", "為守住預算而卸載：", "为守住预算而卸载：";
    DiagDeviceMemory => "the device's own count:", "裝置自己的統計：", "设备自己的统计：";
    DiagReserved => "reserved", "已保留", "已保留";
    DiagState => "State", "狀態", "状态";
    DiagBytes => "Device bytes", "裝置記憶體", "设备内存";
    DiagPins => "Pages using it", "使用中的頁面", "使用中的页面";
    FaultTitle => "The GPU stopped working", "GPU 停止運作了", "GPU 停止运行了";
    FaultText => "The last run failed on the GPU. You can go on with the same models on the CPU (slower, same results), without reloading.", "上一次執行在 GPU 上失敗了。你可以不重新整理頁面，改用 CPU 繼續使用同樣的模型（較慢，結果相同）。", "上一次运行在 GPU 上失败了。你可以不刷新页面，改用 CPU 继续使用同样的模型（较慢，结果相同）。";
    FaultRetryCpu => "Retry on the CPU", "改用 CPU 重試", "改用 CPU 重试";
    FaultDismiss => "Dismiss", "關閉", "关闭";
    LoadVerify => "Checking the model files (sha256)", "檢查模型檔案（sha256）", "检查模型文件（sha256）";
    LoadPrepare => "Decoding the quantized weights, block", "解碼量化權重，區塊", "解码量化权重，区块";
    OffClearConfirm => "Remove every downloaded model from this device? Pages will download them again when opened.", "要從這台裝置移除所有已下載的模型嗎？之後開啟頁面時會重新下載。", "要从这台设备移除所有已下载的模型吗？之后打开页面时会重新下载。";
    OffEmbedded => "Downloading and removing models is done on Sesame's own page, not inside another site.", "下載與移除模型要在 Sesame 自己的頁面上操作，不能在其他網站裡進行。", "下载与移除模型要在 Sesame 自己的页面上操作，不能在其他网站里进行。";
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
    Footer => "Sesame runs everything on your device. Models: all-MiniLM-L6-v2 and SmolLM2-135M-Instruct (Apache-2.0), Gemma 3 270M (Gemma Terms of Use, downloaded only when picked), and the BERTs, the character GPT and the auto-encoders Sesame trained itself (model cards in assets/models/). Images: MNIST and Fashion-MNIST (MIT).", "Sesame 的一切都在你的裝置上執行。模型：all-MiniLM-L6-v2 與 SmolLM2-135M-Instruct（Apache-2.0）、Gemma 3 270M（Gemma 使用條款，選了才下載），以及 Sesame 自己訓練的 BERT、中文字 GPT 和自編碼器（模型卡在 assets/models/）。圖片：MNIST 與 Fashion-MNIST（MIT）。", "Sesame 的一切都在你的设备上运行。模型：all-MiniLM-L6-v2 与 SmolLM2-135M-Instruct（Apache-2.0）、Gemma 3 270M（Gemma 使用条款，选了才下载），以及 Sesame 自己训练的 BERT、中文字 GPT 和自编码器（模型卡在 assets/models/）。图片：MNIST 与 Fashion-MNIST（MIT）。";
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
