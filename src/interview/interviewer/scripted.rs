//! The built-in offline interviewer.
//!
//! It phrases what the session decided, the way the situation calls for:
//! the next question's lead-in follows how the last one went (no "Good"
//! after a non-answer), a probe of a gap may first acknowledge what the
//! answer covered, a quote is used only when it leads into the question
//! that follows, a claim is pushed on with a question about that claim.
//! No lead-in or quote opener is used twice in a session (seeded choice
//! among those not used yet); when a situation's are used up, the question
//! is asked plainly.

use std::collections::BTreeSet;

use crate::coverage::ClaimKind;
use crate::rng::Rng;
use crate::rounds::KeyPoint;
use crate::session::{Aim, FollowUp, Outcome, WrapReason};

use super::{Context, Interviewer, Reply, Sink};

const FIRST: &[&str] = &["Let's start.", "Okay, first question.", "Let's get going."];
const AFTER_STRONG: &[&str] = &[
    "Good. Next question.",
    "That was solid. Let's move on.",
    "Good, let's switch topics.",
    "Nice. Here's the next one.",
];
const AFTER_PARTIAL: &[&str] = &[
    "Let's move on.",
    "Okay, switching gears.",
    "Let's change topic.",
    "Next question.",
];
const AFTER_THIN: &[&str] = &[
    "Let's try another one.",
    "Let's move to a different problem.",
    "Okay, a different question.",
];
const AFTER_NON_ANSWER: &[&str] = &[
    "Let's try a different one.",
    "No problem, let's try something else.",
    "Let's leave that one and take another.",
];
const AFTER_OFF_ANSWER: &[&str] = &[
    "Let's leave that one there.",
    "Okay, let's move on from that one.",
    "Let's park that and take another.",
];
const AFTER_SKIP: &[&str] = &[
    "Okay, skipping that one.",
    "Fine, here's a different question.",
    "Sure, let's take another one.",
];
/// Openers for a quote of the candidate's own words.
const QUOTE: &[&str] = &[
    "You said \"{quote}\".",
    "Going back to \"{quote}\":",
    "On \"{quote}\":",
    "Take \"{quote}\".",
    "You mentioned \"{quote}\".",
    "About \"{quote}\":",
    "Picking up on \"{quote}\":",
];
/// Acknowledging a key point the answer covered, before probing a gap.
const ACKNOWLEDGE: &[&str] = &[
    "You've covered {concept}.",
    "Okay, {concept} is clear.",
    "That takes care of {concept}.",
    "Fine on {concept}.",
    "{Concept}: understood.",
];
/// Probing a gap after an answer that covered nothing to acknowledge.
const PROBE: &[&str] = &[
    "Let me make it concrete.",
    "Let's get specific.",
    "Here's a case to work through.",
    "Let me push on one thing.",
    "One more angle.",
];
/// Going deeper on a point touched without its substance.
const DEEPER: &[&str] = &[
    "You touched on {concept}; let's go deeper.",
    "Say more about {concept}.",
    "Let's stay on {concept} for a moment.",
];
/// Challenging a misconception.
const CHALLENGE: &[&str] = &[
    "I'm not sure that holds.",
    "Let me challenge that.",
    "I'd push back on that.",
    "Are you sure about that?",
];
/// Pressure after an answer that covered everything.
const STRONG: &[&str] = &[
    "That covers the main pieces.",
    "That's a complete picture.",
    "The pieces are there.",
    "That hangs together.",
];
const PRESSURE: &[&str] = &[
    "Let's stress-test it.",
    "Suppose that's built.",
    "Now a harder case.",
];
const NUMBER: &[&str] = &[
    "Where does that number come from?",
    "What is that figure based on?",
    "How would you know that figure before building it?",
];
const ABSOLUTE: &[&str] = &[
    "When would that not hold?",
    "Is that true in every case? When does it break?",
    "What would make that false here?",
];
const PRICE: &[&str] = &[
    "What does that choice cost you?",
    "What do you give up by going that way?",
    "What's the price of that choice?",
];
const NUDGE: &[&str] = &[
    "That's fine. Let's narrow it down.",
    "No problem. Take a guess and talk me through it.",
    "Fair enough. Here's a smaller piece.",
];
const NUDGE_PLAIN: &str = "Take a guess: where would you start, and why?";
/// The question's title goes in quotes: titles are noun phrases ("An agent
/// that books business travel"), imperatives ("Design a semantic cache")
/// and questions ("Is the benefits bot any good?"), and only a quote reads
/// right for all three.
const REDIRECT: &[&str] = &[
    "That's not quite what I asked; we're on \"{topic}\".",
    "Let's bring it back to the question: \"{topic}\".",
];
const FOREIGN: &str = "Could you answer in English, so I can follow? The question is \"{topic}\".";
const PASTED: &str =
    "That reads like pasted text \u{2014} tell me in your own words how you'd approach it. {probe}";
