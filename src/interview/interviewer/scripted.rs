//! The built-in offline interviewer.
//!
//! It phrases what the session decided: the question from the bank, the
//! probe of the key point the answer missed, a pressure follow-up that quotes
//! the candidate back, a nudge after "I don't know". Phrasing rotates through
//! several forms (seeded, never the same form twice in a row) so it reads
//! like a person, not a form.

use crate::rng::Rng;
use crate::rounds::KeyPoint;
use crate::session::{Aim, FollowUp, WrapReason};

use super::{Context, Interviewer, Reply, Sink};

pub struct Scripted {
    rng: Rng,
    last: [usize; 8],
}

#[derive(Clone, Copy)]
enum Kind {
    FirstQuestion = 0,
    NextQuestion,
    ProbeQuoted,
    Probe,
    Pressure,
    Nudge,
    Redirect,
    Hint,
}

const FIRST: &[&str] = &["Let's start.", "Okay, first question.", "Let's get going."];
const NEXT: &[&str] = &[
    "Let's move on.",
    "Good, next question.",
    "Okay, switching gears.",
    "Let's change topic.",
    "Thanks. Next one.",
];
const PROBE_QUOTED: &[&str] = &[
    "You said \"{quote}\". {probe}",
    "Okay, \"{quote}\". {probe}",
    "Going back to \"{quote}\": {probe_lc}",
];
const PROBE: &[&str] = &[
    "{probe}",
    "Let me push on one thing. {probe}",
    "Before we move on: {probe}",
    "One more angle. {probe}",
    "Let's dig in. {probe}",
];
const PRESSURE: &[&str] = &[
    "You said \"{quote}\". {follow_up}",
    "Let's stress-test that. You said \"{quote}\". {follow_up}",
    "Take \"{quote}\". {follow_up}",
    "I want to push on \"{quote}\". {follow_up}",
];
const PRESSURE_PLAIN: &[&str] = &[
    "Let's stress-test that. {follow_up}",
    "Okay. {follow_up}",
    "Suppose that's built. {follow_up}",
];
const NUDGE: &[&str] = &[
    "That's fine. Reasoning out loud counts for more than the right answer. {probe}",
    "Take a guess and talk me through it. {probe}",
    "No problem, let's narrow it down. {probe}",
];
const NUDGE_PLAIN: &[&str] = &[
    "That's fine. What would you try first, and why?",
    "Take a guess: where would you start?",
];
const REDIRECT: &[&str] = &[
    "Let's bring it back to the question. {probe}",
    "I'm not sure that answers what I asked. {probe}",
];
const FOREIGN: &[&str] = &["Could you answer in English, so I can follow? {probe}"];
const HINT: &[&str] = &[
    "Hint: one thing a strong answer covers here: {point}. Why does it matter in this case?",
    "Here's a nudge: think about this: {point}. What does it change in your answer?",
    "Something to consider: {point}. Where does that come in?",
];

impl Scripted {
    pub fn new(seed: u64) -> Scripted {
        Scripted {
            rng: Rng::new(seed ^ 0x005E_ED0F_1E7E),
            last: [usize::MAX; 8],
        }
    }

