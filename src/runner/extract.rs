//! Taking the code out of an answer: its fenced blocks.
//!
//! A candidate's answer mixes prose and code. By default the code is the
//! last fenced block labelled as Python (or not labelled at all), because
//! people paste a first try and then a fix; `/run 2` names a block by its
//! number instead, counting every fenced block in the answer from 1. Pure
//! text in, text out: no I/O.

/// Which block to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The last Python or unlabelled block.
    Latest,
    /// The n-th fenced block, from 1, whatever its label.
    Number(usize),
}

/// One fenced block of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The first word of the info string, lowercased ("" when unlabelled).
    pub lang: String,
    pub code: String,
    /// The closing fence was missing: the block runs to the end of the answer.
    pub unterminated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("the answer has no fenced code block: put the code between ``` lines")]
    NoBlock,
    #[error("the answer has no Python block (its blocks are labelled {0}); label one ```python or name it by number")]
    NoPythonBlock(String),
    #[error("the answer has {count} code block(s), so there is no block {asked}")]
    NoSuchBlock { asked: usize, count: usize },
}

/// The code to run from `answer`.
pub fn extract(answer: &str, pick: Pick) -> Result<String, ExtractError> {
    choose(&blocks(answer), pick)
}

/// The code to run from blocks already found (several answers' blocks, in order).
pub fn choose(all: &[Block], pick: Pick) -> Result<String, ExtractError> {
    if all.is_empty() {
        return Err(ExtractError::NoBlock);
    }
    match pick {
        Pick::Number(n) => {
            all.get(n.wrapping_sub(1))
                .map(|b| b.code.clone())
                .ok_or(ExtractError::NoSuchBlock {
                    asked: n,
                    count: all.len(),
                })
        }
        Pick::Latest => match all.iter().rev().find(|b| is_python(&b.lang)) {
            Some(b) => Ok(b.code.clone()),
            None => {
                let mut langs: Vec<String> = all.iter().map(|b| b.lang.clone()).collect();
                langs.dedup();
                Err(ExtractError::NoPythonBlock(langs.join(", ")))
            }
        },
    }
}

fn is_python(lang: &str) -> bool {
    matches!(
        lang,
        "" | "py" | "py3" | "python" | "python3" | "numpy" | "ipython"
    )
}

/// Every fenced block, in order. Fences are ``` or ~~~ (three or more),
/// indented by at most three spaces; a closing fence uses the same
/// character, at least as many, and nothing else on its line.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(Fence, String, Vec<&str>)> = None;
    for line in text.lines() {
        if let Some((fence, lang, body)) = open.as_mut() {
            if fence.closes(line) {
                out.push(block(fence, std::mem::take(lang), body, false));
                open = None;
            } else {
                body.push(line);
            }
        } else if let Some((fence, info)) = Fence::opening(line) {
            open = Some((fence, lang_of(info), Vec::new()));
        }
    }
    if let Some((fence, lang, body)) = open {
        out.push(block(&fence, lang, &body, true));
    }
    out
}

/// The first word of an info string: "python" from "{.python .numberLines}".
fn lang_of(info: &str) -> String {
    info.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| c == '{' || c == '}' || c == '.')
        .to_lowercase()
}

fn block(fence: &Fence, lang: String, body: &[&str], unterminated: bool) -> Block {
    let mut code: String = body
        .iter()
        .map(|l| strip_indent(l, fence.indent))
        .collect::<Vec<_>>()
        .join("\n");
    code.push('\n');
    Block {
        lang,
        code,
        unterminated,
    }
}

/// A block inside a list item is indented like its fence: take that much off.
fn strip_indent(line: &str, indent: usize) -> &str {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    &line[spaces.min(indent)..]
}

#[derive(Debug, Clone)]
struct Fence {
    ch: char,
    len: usize,
    indent: usize,
}

impl Fence {
    fn opening(line: &str) -> Option<(Fence, &str)> {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let ch = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let len = trimmed.chars().take_while(|c| *c == ch).count();
        let info = &trimmed[len..];
        // A backtick fence's info string cannot hold a backtick (that is inline code).
        if indent > 3 || len < 3 || (ch == '`' && info.contains('`')) {
            return None;
        }
        Some((Fence { ch, len, indent }, info.trim()))
    }

    fn closes(&self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let len = trimmed.chars().take_while(|c| *c == self.ch).count();
        indent <= 3 && len >= self.len && trimmed[len..].trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_last_python_or_unlabelled_block() {
        let answer = "First try:\n```python\ndef f():\n    return 1\n```\nThen the fix:\n```\ndef f():\n    return 2\n```\nand a shell line\n```bash\npython f.py\n```\n";
        assert_eq!(
            extract(answer, Pick::Latest).unwrap(),
            "def f():\n    return 2\n"
        );
    }

    #[test]
    fn a_block_named_by_number_counts_every_block() {
        let answer = "```py\na = 1\n```\n```text\nnot code\n```\n~~~python\nb = 2\n~~~\n";
        assert_eq!(extract(answer, Pick::Number(1)).unwrap(), "a = 1\n");
        assert_eq!(extract(answer, Pick::Number(2)).unwrap(), "not code\n");
        assert_eq!(extract(answer, Pick::Number(3)).unwrap(), "b = 2\n");
        assert_eq!(
            extract(answer, Pick::Number(4)),
            Err(ExtractError::NoSuchBlock { asked: 4, count: 3 })
        );
        assert!(matches!(
            extract(answer, Pick::Number(0)),
            Err(ExtractError::NoSuchBlock { .. })
        ));
    }

    #[test]
    fn no_block_and_no_python_block_are_told_apart() {
        assert_eq!(
            extract("def f(): pass", Pick::Latest),
            Err(ExtractError::NoBlock)
        );
        let err = extract("```bash\nls\n```\n```json\n{}\n```\n", Pick::Latest).unwrap_err();
        assert_eq!(err, ExtractError::NoPythonBlock("bash, json".into()));
    }

    #[test]
    fn longer_fences_hold_shorter_ones_and_indent_is_stripped() {
        let answer = "````python\nprint('```')\n```\nx = 1\n````\n";
        assert_eq!(
            extract(answer, Pick::Latest).unwrap(),
            "print('```')\n```\nx = 1\n"
        );
        let listed = "1. my code:\n   ```python\n   def f():\n       return 3\n   ```\n";
        assert_eq!(
            extract(listed, Pick::Latest).unwrap(),
            "def f():\n    return 3\n"
        );
    }

    #[test]
    fn an_unterminated_block_runs_to_the_end() {
        let all = blocks("text\n```python\ndef f():\n    pass");
        assert_eq!(all.len(), 1);
        assert!(all[0].unterminated);
        assert_eq!(all[0].code, "def f():\n    pass\n");
    }

    #[test]
    fn inline_backticks_and_info_strings() {
        assert!(blocks("use ```x``` inline").is_empty());
        let all = blocks("```{.python .numberLines}\nx\n```\n```Python3 title=a.py\ny\n```\n");
        assert_eq!(all[0].lang, "python");
        assert_eq!(all[1].lang, "python3");
        assert_eq!(all[1].code, "y\n");
    }
}