const HINT_1: &[&str] = &[
    "Here's a way in:",
    "Try this angle:",
    "Think about this case:",
];
const HINT_2: &[&str] = &[
    "A hint: think about {concept}. Where does it come in here?",
    "Consider {concept}. How would it change your answer?",
    "Think about {concept}. What would you do about it?",
];
const HINT_3: &str =
    "Here is one thing a strong answer covers: {point} How would you work that into yours?";

pub struct Scripted {
    rng: Rng,
    /// Lead-ins and openers already used this session.
    used: BTreeSet<&'static str>,
}

impl Scripted {
    pub fn new(seed: u64) -> Scripted {
        Scripted {
            rng: Rng::new(seed ^ 0x005E_ED0F_1E7E),
            used: BTreeSet::new(),
        }
    }

    /// A phrase of this pool not used yet this session (seeded), if any.
    fn pick(&mut self, pool: &[&'static str]) -> Option<&'static str> {
        let free: Vec<&'static str> = pool
            .iter()
            .copied()
            .filter(|p| !self.used.contains(p))
            .collect();
        if free.is_empty() {
            return None;
        }
        let p = free[self.rng.below(free.len())];
        self.used.insert(p);
        Some(p)
    }

    /// Mark the phrases an earlier turn of this session used (on resume).
    pub fn remember(&mut self, said: &str) {
        let pools: [&[&'static str]; 20] = [
            FIRST,
            AFTER_STRONG,
            AFTER_PARTIAL,
            AFTER_THIN,
            AFTER_NON_ANSWER,
            AFTER_OFF_ANSWER,
            AFTER_SKIP,
            QUOTE,
            ACKNOWLEDGE,
            PROBE,
            DEEPER,
            CHALLENGE,
            STRONG,
            PRESSURE,
            NUMBER,
            ABSOLUTE,
            PRICE,
            NUDGE,
            REDIRECT,
            HINT_1,
        ];
        for p in pools.iter().flat_map(|p| p.iter()).chain(HINT_2) {
            if said.contains(literal(p)) {
                self.used.insert(p);
            }
        }
    }

    /// The quote opener with the quote, if an opener is left.
    fn quoted(&mut self, quote: Option<&str>) -> Option<String> {
        let q = quote.filter(|q| !q.trim().is_empty())?;
        Some(self.pick(QUOTE)?.replace("{quote}", q))
    }

    /// The text of a follow-up, without printing it (the LLM engine uses this
    /// as its fallback and as the instruction of what to ask).
    pub fn phrase_follow_up(&mut self, ctx: &Context, f: &FollowUp) -> String {
        let q = ctx.question;
        let kp = |id: Option<&str>| id.and_then(|id| q.key_points.iter().find(|k| k.id == id));
        let concept = |id: Option<&str>| kp(id).map(|k| k.concept.clone()).unwrap_or_default();
        let probe = |id: Option<&str>| kp(id).map(|k| k.probe.clone());
        match &f.target {
            Aim::KeyPoint(id) => {
                let ask = probe(Some(id)).unwrap_or_else(|| "Can you go deeper on that?".into());
                if let Some(k) = f.acknowledge.as_deref() {
                    if let Some(t) = self.pick(ACKNOWLEDGE) {
                        return join(&[&fill_concept(t, &concept(Some(k))), &ask]);
                    }
                }
                if let Some(opener) = self.quoted(f.quote.as_deref()) {
                    return join(&[&opener, &lead_into(&opener, &ask)]);
                }
                join(&[self.pick(PROBE).unwrap_or(""), &ask])
            }
            Aim::Deeper(id) => {
                let ask = probe(Some(id)).unwrap_or_else(|| "Can you go deeper on that?".into());
                if let Some(opener) = self.quoted(f.quote.as_deref()) {
                    return join(&[&opener, &lead_into(&opener, &ask)]);
                }
                let lead = self
                    .pick(DEEPER)
                    .map(|t| fill_concept(t, &concept(Some(id))));
                join(&[lead.as_deref().unwrap_or(""), &ask])
            }
            Aim::Misconception { key_point, .. } => {
                let ask = probe(key_point.as_deref())
                    .unwrap_or_else(|| "What would happen here if that were wrong?".into());
                let opener = self.quoted(f.quote.as_deref()).unwrap_or_default();
                let lead = self.pick(CHALLENGE).unwrap_or("");
                join(&[&opener, lead, &ask])
            }
            Aim::Claim(kind) => {
                let pool = match kind {
                    ClaimKind::Number => NUMBER,
                    ClaimKind::Absolute => ABSOLUTE,
                    ClaimKind::Price => PRICE,
                };
                let ask = self.pick(pool).unwrap_or(pool[0]);
                let lead = self.pick(STRONG).unwrap_or("");
                // the quote is the claim: without it the question points at nothing
                let opener = self.quoted(f.quote.as_deref()).unwrap_or_else(|| {
                    f.quote
                        .as_deref()
                        .map(|q| format!("\"{q}\":"))
                        .unwrap_or_default()
                });
                join(&[lead, &opener, ask])
            }
            Aim::Pressure(i) => {
                let ask = q
                    .follow_ups
                    .get(*i)
                    .cloned()
                    .unwrap_or_else(|| "When does this design fail?".into());
                if let Some(opener) = self.quoted(f.quote.as_deref()) {
                    return join(&[&opener, &ask]);
                }
                let all_covered = q.key_points.iter().all(|k| ctx.covered.contains(&k.id));
                let lead = if all_covered {
                    self.pick(STRONG)
                } else {
                    self.pick(PRESSURE)
                };
                join(&[lead.unwrap_or(""), &ask])
            }
            Aim::Nudge(k) => match probe(k.as_deref()) {
                Some(ask) => join(&[self.pick(NUDGE).unwrap_or(""), &ask]),
                None => NUDGE_PLAIN.to_string(),
            },
            Aim::Redirect { key_point, foreign } => {
                if *foreign {
                    return fill_topic(FOREIGN, &q.title);
                }
                let ask = probe(key_point.as_deref())
                    .unwrap_or_else(|| "How does your answer apply to it?".into());
                let lead = self.pick(REDIRECT).unwrap_or(REDIRECT[0]);
                join(&[&fill_topic(lead, &q.title), &ask])
            }
            Aim::Run(_) => ctx.run.and_then(|r| r.follow_up()).unwrap_or_else(|| {
                "Your code fails some of the tests. What do you think they check?".into()
            }),
            Aim::Pasted => {
                let first = q.key_points.iter().find(|k| !ctx.covered.contains(&k.id));
                let ask = first.map(|k| k.probe.as_str()).unwrap_or("");
                PASTED.replace("{probe}", ask).trim().to_string()
            }
        }
    }

    pub fn phrase_question(&mut self, ctx: &Context) -> String {
        let pool = match ctx.previous {
            None => FIRST,
            Some(Outcome::Strong) => AFTER_STRONG,
            Some(Outcome::Partial) => AFTER_PARTIAL,
            Some(Outcome::Thin) => AFTER_THIN,
            Some(Outcome::NonAnswer) => AFTER_NON_ANSWER,
            Some(Outcome::EndedOffAnswer) => AFTER_OFF_ANSWER,
            Some(Outcome::Skipped) => AFTER_SKIP,
        };
        match self.pick(pool) {
            Some(lead) => format!("{lead}\n\n{}", ctx.question.text),
            None => ctx.question.text.clone(),
        }
    }

    /// One rung of the hint ladder: 1 points at the area with a question
    /// (the key point's probe), 2 names the concept, 3 gives the key point.
    pub fn phrase_hint(&mut self, kp: &KeyPoint, level: u8) -> String {
        match level {
            1 => join(&[self.pick(HINT_1).unwrap_or(""), &kp.probe]),
            2 => {
                let t = self.pick(HINT_2).unwrap_or(HINT_2[0]);
                fill_concept(t, &kp.concept)
            }
            _ => HINT_3.replace("{point}", kp.point.trim()),
        }
    }

    pub fn phrase_wrap_up(reason: WrapReason) -> String {
        match reason {
            WrapReason::Done => "That's all my questions. Thanks for working through them.".into(),
            WrapReason::Time => "We're out of time, so let's stop here. Thanks.".into(),
            WrapReason::Requested => "Okay, let's wrap up here. Thanks.".into(),
        }
    }
}

/// The fixed text of a template before its first placeholder.
fn literal(template: &str) -> &str {
    let end = template.find('{').unwrap_or(template.len());
    let lit = template[..end].trim();
    if lit.len() < 6 {
        // "{Concept}: understood." and the like: match the tail instead
        template.rsplit('}').next().unwrap_or(template).trim()
    } else {
        lit
    }
}

/// After an opener ending in ':', the question continues the sentence.
fn lead_into(opener: &str, ask: &str) -> String {
    if opener.ends_with(':') {
        lower_first(ask)
    } else {
        ask.to_string()
    }
}

fn fill_concept(template: &str, concept: &str) -> String {
    let concept = concept.trim();
    template
        .replace("{Concept}", &upper_first(concept))
        .replace("{concept}", concept)
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Puts the title in the template's quotes; a title that ends in its own
/// question or exclamation mark takes no full stop after the quote.
fn fill_topic(template: &str, title: &str) -> String {
    let title = title.trim().trim_end_matches('.');
    let filled = template.replace("{topic}", title);
    if title.ends_with(['?', '!']) {
        filled.replace(&format!("{title}\"."), &format!("{title}\""))
    } else {
        filled
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // keep "I", acronyms and names as they are
        Some(f)
            if f.is_uppercase()
                && c.clone().next().is_some_and(|n| n.is_lowercase())
                && f != 'I' =>
        {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_string(),
    }
}

fn say(sink: &mut dyn Sink, text: String) -> Reply {
    sink.begin();
    sink.token(&text);
    sink.end();
    Reply::offline(text)
}

impl Interviewer for Scripted {
    fn describe(&self) -> String {
        "offline".into()
    }

    fn question(&mut self, ctx: &Context, sink: &mut dyn Sink) -> Reply {
        let text = self.phrase_question(ctx);
        say(sink, text)
    }

    fn follow_up(&mut self, ctx: &Context, f: &FollowUp, sink: &mut dyn Sink) -> Reply {
        let text = self.phrase_follow_up(ctx, f);
        say(sink, text)
    }

    fn hint(&mut self, _ctx: &Context, kp: &KeyPoint, level: u8, sink: &mut dyn Sink) -> Reply {
        let text = self.phrase_hint(kp, level);
        say(sink, text)
    }

    fn wrap_up(&mut self, reason: WrapReason, sink: &mut dyn Sink) -> Reply {
        say(sink, Scripted::phrase_wrap_up(reason))
    }

    fn remember(&mut self, said: &str) {
        Scripted::remember(self, said);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_quoted_whatever_its_grammar() {
        let t = "Let's bring it back to the question: \"{topic}\".";
        assert_eq!(
            fill_topic(t, "An agent that books business travel"),
            "Let's bring it back to the question: \"An agent that books business travel\"."
        );
        assert_eq!(
            fill_topic(t, "Is the benefits bot any good?"),
            "Let's bring it back to the question: \"Is the benefits bot any good?\""
        );
    }

    #[test]
    fn lowercasing_keeps_acronyms_and_i() {
        assert_eq!(lower_first("How would you"), "how would you");
        assert_eq!(lower_first("RAG first?"), "RAG first?");
        assert_eq!(lower_first("I mean"), "I mean");
    }

    #[test]
    fn no_phrase_is_used_twice_and_resume_remembers() {
        let mut s = Scripted::new(3);
        let picked: Vec<&str> = (0..PROBE.len() + 2).filter_map(|_| s.pick(PROBE)).collect();
        assert_eq!(picked.len(), PROBE.len(), "then the pool is used up");
        let set: BTreeSet<&&str> = picked.iter().collect();
        assert_eq!(set.len(), picked.len());
        let mut again = Scripted::new(3);
        again.remember("Let me make it concrete. What breaks first?");
        assert!(again.used.contains("Let me make it concrete."));
        again.remember("Okay, permissions at retrieval time is clear. Next?");
        assert!(again.used.contains("Okay, {concept} is clear."));
    }
}
