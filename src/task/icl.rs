//! In-context learning (the lecture's GPT-3 part): a task is described in words, `k` solved
//! examples follow, then the query; the model's continuation is the answer. No gradient
//! descent: only the prompt changes between zero-shot (`k = 0`), one-shot and few-shot.
//!
//! The built-in suites: 8 English tasks ([`TASKS`]) and 5 Chinese ones ([`TASKS_ZH`]: 英译中,
//! 情感, 反义词, 首都, 量词), each with 8 demonstration pairs (the first `k` go into the prompt)
//! and 12 held-out queries that never appear as demonstrations.

use super::gpt::LoadedGpt;
use crate::model::KvCache;
use crate::rng::Rng;
use super::sampling::Sampling;

/// The numbers of examples the accuracy table is drawn for.
pub const SHOTS: [usize; 5] = [0, 1, 2, 4, 8];

/// Longest answer generated, in tokens (answers are one or two words).
pub const MAX_ANSWER_TOKENS: usize = 8;

/// One task of the suite.
#[derive(Debug, Clone, Copy)]
pub struct IclTask {
    /// Short id used in URLs and the evaluation table.
    pub id: &'static str,
    /// Name shown in English.
    pub name_en: &'static str,
    /// Name shown in Chinese.
    pub name_zh: &'static str,
    /// The instruction line that opens every prompt (the "task description" of the lecture).
    pub description: &'static str,
    /// Demonstrations `(input, answer)`; `k`-shot prompts use the first `k`.
    pub examples: &'static [(&'static str, &'static str)],
    /// Held-out queries `(input, accepted answers separated by '|')`.
    pub tests: &'static [(&'static str, &'static str)],
    /// Whether letter case matters when grading (it does for the capital-letters task).
    pub case_sensitive: bool,
}

