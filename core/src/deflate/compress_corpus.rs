//! Deterministic test corpora for the codecs (tests only; also the
//! generator of tests/deflate, which includes this file through `#[path]`):
//! English-like prose, JSON and HTML of the kinds Autobahn 12.x sends, and
//! random bytes.

/// The kinds of data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Sentences of common words.
    English,
    /// An array of records with repeated keys.
    Json,
    /// Markup with attributes around prose.
    Html,
    /// Uniform random bytes (incompressible).
    Random,
}

/// Every kind.
pub const KINDS: [Kind; 4] = [Kind::English, Kind::Json, Kind::Html, Kind::Random];

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "time",
    "people",
    "water",
    "protocol",
    "message",
    "window",
    "compression",
    "server",
    "client",
    "frame",
    "history",
    "between",
    "through",
    "because",
    "another",
    "question",
    "government",
    "number",
    "morning",
    "evening",
    "garden",
    "river",
    "mountain",
    "library",
    "window",
    "kitchen",
    "remember",
    "understand",
    "beautiful",
    "important",
    "different",
    "following",
    "children",
    "something",
    "everything",
    "without",
    "against",
    "nothing",
    "himself",
    "herself",
    "country",
];

const KEYS: &[&str] = &[
    "id",
    "name",
    "email",
    "active",
    "score",
    "tags",
    "created_at",
    "address",
    "city",
    "zip",
    "latitude",
    "longitude",
    "friends",
    "balance",
    "company",
    "phone",
];

/// xorshift64 (shifts 13, 7, 17).
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A value in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Skewed towards the start of the list (a rough Zipf law).
    fn word(&mut self) -> &'static str {
        let a = self.below(WORDS.len());
        let b = self.below(WORDS.len());
        WORDS[a.min(b).min(self.below(WORDS.len()))]
    }
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let n = 4 + rng.below(14);
    for i in 0..n {
        let w = rng.word();
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push_str(w);
        }
        if i + 1 < n {
            out.push_str(if rng.below(9) == 0 { ", " } else { " " });
        }
    }
    out.push_str(if rng.below(7) == 0 { "? " } else { ". " });
}

fn json_record(rng: &mut Rng, id: usize, out: &mut String) {
    out.push_str(&format!("{{\"id\":{id},"));
    for _ in 0..4 + rng.below(6) {
        let key = KEYS[rng.below(KEYS.len())];
        match rng.below(4) {
            0 => out.push_str(&format!("\"{key}\":{},", rng.below(100_000))),
            1 => out.push_str(&format!("\"{key}\":\"{} {}\",", rng.word(), rng.word())),
            2 => out.push_str(&format!("\"{key}\":{},", rng.below(2) == 0)),
            _ => out.push_str(&format!(
                "\"{key}\":[\"{}\",\"{}\",{}.{}],",
                rng.word(),
                rng.word(),
                rng.below(1000),
                rng.below(1_000_000)
            )),
        }
    }
    out.push_str("\"ok\":true}");
}

fn html_block(rng: &mut Rng, out: &mut String) {
    let class = rng.word();
    match rng.below(3) {
        0 => {
            out.push_str(&format!("<div class=\"{class}\">\n  <p>"));
            sentence(rng, out);
            out.push_str("</p>\n</div>\n");
        }
        1 => {
            out.push_str(&format!(
                "<a href=\"/{}/{}.html\" title=\"{}\">",
                rng.word(),
                rng.below(500),
                rng.word()
            ));
            out.push_str(rng.word());
            out.push_str("</a>\n");
        }
        _ => {
            out.push_str("<ul>\n");
            for _ in 0..1 + rng.below(4) {
                out.push_str(&format!("  <li class=\"{class}\">{}</li>\n", rng.word()));
            }
            out.push_str("</ul>\n");
        }
    }
}

/// `len` bytes of `kind`, the same for the same `(kind, len, seed)`.
pub fn generate(kind: Kind, len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut s = String::with_capacity(len + 256);
    match kind {
        Kind::Random => return (0..len).map(|_| rng.next() as u8).collect(),
        Kind::English => {
            while s.len() < len {
                sentence(&mut rng, &mut s);
                if rng.below(6) == 0 {
                    s.push_str("\n\n");
                }
            }
        }
        Kind::Json => {
            s.push('[');
            let mut id = 0;
            while s.len() < len {
                json_record(&mut rng, id, &mut s);
                s.push(',');
                id += 1;
            }
        }
        Kind::Html => {
            s.push_str("<!DOCTYPE html>\n<html><head><title>Test</title></head><body>\n");
            while s.len() < len {
                html_block(&mut rng, &mut s);
            }
        }
    }
    s.truncate(len);
    s.into_bytes()
}