    /// Pick a template of this kind, never the one used last time.
    fn pick(&mut self, kind: Kind, options: &[&'static str]) -> &'static str {
        let k = kind as usize;
        let mut i = self.rng.below(options.len());
        if options.len() > 1 && i == self.last[k] {
            i = (i + 1) % options.len();
        }
        self.last[k] = i;
        options[i]
    }

    /// The text of a follow-up, without printing it (the LLM engine uses this
    /// as its fallback and as the instruction of what to ask).
    pub fn phrase_follow_up(&mut self, ctx: &Context, f: &FollowUp) -> String {
        let q = ctx.question;
        let probe_of = |id: &Option<String>| {
            id.as_ref()
                .and_then(|id| q.key_points.iter().find(|k| &k.id == id))
                .map(|k| k.probe.clone())
        };
        match &f.target {
            Aim::KeyPoint(id) => {
                let probe = probe_of(&Some(id.clone()))
                    .unwrap_or_else(|| "Can you go deeper on that?".into());
                let use_quote = f.quote.is_some() && self.rng.below(3) == 0;
                let t = if use_quote {
                    self.pick(Kind::ProbeQuoted, PROBE_QUOTED)
                } else {
                    self.pick(Kind::Probe, PROBE)
                };
                fill(t, f.quote.as_deref(), &probe, "")
            }
            Aim::Pressure(i) => {
                let fu = q
                    .follow_ups
                    .get(*i)
                    .cloned()
                    .unwrap_or_else(|| "When does this design fail?".into());
                match f.quote.as_deref() {
                    Some(quote) => {
                        let t = self.pick(Kind::Pressure, PRESSURE);
                        fill(t, Some(quote), "", &fu)
                    }
                    None => {
                        let t = self.pick(Kind::Pressure, PRESSURE_PLAIN);
                        fill(t, None, "", &fu)
                    }
                }
            }
            Aim::Nudge(kp) => match probe_of(kp) {
                Some(probe) => {
                    let t = self.pick(Kind::Nudge, NUDGE);
                    fill(t, None, &probe, "")
                }
                None => self.pick(Kind::Nudge, NUDGE_PLAIN).to_string(),
            },
            Aim::Redirect { key_point, foreign } => {
                let probe = probe_of(key_point).unwrap_or_else(|| q.text.clone());
                let t = if *foreign {
                    self.pick(Kind::Redirect, FOREIGN)
                } else {
                    self.pick(Kind::Redirect, REDIRECT)
                };
                fill(t, None, &probe, "")
            }
        }
    }

    pub fn phrase_question(&mut self, ctx: &Context) -> String {
        let lead = if ctx.number <= 1 {
            self.pick(Kind::FirstQuestion, FIRST)
        } else {
            self.pick(Kind::NextQuestion, NEXT)
        };
        format!("{lead}\n\n{}", ctx.question.text)
    }

    /// A hint names what to cover, not the reasoning: the key point up to
    /// its first "because" or clause break, so the candidate still has to
    /// say why.
    pub fn phrase_hint(&mut self, kp: &KeyPoint) -> String {
        let t = self.pick(Kind::Hint, HINT);
        t.replace("{point}", &hint_of(&kp.point))
    }

    pub fn phrase_wrap_up(reason: WrapReason) -> String {
        match reason {
            WrapReason::Done => {
                "That's all my questions. Thanks, that was a useful session.".into()
            }
            WrapReason::Time => "We're out of time, so let's stop here. Thanks.".into(),
            WrapReason::Requested => "Okay, let's wrap up here. Thanks.".into(),
        }
    }
}

fn hint_of(point: &str) -> String {
    let mut cut = point.len();
    for marker in [
        " because ",
        " so that ",
        " so ",
        "; ",
        ": ",
        " (",
        " \u{2014} ",
        " - ",
        ", which ",
        ", so ",
    ] {
        if let Some(i) = point.find(marker) {
            cut = cut.min(i);
        }
    }
    let what = point[..cut].trim().trim_end_matches(['.', ',']);
    lower_first(what)
}

fn fill(template: &str, quote: Option<&str>, probe: &str, follow_up: &str) -> String {
    let probe_lc = lower_first(probe);
    template
        .replace("{quote}", quote.unwrap_or(""))
        .replace("{probe_lc}", &probe_lc)
        .replace("{probe}", probe)
        .replace("{follow_up}", follow_up)
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

    fn hint(&mut self, _ctx: &Context, kp: &KeyPoint, sink: &mut dyn Sink) -> Reply {
        let text = self.phrase_hint(kp);
        say(sink, text)
    }

    fn wrap_up(&mut self, reason: WrapReason, sink: &mut dyn Sink) -> Reply {
        say(sink, Scripted::phrase_wrap_up(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_give_the_what_not_the_why() {
        let h = hint_of(
            "Divides by sqrt(dk) because a dot product of unit-variance vectors has variance dk.",
        );
        assert_eq!(h, "divides by sqrt(dk)");
    }

    #[test]
    fn lowercasing_keeps_acronyms_and_i() {
        assert_eq!(lower_first("How would you"), "how would you");
        assert_eq!(lower_first("RAG first?"), "RAG first?");
        assert_eq!(lower_first("I mean"), "I mean");
    }
}