/// The built-in suite.
pub const TASKS: &[IclTask] = &[
    IclTask {
        id: "antonyms",
        name_en: "Antonyms",
        name_zh: "反義詞",
        description: "Write the opposite of each word.",
        examples: &[("hot", "cold"), ("big", "small"), ("up", "down"), ("happy", "sad"), ("fast", "slow"), ("light", "dark"), ("open", "closed"), ("early", "late")],
        tests: &[
            ("tall", "short"), ("good", "bad"), ("wet", "dry"), ("hard", "soft|easy"), ("rich", "poor"), ("full", "empty"),
            ("strong", "weak"), ("loud", "quiet|soft"), ("clean", "dirty"), ("thick", "thin"), ("win", "lose"), ("true", "false"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "capitals",
        name_en: "Country → capital",
        name_zh: "國家 → 首都",
        description: "Name the capital city of each country.",
        examples: &[("France", "Paris"), ("Japan", "Tokyo"), ("Italy", "Rome"), ("Egypt", "Cairo"), ("Canada", "Ottawa"), ("Spain", "Madrid"), ("Russia", "Moscow"), ("Kenya", "Nairobi")],
        tests: &[
            ("Germany", "Berlin"), ("China", "Beijing"), ("United Kingdom", "London"), ("Greece", "Athens"), ("Portugal", "Lisbon"), ("Ireland", "Dublin"),
            ("Norway", "Oslo"), ("Austria", "Vienna"), ("Thailand", "Bangkok"), ("Peru", "Lima"), ("Poland", "Warsaw"), ("Sweden", "Stockholm"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "en-fr",
        name_en: "English → French",
        name_zh: "英文 → 法文",
        description: "Translate each English word into French.",
        examples: &[("cat", "chat"), ("dog", "chien"), ("house", "maison"), ("water", "eau|l'eau"), ("bread", "pain"), ("red", "rouge"), ("book", "livre"), ("sun", "soleil")],
        tests: &[
            ("apple", "pomme|la pomme"), ("car", "voiture|la voiture"), ("tree", "arbre|l'arbre"), ("milk", "lait|le lait"), ("moon", "lune|la lune"), ("green", "vert|verte"),
            ("friend", "ami|amie"), ("school", "école|ecole"), ("cheese", "fromage"), ("horse", "cheval"), ("flower", "fleur"), ("sea", "mer|la mer"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "sentiment",
        name_en: "Sentiment",
        name_zh: "情感分類",
        description: "Label each review as positive or negative.",
        examples: &[
            ("I loved this movie!", "positive"), ("Terrible service, never again.", "negative"), ("The food was delicious.", "positive"), ("It broke after one day.", "negative"),
            ("A wonderful, moving story.", "positive"), ("Boring and far too long.", "negative"), ("Great value for the money.", "positive"), ("The worst hotel I have seen.", "negative"),
        ],
        tests: &[
            ("An amazing performance by the whole cast.", "positive"), ("I want my money back.", "negative"), ("Friendly staff and a lovely view.", "positive"),
            ("The plot made no sense at all.", "negative"), ("Best purchase I made this year.", "positive"), ("Cold coffee and rude waiters.", "negative"),
            ("My kids enjoyed every minute.", "positive"), ("The battery dies within an hour.", "negative"), ("Beautiful music and great acting.", "positive"),
            ("Dirty rooms and a broken shower.", "negative"), ("I would happily read it again.", "positive"), ("A complete waste of time.", "negative"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "plural",
        name_en: "Singular → plural",
        name_zh: "單數 → 複數",
        description: "Write the plural of each noun.",
        examples: &[("cat", "cats"), ("box", "boxes"), ("baby", "babies"), ("child", "children"), ("mouse", "mice"), ("city", "cities"), ("knife", "knives"), ("foot", "feet")],
        tests: &[
            ("dog", "dogs"), ("church", "churches"), ("lady", "ladies"), ("man", "men"), ("tooth", "teeth"), ("wolf", "wolves"),
            ("bus", "buses"), ("story", "stories"), ("woman", "women"), ("glass", "glasses"), ("leaf", "leaves"), ("book", "books"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "uppercase",
        name_en: "Letter case",
        name_zh: "轉大寫",
        description: "Write each word in capital letters.",
        examples: &[("apple", "APPLE"), ("house", "HOUSE"), ("green", "GREEN"), ("music", "MUSIC"), ("table", "TABLE"), ("river", "RIVER"), ("paper", "PAPER"), ("cloud", "CLOUD")],
        tests: &[
            ("dog", "DOG"), ("window", "WINDOW"), ("orange", "ORANGE"), ("school", "SCHOOL"), ("garden", "GARDEN"), ("friend", "FRIEND"),
            ("water", "WATER"), ("planet", "PLANET"), ("yellow", "YELLOW"), ("coffee", "COFFEE"), ("bridge", "BRIDGE"), ("summer", "SUMMER"),
        ],
        case_sensitive: true,
    },
    IclTask {
        id: "number-words",
        name_en: "Number words",
        name_zh: "數字 → 英文",
        description: "Write each number in words.",
        examples: &[("3", "three"), ("7", "seven"), ("12", "twelve"), ("20", "twenty"), ("15", "fifteen"), ("40", "forty"), ("9", "nine"), ("11", "eleven")],
        tests: &[
            ("5", "five"), ("8", "eight"), ("13", "thirteen"), ("30", "thirty"), ("2", "two"), ("6", "six"),
            ("10", "ten"), ("14", "fourteen"), ("50", "fifty"), ("1", "one"), ("18", "eighteen"), ("4", "four"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "past-tense",
        name_en: "Past tense",
        name_zh: "動詞過去式",
        description: "Write the past tense of each verb.",
        examples: &[("walk", "walked"), ("go", "went"), ("eat", "ate"), ("see", "saw"), ("play", "played"), ("take", "took"), ("write", "wrote"), ("run", "ran")],
        tests: &[
            ("jump", "jumped"), ("come", "came"), ("sing", "sang"), ("buy", "bought"), ("think", "thought"), ("drink", "drank"),
            ("talk", "talked"), ("give", "gave"), ("swim", "swam"), ("make", "made"), ("know", "knew"), ("fly", "flew"),
        ],
        case_sensitive: false,
    },
];

/// The Chinese suite (simplified characters, as the lecture's GPT examples): a multilingual GPT
/// does these few-shot; an English-only one cannot.
pub const TASKS_ZH: &[IclTask] = &[
    IclTask {
        id: "zh-en-zh",
        name_en: "English → Chinese",
        name_zh: "英譯中",
        description: "把每个英文单词翻译成中文。",
        examples: &[("cat", "猫"), ("dog", "狗"), ("water", "水"), ("book", "书"), ("red", "红色|红"), ("sun", "太阳"), ("bread", "面包"), ("house", "房子|房屋")],
        tests: &[
            ("apple", "苹果"), ("car", "汽车|车"), ("tree", "树"), ("milk", "牛奶|奶"), ("moon", "月亮"), ("green", "绿色|绿"),
            ("friend", "朋友"), ("school", "学校"), ("fish", "鱼"), ("flower", "花"), ("teacher", "老师|教师"), ("rain", "雨"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "zh-sentiment",
        name_en: "Sentiment (Chinese)",
        name_zh: "情感分類（中文）",
        description: "判断每条评论是正面还是负面。",
        examples: &[
            ("这家餐厅的菜很好吃。", "正面"), ("服务太差了，再也不来了。", "负面"), ("房间干净，价格也合理。", "正面"), ("等了一个小时还没上菜。", "负面"),
            ("电影很感人，值得一看。", "正面"), ("质量很差，用了一天就坏了。", "负面"), ("老师讲得非常清楚。", "正面"), ("手机屏幕太暗，看不清楚。", "负面"),
        ],
        tests: &[
            ("风景很美，下次还想来。", "正面"), ("快递太慢了，包装也破了。", "负面"), ("味道不错，分量也足。", "正面"), ("声音太吵，晚上睡不着。", "负面"),
            ("员工很热情，帮了我很多。", "正面"), ("价格太贵，一点也不值。", "负面"), ("这本书写得很有意思。", "正面"), ("衣服穿了一次就掉色了。", "负面"),
            ("孩子们玩得很开心。", "正面"), ("客服态度很差，不解决问题。", "负面"), ("音乐好听，演出很精彩。", "正面"), ("菜又咸又冷，很失望。", "负面"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "zh-antonyms",
        name_en: "Antonyms (Chinese)",
        name_zh: "反義詞（中文）",
        description: "写出每个字的反义词。",
        examples: &[("大", "小"), ("高", "矮|低"), ("长", "短"), ("多", "少"), ("快", "慢"), ("黑", "白"), ("冷", "热"), ("上", "下")],
        tests: &[
            ("左", "右"), ("前", "后"), ("开", "关|闭"), ("胖", "瘦"), ("新", "旧"), ("远", "近"),
            ("早", "晚"), ("真", "假"), ("男", "女"), ("进", "出"), ("买", "卖"), ("深", "浅"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "zh-capitals",
        name_en: "Country → capital (Chinese)",
        name_zh: "國家 → 首都（中文）",
        description: "写出每个国家的首都。",
        examples: &[("法国", "巴黎"), ("日本", "东京"), ("意大利", "罗马"), ("埃及", "开罗"), ("加拿大", "渥太华"), ("西班牙", "马德里"), ("俄罗斯", "莫斯科"), ("韩国", "首尔")],
        tests: &[
            ("德国", "柏林"), ("中国", "北京"), ("英国", "伦敦"), ("希腊", "雅典"), ("泰国", "曼谷"), ("印度", "新德里"),
            ("美国", "华盛顿"), ("澳大利亚", "堪培拉"), ("越南", "河内"), ("葡萄牙", "里斯本"), ("挪威", "奥斯陆"), ("巴西", "巴西利亚"),
        ],
        case_sensitive: false,
    },
    IclTask {
        id: "zh-measure",
        name_en: "Measure words",
        name_zh: "量詞",
        description: "为每个名词写出合适的量词。",
        examples: &[("书", "本"), ("狗", "只|条"), ("车", "辆"), ("纸", "张"), ("马", "匹"), ("树", "棵"), ("鱼", "条"), ("衣服", "件")],
        tests: &[
            ("笔", "支|枝"), ("猫", "只"), ("桌子", "张"), ("房子", "座|栋|间|所|套"), ("花", "朵|枝|束"), ("河", "条"),
            ("牛", "头|只"), ("信", "封"), ("手机", "部|台|个"), ("山", "座"), ("鞋", "双|只"), ("电脑", "台|部"),
        ],
        case_sensitive: false,
    },
];

/// The suite of a language: `"zh"` gives [`TASKS_ZH`], anything else the English [`TASKS`].
pub fn suite(language: &str) -> &'static [IclTask] {
    if language == "zh" {
        TASKS_ZH
    } else {
        TASKS
    }
}

/// The task with that id (either suite).
pub fn task(id: &str) -> Option<&'static IclTask> {
    TASKS.iter().chain(TASKS_ZH).find(|t| t.id == id)
}

/// The prompt the lecture describes: the task description, `examples` as `input => answer`
/// lines, then the query line ending in `=>` for the model to complete.
pub fn build_prompt(description: &str, examples: &[(String, String)], query: &str) -> String {
    let mut prompt = String::new();
    if !description.trim().is_empty() {
        prompt.push_str(description.trim());
        prompt.push('\n');
    }
    for (input, answer) in examples {
        prompt.push_str(&format!("{} => {}\n", input.trim(), answer.trim()));
    }
    prompt.push_str(&format!("{} =>", query.trim()));
    prompt
}

impl IclTask {
    /// The task's name in English (`english`) or Chinese.
    pub fn name(&self, english: bool) -> &'static str {
        if english {
            self.name_en
        } else {
            self.name_zh
        }
    }

    /// The accepted answers (`|`-separated) of a query of the suite, demonstration or held out.
    pub fn expected(&self, query: &str) -> Option<&'static str> {
        self.tests.iter().chain(self.examples.iter()).find(|(q, _)| *q == query.trim()).map(|(_, a)| *a)
    }

    /// The first `k` demonstrations as editable `input => answer` lines.
    pub fn examples_text(&self, k: usize) -> String {
        self.shots(k).iter().map(|(a, b)| format!("{a} => {b}")).collect::<Vec<_>>().join("\n")
    }

    /// The first `k` demonstrations as owned pairs, each with its first accepted answer only (a
    /// prompt showing `只|条` would teach the model to write the `|`).
    pub fn shots(&self, k: usize) -> Vec<(String, String)> {
        self.examples.iter().take(k).map(|(a, b)| (a.to_string(), b.split('|').next().unwrap_or(b).to_string())).collect()
    }

    /// The `k`-shot prompt for `query`.
    pub fn prompt(&self, k: usize, query: &str) -> String {
        build_prompt(self.description, &self.shots(k), query)
    }

    /// Whether a continuation answers correctly: its first line, trimmed of spaces and a final
    /// full stop, equals one of the accepted answers.
    pub fn grade(&self, continuation: &str, accepted: &str) -> bool {
        let answer = first_line_answer(continuation);
        accepted.split('|').any(|a| if self.case_sensitive { answer == a } else { answer.to_lowercase() == a.to_lowercase() })
    }
}

/// Reads edited `input => answer` lines back (blank lines skipped); `true` when some line has no
/// `=>` (it is left out).
pub fn parse_examples(text: &str) -> (Vec<(String, String)>, bool) {
    let mut bad = false;
    let list = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match l.split_once("=>") {
            Some((a, b)) => Some((a.trim().to_string(), b.trim().to_string())),
            None => {
                bad = true;
                None
            }
        })
        .collect();
    (list, bad)
}

/// One finished cell of the accuracy table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The task's id.
    pub task: &'static str,
    /// Examples in the prompt.
    pub shots: usize,
    /// Accuracy in percent.
    pub accuracy: f64,
    /// Seconds it took.
    pub seconds: f64,
}

/// The accuracy table as it fills: tasks in the order they were run, a cell per (task, shots),
/// and the mean over the tasks whose row is complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The cells so far.
    pub cells: Vec<Cell>,
}

impl Table {
    /// The tasks, in the order they appear in the cells.
    pub fn tasks(&self) -> Vec<&'static str> {
        let mut order: Vec<&'static str> = Vec::new();
        for c in &self.cells {
            if !order.contains(&c.task) {
                order.push(c.task);
            }
        }
        order
    }

    /// The accuracy of (task, shots), if run.
    pub fn accuracy(&self, task: &str, shots: usize) -> Option<f64> {
        self.cells.iter().find(|c| c.task == task && c.shots == shots).map(|c| c.accuracy)
    }

    /// The mean accuracy at `shots` over the tasks with every column of [`SHOTS`] done.
    pub fn mean(&self, shots: usize) -> Option<f64> {
        let complete: Vec<&str> = self.tasks().into_iter().filter(|id| SHOTS.iter().all(|&s| self.accuracy(id, s).is_some())).collect();
        (!complete.is_empty()).then(|| complete.iter().filter_map(|id| self.accuracy(id, shots)).sum::<f64>() / complete.len() as f64)
    }

    /// Seconds of all cells.
    pub fn seconds(&self) -> f64 {
        self.cells.iter().map(|c| c.seconds).sum()
    }
}

/// The answer a continuation gives: its first line, without surrounding spaces or a final
/// `.`, `,` or `!`.
pub fn first_line_answer(continuation: &str) -> &str {
    continuation.lines().next().unwrap_or("").trim().trim_end_matches(['.', ',', '!', '。', '，', '！']).trim()
}

/// One graded query.
#[derive(Debug, Clone, PartialEq)]
pub struct IclResult {
    /// The query input.
    pub query: String,
    /// Accepted answers (`|`-separated).
    pub expected: String,
    /// What the model wrote (first line).
    pub answer: String,
    /// Whether it is right.
    pub correct: bool,
}

/// Greedy decoding until the end of the line (or [`MAX_ANSWER_TOKENS`]) of the prompt `ids`,
/// whose first `cache.len()` tokens `cache` already holds.
async fn complete_ids(gpt: &LoadedGpt, cache: KvCache, ids: &[u32]) -> Result<String, String> {
    let rest = ids[cache.len()..].to_vec();
    let made = gpt
        .continue_from(cache, rest, MAX_ANSWER_TOKENS, &Sampling::greedy(), &mut Rng::new(0), |made| gpt.decode(made).trim_start().contains('\n'))
        .await?;
    Ok(gpt.decode(&made))
}

/// Runs one prompt: greedy decoding until the end of the line (or [`MAX_ANSWER_TOKENS`]).
pub async fn complete(gpt: &LoadedGpt, prompt: &str) -> Result<String, String> {
    complete_ids(gpt, KvCache::new(), &gpt.encode(prompt)?).await
}

/// Keys and values of the part every `k`-shot prompt of a task shares (description and
/// examples), computed once; `None` if it is empty or does not tokenize as a prefix.
async fn shared_prefix(gpt: &LoadedGpt, task: &IclTask, k: usize) -> Result<Option<(Vec<u32>, KvCache)>, String> {
    let full = task.prompt(k, "x");
    let prefix = &full[..full.len() - "x =>".len()];
    if prefix.is_empty() {
        return Ok(None);
    }
    let ids = gpt.encode(prefix)?;
    let mut cache = KvCache::new();
    // The prefix's last logits are not needed; feeding it fills the cache.
    gpt.next_logits(&ids, &mut cache).await?;
    Ok(Some((ids, cache)))
}

/// Grades `k`-shot prompts on the first `limit` held-out queries of `task`.
pub async fn evaluate(gpt: &LoadedGpt, task: &IclTask, k: usize, limit: usize) -> Result<Vec<IclResult>, String> {
    let prefix = shared_prefix(gpt, task, k).await?;
    let mut results = Vec::new();
    for (query, expected) in task.tests.iter().take(limit) {
        let ids = gpt.encode(&task.prompt(k, query))?;
        // Same tokens as a whole prompt: the cached prefix ends with a newline, which the
        // byte-level tokenizer never merges with the next line.
        let cache = match &prefix {
            Some((p, cache)) if ids.len() > p.len() && ids.starts_with(p) => cache.clone(),
            _ => KvCache::new(),
        };
        let continuation = complete_ids(gpt, cache, &ids).await?;
        results.push(IclResult {
            query: query.to_string(),
            expected: expected.to_string(),
            answer: first_line_answer(&continuation).to_string(),
            correct: task.grade(&continuation, expected),
        });
    }
    Ok(results)
}

/// Share of correct results, in percent.
pub fn accuracy(results: &[IclResult]) -> f64 {
    if results.is_empty() {
        return 0.0;
    }
    100.0 * results.iter().filter(|r| r.correct).count() as f64 / results.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_examples_read_back_and_the_table_averages_complete_rows() {
        let t = &TASKS[1];
        let text = t.examples_text(2);
        let (pairs, bad) = parse_examples(&format!("{text}\n\nno arrow here"));
        assert!(bad);
        assert_eq!(pairs, t.shots(2));
        assert_eq!(t.expected(t.tests[0].0), Some(t.tests[0].1));
        assert_eq!(t.expected("not in the suite"), None);
        let mut table = Table { cells: SHOTS.iter().map(|&s| Cell { task: "a", shots: s, accuracy: s as f64 * 10.0, seconds: 1.0 }).collect() };
        table.cells.push(Cell { task: "b", shots: 0, accuracy: 100.0, seconds: 2.0 });
        assert_eq!(table.tasks(), vec!["a", "b"]);
        assert_eq!((table.mean(8), table.accuracy("b", 0), table.accuracy("b", 1)), (Some(80.0), Some(100.0), None), "b's row is not complete");
        assert_eq!(table.seconds(), 7.0);
    }

    #[test]
    fn prompts_have_description_examples_and_query() {
        let t = task("capitals").unwrap();
        assert_eq!(t.prompt(0, "Peru"), "Name the capital city of each country.\nPeru =>");
        assert_eq!(t.prompt(2, "Peru"), "Name the capital city of each country.\nFrance => Paris\nJapan => Tokyo\nPeru =>");
        assert_eq!(build_prompt("", &[], " x "), "x =>");
    }

    #[test]
    fn grading_reads_the_first_line() {
        let t = task("capitals").unwrap();
        assert!(t.grade(" Lima\nChile => Santiago", "Lima"));
        assert!(t.grade(" lima.", "Lima"));
        assert!(!t.grade(" Cusco", "Lima"));
        assert!(!t.grade("", "Lima"));
        let upper = task("uppercase").unwrap();
        assert!(upper.grade(" DOG", "DOG") && !upper.grade(" dog", "DOG"), "case matters there");
        assert!(task("antonyms").unwrap().grade(" easy", "soft|easy"), "alternatives are accepted");
    }

    #[test]
    fn the_suite_is_sound() {
        assert!(TASKS.len() >= 8 && TASKS_ZH.len() >= 5);
        assert_eq!((suite("zh")[0].id, suite("en")[0].id), ("zh-en-zh", "antonyms"));
        assert_eq!(task("zh-measure").unwrap().name_zh, "量詞");
        assert_eq!(task("zh-measure").unwrap().shots(2)[1], ("狗".to_string(), "只".to_string()), "one answer per demonstration");
        let zh = task("zh-en-zh").unwrap();
        assert!(zh.grade(" 苹果。\ncar => 车", "苹果") && !zh.grade(" 梨", "苹果"), "a Chinese full stop is trimmed");
        let mut ids: Vec<&str> = TASKS.iter().chain(TASKS_ZH).map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TASKS.len() + TASKS_ZH.len(), "ids are unique across the suites");
        for t in TASKS.iter().chain(TASKS_ZH) {
            assert!(t.examples.len() >= *SHOTS.last().unwrap(), "{}", t.id);
            assert!(t.tests.len() >= 10, "{}", t.id);
            for (q, _) in t.tests {
                assert!(!t.examples.iter().any(|(e, _)| e == q), "{}: held-out query {q} is also an example", t.id);
            }
        }
    }
}
